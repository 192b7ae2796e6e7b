"""The monthly exceedance report (daily averages) for HQ and the owning unit:
per point and pollutant the days whose daily average exceeded the applicable
limit, with the limit and the value. Read from the daily aggregates
(aggregates.exceedance_report), never from the raw values; the page, its Excel
export and the REST endpoint share what is here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relocation.core.spreadsheets import Col
from relocation.monitoring import aggregates, selectors


class MonthError(ValueError):
    """A month that cannot be read; the message is in the user's language."""


def parse_month(text: str | None, *, today: dt.date | None = None) -> dt.date:
    """'YYYY-MM' → the month's first day; empty → the current month. Months
    after the current one hold no data and are refused."""
    today = today or timezone.localdate()
    text = (text or "").strip()
    if not text:
        return today.replace(day=1)
    try:
        month = dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise MonthError(_("月份格式应为 YYYY-MM，例如 2022-05。")) from None
    if month > today.replace(day=1):
        raise MonthError(_("不能选择尚未到来的月份。"))
    return month


@dataclass(frozen=True)
class ExceededDay:
    """One day of one point and pollutant whose daily average exceeded the limit."""

    point: Any
    pollutant: str
    name: str
    day: dt.date
    value: float
    limit: str
    limit_value: float | None  # the bound crossed: the maximum, or the minimum (pH)
    unit: str
    source: str


def report_for_user(user: Any, month: dt.date) -> list[dict[str, Any]]:
    """Lines (see aggregates.exceedance_report) with at least one exceeded day,
    of the points the user answers for, by enterprise and point."""
    points = selectors.owned_points_for_user(user).order_by("enterprise__name", "name", "pk")
    lines = aggregates.exceedance_report(points, month)
    return [line for line in lines if line["exceedances"]]


def exceeded_days(lines: list[dict[str, Any]]) -> list[ExceededDay]:
    """One row per exceeded day: what the export and the API list."""
    out = []
    for line in lines:
        for day, value in line["exceedances"]:
            crossed_max = line["limit_max"] is not None and value > line["limit_max"]
            out.append(
                ExceededDay(
                    point=line["point"],
                    pollutant=line["pollutant"],
                    name=line["name"],
                    day=day,
                    value=round(value, 5),
                    limit=line["limit"],
                    limit_value=line["limit_max"] if crossed_max else line["limit_min"],
                    unit=line["unit"],
                    source=line["source"],
                )
            )
    return out


EXPORT_COLUMNS = [
    Col(gettext_lazy("企业"), lambda r: r.point.enterprise.name, 32),
    Col(gettext_lazy("监控点"), lambda r: r.point.name, 20),
    Col(gettext_lazy("MN"), lambda r: r.point.mn, 26),
    Col(gettext_lazy("污染物"), lambda r: r.name, 14),
    Col(gettext_lazy("编码"), lambda r: r.pollutant, 10),
    Col(gettext_lazy("日期"), lambda r: r.day, 12),
    Col(gettext_lazy("日均值"), lambda r: r.value, 12),
    Col(gettext_lazy("限值"), lambda r: r.limit, 12),
    Col(gettext_lazy("单位"), lambda r: r.unit, 8),
    Col(gettext_lazy("依据"), lambda r: r.source, 28),
]
