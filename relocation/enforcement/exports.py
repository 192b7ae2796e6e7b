"""Columns of the enforcement lists' exports (检查记录, 执法措施), in each page's
order; the statistics workbook is enforcement.excel."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from relocation.core.spreadsheets import Col


def _kind(inspection):
    kind = inspection.get_kind_display()
    if inspection.follow_up_result:
        return f"{kind} · {inspection.get_follow_up_result_display()}"
    return kind


INSPECTION_COLUMNS = [
    Col(_("日期"), lambda i: i.inspected_on, 12),
    Col(_("企业"), lambda i: i.enterprise.name, 32),
    Col(_("统一社会信用代码"), lambda i: i.enterprise.credit_code, 22),
    Col(_("执法组"), lambda i: i.team.name, 20),
    Col(_("执法领域"), lambda i: i.team.domain.name if i.team.domain_id else "", 16),
    Col(_("类型"), _kind, 16),
    Col(_("检查情况"), lambda i: i.findings, 40),
    Col(_("企业代表"), lambda i: i.representative_name),
]

MEASURE_COLUMNS = [
    Col(_("企业"), lambda m: m.enterprise.name, 32),
    Col(_("措施"), lambda m: m.get_kind_display()),
    Col(_("状态"), lambda m: m.get_status_display()),
    Col(_("整改期限"), lambda m: m.deadline, 12),
    Col(_("执法组"), lambda m: m.team.name, 20),
    Col(_("违法行为"), lambda m: m.violation.description if m.violation_id else "", 40),
    Col(_("执法领域"), lambda m: m.violation.domain.name if m.violation_id else "", 16),
    Col(_("罚款(元)"), lambda m: m.amount, 12),
    Col(_("决定书文号"), lambda m: m.decision_number, 20),
    Col(_("登记时间"), lambda m: m.created_at, 18),
]
