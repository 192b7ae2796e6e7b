"""Columns of the 诉求 inbox export, in the page's order; no submitter's
contact details, which the list does not show either."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from relocation.core.spreadsheets import Col


def _unit(inquiry):
    unit = inquiry.unit
    return (unit.short_name or unit.name) if unit is not None else ""


INQUIRY_COLUMNS = [
    Col(_("受理编号"), lambda i: i.number, 18),
    Col(_("类型"), lambda i: i.get_kind_display()),
    Col(_("标题"), lambda i: i.subject, 36),
    Col(_("相关企业"), lambda i: i.enterprise.name if i.enterprise_id else "", 32),
    Col(_("承办单位"), _unit, 18),
    Col(_("办理时限"), lambda i: i.due_date, 12),
    Col(_("状态"), lambda i: i.get_status_display()),
    Col(_("提交时间"), lambda i: i.created_at, 18),
]
