"""Columns of the lease list's export, in the page's order plus the money and
dates the page leaves to the detail."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from relocation.core.spreadsheets import Col


def _notice(lease, attr):
    notice = getattr(lease, "notice", None)
    return getattr(notice, attr) if notice is not None else None


def _refund(lease, attr):
    refund = getattr(lease, "refund", None)
    return getattr(refund, attr) if refund is not None else None


LEASE_COLUMNS = [
    Col(_("租约编号"), lambda lease: lease.number, 16),
    Col(_("承租企业"), lambda lease: lease.enterprise.name, 32),
    Col(_("统一社会信用代码"), lambda lease: lease.enterprise.credit_code, 22),
    Col(_("属地单位"), lambda lease: lease.enterprise.territorial_unit or "", 14),
    Col(_("出租方类型"), lambda lease: lease.get_landlord_kind_display(), 12),
    Col(_("出租方"), lambda lease: lease.landlord_name, 28),
    Col(_("所在社区"), lambda lease: lease.community_unit, 16),
    Col(_("物业地址"), lambda lease: lease.address, 32),
    Col(_("租赁面积（平方米）"), lambda lease: lease.area_m2, 12),
    Col(_("租期起始"), lambda lease: lease.starts_on, 12),
    Col(_("租期届满"), lambda lease: lease.ends_on, 12),
    Col(_("月租金（元）"), lambda lease: lease.monthly_rent, 12),
    Col(_("押金（元）"), lambda lease: lease.deposit, 12),
    Col(_("状态"), lambda lease: lease.get_status_display(), 14),
    Col(_("停租通知文号"), lambda lease: _notice(lease, "number"), 20),
    Col(_("限期腾退日期"), lambda lease: _notice(lease, "vacate_by"), 12),
    Col(_("押金退还期限"), lambda lease: _notice(lease, "refund_due_on"), 12),
    Col(_("退还金额（元）"), lambda lease: _refund(lease, "amount"), 12),
    Col(_("退还日期"), lambda lease: _refund(lease, "refunded_on"), 12),
    Col(_("扣留理由"), lambda lease: _refund(lease, "withheld_reason"), 24),
    Col(_("未化解纠纷"), lambda lease: getattr(lease, "open_disputes", 0), 10),
]
