"""Columns of the lifecycle lists' exports (逾期企业, 搬迁批次), in each page's
order; the ledger's own workbook is ledger_export (template columns)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from relocation.core.spreadsheets import Col
from relocation.enterprises.models import LifecycleStatus

OVERDUE_COLUMNS = [
    Col(_("企业"), lambda e: e.name, 32),
    Col(_("统一社会信用代码"), lambda e: e.credit_code, 22),
    Col(_("搬迁进度"), lambda e: e.get_status_display()),
    Col(_("属地"), lambda e: str(e.territorial_unit) if e.territorial_unit_id else ""),
    Col(_("承诺关停日期"), lambda e: e.committed_shutdown_on, 14),
    Col(_("批次"), lambda e: e.batch_name or ""),
    Col(_("关停时限"), lambda e: e.batch_deadline, 14),
]


def batch_columns() -> list[Col]:
    """One row per batch (lifecycle_selectors.batch_progress), then one column per status."""
    columns = [
        Col(_("批次"), lambda r: r["batch"].name, 20),
        Col(_("关停时限"), lambda r: r["batch"].deadline, 14),
        Col(_("企业数"), lambda r: r["total"], 10),
        Col(_("已完成"), lambda r: r["done"], 10),
        Col(_("完成率(%)"), lambda r: r["percent"], 10),
        Col(_("逾期"), lambda r: r["overdue"], 10),
    ]
    for index, (_value, label) in enumerate(LifecycleStatus.choices):
        columns.append(Col(label, lambda r, i=index: r["counts"][i]["count"], 10))
    columns.append(Col(_("说明"), lambda r: r["batch"].description, 30))
    return columns
