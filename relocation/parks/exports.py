"""Columns of the 入园需求 export, in the page's order."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from relocation.core.spreadsheets import Col
from relocation.parks import selectors, streams


def _amount(key: str):
    return lambda e: selectors.demand_of(e).get(key)


DEMAND_COLUMNS = [
    Col(_("企业"), lambda e: e.name, 32),
    Col(_("统一社会信用代码"), lambda e: e.credit_code, 22),
    Col(_("面积(平方米)"), _amount(streams.FLOOR_AREA), 12),
    Col(_("氰"), _amount(streams.CYANIDE), 8),
    Col(_("铬"), _amount(streams.CHROMIUM), 8),
    Col(_("镍"), _amount(streams.NICKEL), 8),
    Col(_("综合"), _amount(streams.GENERAL), 8),
    Col(_("印染"), _amount(streams.DYEING), 8),
    Col(_("意向园区"), lambda e: "、".join(selectors.preferred_park_names(e)), 30),
]


def _result(key: str):
    return lambda p: ((p.result or {}).get("objective") or {}).get(key)


PROPOSAL_COLUMNS = [
    Col("#", lambda p: p.pk, 8),
    Col(_("发起时间"), lambda p: p.created_at, 18),
    Col(_("发起人"), lambda p: (p.created_by.display_name or p.created_by.username) if p.created_by_id else "", 16),
    Col(_("状态"), lambda p: p.get_status_display()),
    Col(_("安置"), _result("placed"), 10),
    Col(_("未安置"), _result("unplaced"), 10),
]
