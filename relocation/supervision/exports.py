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
