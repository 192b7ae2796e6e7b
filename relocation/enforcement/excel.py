"""Excel export of enforcement records (several sheets). Every cell goes
through core's `safe_cell`, so text a spreadsheet would run as a formula
(=, +, -, @, tab, CR), like an enterprise name "=HYPERLINK(...)", stays text."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from relocation.core.spreadsheets import safe_cell
from relocation.enforcement import selectors
from relocation.enforcement.models import InspectionStatus

MAX_ROWS = 100_000


def _sheet(wb: Workbook, title: str, header: list[str], rows: Any) -> None:
    ws = wb.create_sheet(title)
    ws.append([safe_cell(h) for h in header])
    for row in rows:
        ws.append([safe_cell(v) for v in row])


def workbook(user: Any, *, year: int | None = None) -> bytes:
    wb = Workbook(write_only=True)
    stats = selectors.statistics(user, year=year)
    header = [_("分组"), _("检查"), _("违法行为"), _("整改令"), _("已销号"), _("处罚决定"), _("罚款(元)")]
    for title, key in ((_("按领域"), "by_domain"), (_("按部门"), "by_department"), (_("按执法组"), "by_team")):
        _sheet(
            wb,
            title,
            header,
            (
                [
                    r["key"] or "",
                    r["inspections"],
                    r["violations"],
                    r["orders"],
                    r["closed"],
                    r["decisions"],
                    float(r["fines"] or 0),
                ]
                for r in stats[key]
            ),
        )
    _sheet(
        wb,
        _("按月"),
        [_("月份"), _("检查"), _("违法行为"), _("整改令"), _("已销号")],
        ([r["key"], r["inspections"], r["violations"], r["orders"], r["closed"]] for r in stats["by_month"]),
    )
    violations = selectors.violations_for_user(user)
    if year:
        violations = violations.filter(found_on__year=year)
    _sheet(
        wb,
        _("违法行为"),
        [_("发现日期"), _("企业"), _("统一社会信用代码"), _("执法领域"), _("法律依据"), _("违法事实"), _("执法组")],
        (
            [
                v.found_on,
                v.enterprise.name,
                v.enterprise.credit_code,
                v.domain.name,
                str(v.legal_basis or ""),
                v.description,
                v.inspection.team.name,
            ]
            for v in violations.order_by("-found_on", "-id")[:MAX_ROWS].iterator(chunk_size=2000)
        ),
    )
    measures = selectors.measures_for_user(user)
    if year:
        measures = measures.filter(created_at__year=year)
    _sheet(
        wb,
        _("执法措施"),
        [_("登记时间"), _("企业"), _("措施"), _("状态"), _("整改期限"), _("罚款(元)"), _("决定书文号"), _("执法组")],
        (
            [
                m.created_at.date(),
                m.enterprise.name,
                m.get_kind_display(),
                m.get_status_display(),
                m.deadline,
                float(m.amount) if m.amount else None,
                m.decision_number,
                m.team.name,
            ]
            for m in measures.order_by("-created_at", "-id")[:MAX_ROWS].iterator(chunk_size=2000)
        ),
    )
    inspections = selectors.inspections_for_user(user).filter(status=InspectionStatus.SUBMITTED)
    if year:
        inspections = inspections.filter(inspected_on__year=year)
    _sheet(
        wb,
        _("检查记录"),
        [_("检查日期"), _("企业"), _("执法组"), _("类型"), _("检查情况"), _("企业代表")],
        (
            [i.inspected_on, i.enterprise.name, i.team.name, i.get_kind_display(), i.findings, i.representative_name]
            for i in inspections.order_by("-inspected_on", "-id")[:MAX_ROWS].iterator(chunk_size=2000)
        ),
    )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
