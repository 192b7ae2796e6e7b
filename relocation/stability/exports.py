"""Columns of the stability lists' exports (风险研判, 事件, 舆情), in each
page's order; the rows are the list's own queryset with its filters."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from relocation.core.spreadsheets import EXPORT_MAX_ROWS, Col
from relocation.stability import selectors


def _units(main: Any, co_units: Any) -> str:
    return "、".join(str(u) for u in [main, *co_units.all()] if u is not None)


def _risk_level(r: Any) -> str:
    level = str(r.effective_level_label)
    if r.effective_level != r.level:
        level += f"（{_('研判')}：{r.get_level_display()}）"
    return level


def _risk_factors(r: Any) -> str:
    parts = list(r.factor_labels()) + [f"{s.label}：{s.detail}" for s in r.signals]
    return "、".join(str(p) for p in parts)


RISK_COLUMNS = [
    Col(_("企业"), lambda r: r.enterprise.name, 32),
    Col(_("统一社会信用代码"), lambda r: r.enterprise.credit_code, 22),
    Col(_("风险等级"), _risk_level, 16),
    Col(_("风险因素"), _risk_factors, 40),
    Col(_("责任单位"), lambda r: _units(r.responsible_unit, r.co_units), 28),
    Col(_("下次研判日期"), lambda r: r.review_on, 14),
    Col(_("研判情况"), lambda r: r.notes, 30),
]

INCIDENT_COLUMNS = [
    Col(_("发生时间"), lambda i: i.occurred_at, 18),
    Col(_("事件"), lambda i: i.title, 32),
    Col(_("类型"), lambda i: i.get_kind_display()),
    Col(_("严重程度"), lambda i: i.get_severity_display()),
    Col(_("涉及企业"), lambda i: i.enterprise.name if i.enterprise_id else "", 32),
    Col(_("人数"), lambda i: i.people_count, 8),
    Col(_("牵头单位"), lambda i: _units(i.lead_unit, i.co_units), 28),
    Col(_("状态"), lambda i: i.get_status_display()),
]

OPINION_COLUMNS = [
    Col(_("首次发现"), lambda e: e.first_seen_at, 18),
    Col(_("舆情"), lambda e: e.title, 32),
    Col(_("来源"), lambda e: e.get_source_display()),
    Col(_("等级"), lambda e: e.get_level_display()),
    Col(_("倾向"), lambda e: e.get_sentiment_display()),
    Col(_("相关企业"), lambda e: e.enterprise.name if e.enterprise_id else "", 32),
    Col(_("处置单位"), lambda e: str(e.owner_unit) if e.owner_unit_id else "", 20),
    Col(_("响应时限"), lambda e: e.response_due_at, 18),
    Col(_("状态"), lambda e: e.get_status_display() + (f"（{_('逾期')}）" if e.overdue else "")),
]


def risk_rows(qs: Any) -> list[Any]:
    """The register's rows with the signals the page shows (one query per provider)."""
    return selectors.with_signals(list(qs[:EXPORT_MAX_ROWS]))
