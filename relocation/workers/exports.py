"""Columns of the 劳动纠纷案件 export, in the page's order (plus the credit
code); no worker's personal data, which the list does not show either."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from relocation.core.spreadsheets import Col

CASE_COLUMNS = [
    Col(_("登记日期"), lambda c: c.reported_on, 12),
    Col(_("企业"), lambda c: c.enterprise.name, 32),
    Col(_("统一社会信用代码"), lambda c: c.enterprise.credit_code, 22),
    Col(_("类型"), lambda c: c.get_kind_display()),
    Col(_("情况摘要"), lambda c: c.summary, 40),
    Col(_("涉及金额(元)"), lambda c: c.total_owed, 14),
    Col(_("已清偿(元)"), lambda c: c.total_paid, 14),
    Col(_("状态"), lambda c: c.get_status_display()),
]
