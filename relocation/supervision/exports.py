"""Columns of the supervision lists' exports (任务, 专题督查, 单位报送), in each
page's order."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from relocation.core.spreadsheets import Col
from relocation.supervision import selectors
from relocation.supervision.models import WarningLevel


def task_columns(today: dt.date, yellow_until: dt.date) -> list[Col]:
    levels = dict(WarningLevel.choices)

    def warning(task):
        level = selectors.colour(task, today, yellow_until)
        return str(levels.get(level, "")) if level != WarningLevel.NONE else ""

    return [
        Col(_("任务"), lambda t: t.title, 40),
        Col(_("来源"), lambda t: t.get_source_display()),
        Col(_("牵头单位"), lambda t: str(t.lead_unit), 20),
        Col(_("责任人"), lambda t: str(t.responsible) if t.responsible_id else ""),
        Col(_("完成时限"), lambda t: t.deadline),
        Col(_("预警"), warning, 10),
        Col(_("状态"), lambda t: t.get_status_display()),
    ]


INSPECTION_COLUMNS = [
    Col(_("督查主题"), lambda i: i.title, 40),
    Col(_("季度"), lambda i: f"{i.year}Q{i.quarter}", 10),
    Col(_("发现问题"), lambda i: i.n_findings, 10),
    Col(_("状态"), lambda i: i.get_status_display()),
    Col(_("报告文号"), lambda i: i.report_number, 20),
]


def _period(report) -> str:
    return f"{report.period_start:%Y-%m-%d} — {report.period_end:%Y-%m-%d}" if report.period_start else ""


def report_columns() -> list[Col]:
    """信息报送: the HQ page (one period, every unit) and a unit's own page share
    these; a unit that has not reported comes as a row with 未报送."""
    return [
        Col(_("单位"), lambda r: str(r.unit), 20),
        Col(_("周期"), _period, 24),
        Col(_("状态"), lambda r: r.get_status_display() if r.pk else str(_("未报送"))),
        Col(_("截止"), lambda r: r.due_on, 12),
        Col(_("报送时间"), lambda r: r.submitted_at, 18),
        Col(_("迟报"), lambda r: bool(r.pk) and r.is_late, 8),
    ]


def missing_rows(units, period) -> list:
    """The units that have not reported, as unsaved reports of the period."""
    from relocation.supervision.models import UnitReport

    return [
        UnitReport(unit=unit, period_start=period.start, period_end=period.end, due_on=period.due_on) for unit in units
    ]
