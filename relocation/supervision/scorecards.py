"""Unit scorecards, the league table, and task figures for the monthly bulletin."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, Q

from relocation.organisation.models import Programme
from relocation.supervision.models import ReportStatus, Task, TaskStatus, UnitReport
from relocation.supervision.transitions import UNIT_OWES

# Reported done by the deadline: the flag the services keep at report time (and on
# an extension), so the database counts a plain column instead of casting every
# row's timestamp to a local date (which SQLite does in Python, row by row).
ON_TIME = Q(reported_on_time=True) & ~Q(status=TaskStatus.CANCELLED)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def task_stats(programme: Programme, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Tasks due in [start, end]: on-time rate per unit, and the overdue list
    (tasks still owed by a unit whose deadline passed before `end`).

    Returns {"total", "on_time", "on_time_rate", "units": [{unit_id, unit,
    due, on_time, on_time_rate, overdue}], "overdue": [{id, title, unit_id,
    unit, deadline, days_overdue, status}]}."""
    due = Task.objects.filter(programme=programme, deadline__gte=start, deadline__lte=end).exclude(
        status=TaskStatus.CANCELLED
    )
    rows = due.values("lead_unit_id", "lead_unit__name", "lead_unit__short_name", "lead_unit__order").annotate(
        n=Count("id"), ok=Count("id", filter=ON_TIME)
    )
    overdue_qs = (
        Task.objects.filter(programme=programme, status__in=UNIT_OWES, deadline__lt=end)
        .select_related("lead_unit")
        .order_by("deadline", "id")
    )
    overdue_by_unit: dict[int, int] = dict(
        overdue_qs.order_by().values_list("lead_unit_id").annotate(c=Count("id")).values_list("lead_unit_id", "c")
    )
    units = []
    for r in sorted(rows, key=lambda r: r["lead_unit__order"]):
        units.append(
            {
                "unit_id": r["lead_unit_id"],
                "unit": r["lead_unit__short_name"] or r["lead_unit__name"],
                "due": r["n"],
                "on_time": r["ok"],
                "on_time_rate": _rate(r["ok"], r["n"]),
                "overdue": overdue_by_unit.get(r["lead_unit_id"], 0),
            }
        )
    total = sum(u["due"] for u in units)
    ok = sum(u["on_time"] for u in units)
    return {
        "total": total,
        "on_time": ok,
        "on_time_rate": _rate(ok, total),
        "units": units,
        "overdue": [
            {
                "id": t.pk,
                "title": t.title,
                "unit_id": t.lead_unit_id,
                "unit": str(t.lead_unit),
                "deadline": t.deadline,
                "days_overdue": (end - t.deadline).days,
                "status": t.status,
            }
            for t in overdue_qs[:500]
        ],
    }


def _months_back(today: dt.date, n: int) -> list[dt.date]:
    months = []
    y, m = today.year, today.month
    for _ in range(n):
        months.append(dt.date(y, m, 1))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return list(reversed(months))


def _next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + 1, 1, 1) if month.month == 12 else dt.date(month.year, month.month + 1, 1)


def league_table(programme: Programme, today: dt.date, months: int = 6) -> list[dict[str, Any]]:
    """Every reporting unit with its on-time completion rate, report
    timeliness, overdue count and monthly trend, best first.

    Score (0–100) = 60 × on-time rate + 40 × report timeliness − 2 per overdue task."""
    from relocation.supervision.reports import periods_between, reporting_units

    units = list(reporting_units(programme))
    due = Task.objects.filter(programme=programme, deadline__lt=today).exclude(status=TaskStatus.CANCELLED)
    task_rows = {
        r["lead_unit_id"]: r
        for r in due.values("lead_unit_id").annotate(
            n=Count("id"), ok=Count("id", filter=ON_TIME), overdue=Count("id", filter=Q(status__in=UNIT_OWES))
        )
    }
    month_keys = _months_back(today, months)
    first = month_keys[0]
    # The trend in one grouped pass over the recent months: a count per month by
    # date range (no per-row month truncation, which SQLite does in Python).
    bounds = [*month_keys[1:], _next_month(month_keys[-1])]
    monthly = {}
    for i, (start, end) in enumerate(zip(month_keys, bounds, strict=True)):
        in_month = Q(deadline__gte=start, deadline__lt=end)
        monthly[f"n{i}"] = Count("id", filter=in_month)
        monthly[f"ok{i}"] = Count("id", filter=in_month & ON_TIME)
    trend: dict[int, list[float | None]] = {
        r["lead_unit_id"]: [_rate(r[f"ok{i}"], r[f"n{i}"]) for i in range(len(month_keys))]
        for r in due.filter(deadline__gte=first).values("lead_unit_id").annotate(**monthly)
    }
    periods = [p for p in periods_between(programme, first, today) if p.due_on < today]
    starts = [p.start for p in periods]
    report_rows = (
        UnitReport.objects.filter(programme=programme, period_start__in=starts)
        .exclude(status=ReportStatus.DRAFT)
        .values("unit_id")
        .annotate(n=Count("id"), on_time=Count("id", filter=Q(submitted_at__date__lte=F("due_on"))))
    )
    reports = {r["unit_id"]: r for r in report_rows}
    table = []
    for unit in units:
        t = task_rows.get(unit.pk, {"n": 0, "ok": 0, "overdue": 0})
        rep = reports.get(unit.pk, {"n": 0, "on_time": 0})
        on_time_rate = _rate(t["ok"], t["n"])
        report_rate = _rate(rep["on_time"], len(periods))
        score = 60 * (on_time_rate if on_time_rate is not None else 1) + 40 * (
            report_rate if report_rate is not None else 1
        )
        score = max(round(score - 2 * t["overdue"], 1), 0)
        table.append(
            {
                "unit": unit,
                "due": t["n"],
                "on_time": t["ok"],
                "on_time_rate": on_time_rate,
                "reports_expected": len(periods),
                "reports_submitted": rep["n"],
                "reports_on_time": rep["on_time"],
                "report_rate": report_rate,
                "overdue": t["overdue"],
                "score": score,
                "trend": trend.get(unit.pk, [None] * len(month_keys)),
            }
        )
    table.sort(key=lambda r: (-r["score"], r["unit"].order))
    for rank, row in enumerate(table, start=1):
        row["rank"] = rank
    return table


def trend_months(today: dt.date, months: int = 6) -> list[str]:
    return [m.strftime("%Y-%m") for m in _months_back(today, months)]
