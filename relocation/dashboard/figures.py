"""Every figure the battle map shows, computed once per request from a few
grouped queries (the number of queries does not grow with the number of
enterprises). `as_of` rebuilds the figures for a past date from history."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import Counter, defaultdict
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from relocation.dashboard import forecast, history
from relocation.enterprises.lifecycle_models import Batch, StatusChange
from relocation.enterprises.models import Enterprise, LifecycleStatus
from relocation.organisation.models import Programme
from relocation.supervision.models import Task, TaskStatus

S = LifecycleStatus
DONE = frozenset({S.RELOCATED, S.CLOSED})
STOPPED = frozenset({S.PRODUCTION_STOPPED, S.CLOSURE_VERIFIED, S.RELOCATED, S.CLOSED})
OPEN_TASK = ~Q(status__in=[TaskStatus.VERIFIED, TaskStatus.CANCELLED])

# Stage colours on the map and charts: grey → blue → green as an enterprise
# moves on; red for holdouts and forced closure.
STAGE_COLOURS = {
    S.SURVEYED: "#9aa5b1",
    S.INTENTION_RECORDED: "#6ea8fe",
    S.COMMITMENT_SIGNED: "#3d8bfd",
    S.DESTINATION_CONFIRMED: "#0d6efd",
    S.PRODUCTION_STOPPED: "#fd7e14",
    S.CLOSURE_VERIFIED: "#ffc107",
    S.RELOCATED: "#198754",
    S.CLOSED: "#20c997",
    S.HOLDOUT: "#dc3545",
    S.FORCED_CLOSURE: "#842029",
}


def _share(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def _summary(statuses: list[str]) -> dict[str, Any]:
    total = len(statuses)
    counts = Counter(statuses)
    stopped = sum(counts[s] for s in STOPPED)
    return {
        "total": total,
        "stopped": stopped,
        "closed": counts[S.CLOSED],
        "relocated": counts[S.RELOCATED],
        "done": counts[S.CLOSED] + counts[S.RELOCATED],
        "stopped_pct": _share(stopped, total),
        "closed_pct": _share(counts[S.CLOSED], total),
        "relocated_pct": _share(counts[S.RELOCATED], total),
        "done_pct": _share(counts[S.CLOSED] + counts[S.RELOCATED], total),
    }


def stage_table(statuses: dict[int, str]) -> list[dict[str, Any]]:
    counts = Counter(statuses.values())
    return [
        {"status": value, "label": str(label), "count": counts.get(value, 0), "colour": STAGE_COLOURS[value]}
        for value, label in S.choices
    ]


def batch_table(
    enterprise_batch: dict[int, int | None], statuses: dict[int, str], batches: list[Batch]
) -> list[dict[str, Any]]:
    by_batch: dict[int | None, list[str]] = defaultdict(list)
    for enterprise_id, status in statuses.items():
        by_batch[enterprise_batch.get(enterprise_id)].append(status)
    rows = []
    for batch in batches:
        rows.append(
            {"id": batch.pk, "name": batch.name, "deadline": batch.deadline, **_summary(by_batch.get(batch.pk, []))}
        )
    if by_batch.get(None):
        rows.append({"id": None, "name": "未分批", "deadline": None, **_summary(by_batch[None])})
    return rows


def overdue_tasks_by_unit(programme: Programme, today: dt.date) -> list[dict[str, Any]]:
    rows = (
        Task.objects.filter(OPEN_TASK, programme=programme, deadline__lt=today)
        .values("lead_unit_id", "lead_unit__name", "lead_unit__short_name")
        .annotate(n=Count("id"))
        .order_by("-n", "lead_unit__name")
    )
    return [
        {"unit_id": r["lead_unit_id"], "unit": r["lead_unit__short_name"] or r["lead_unit__name"], "overdue": r["n"]}
        for r in rows
    ]


def burn_down(
    programme: Programme,
    created: dict[int, dt.date],
    done_on: dict[int, dt.date],
    plan_deadline: dict[int, dt.date],
    until: dt.date,
) -> dict[str, list[Any]]:
    """Weekly remaining enterprises (actual) against the plan (each enterprise
    due by its batch deadline, or the programme deadline). Sorted dates and
    bisection keep it linear in the number of enterprises."""
    phases = list(programme.phases.order_by("starts_on").values_list("starts_on", flat=True))
    start = phases[0] if phases else min(created.values(), default=until)
    end = max(programme.deadline, until)
    created_sorted = sorted(created.values())
    done_sorted = sorted(d for e, d in done_on.items() if e in created)
    due_sorted = sorted(plan_deadline.get(e, programme.deadline) for e in created)
    labels: list[str] = []
    actual: list[int | None] = []
    plan: list[int] = []
    day = start
    while day <= end + dt.timedelta(days=6):
        labels.append(day.isoformat())
        plan.append(len(due_sorted) - bisect_right(due_sorted, day))
        existing = bisect_right(created_sorted, day)
        actual.append(existing - bisect_right(done_sorted, day) if day <= until else None)
        day += dt.timedelta(weeks=1)
    return {"labels": labels, "actual": actual, "plan": plan}


def board(*, programme: Programme, enterprises: list[Enterprise], as_of: dt.date | None = None) -> dict[str, Any]:
    """All indicators of the battle map for the given (already scoped and
    filtered) enterprises, today or as they stood on `as_of`."""
    today = as_of or timezone.localdate()
    statuses = history.statuses_on(enterprises, as_of)
    ids = list(statuses)
    batches = list(Batch.objects.filter(programme=programme).order_by("deadline", "id"))
    enterprise_batch = {e.pk: getattr(getattr(e, "relocation_plan", None), "batch_id", None) for e in enterprises}
    batch_deadline = {b.pk: b.deadline for b in batches}
    plan_deadline = {e: batch_deadline[b] for e, b in enterprise_batch.items() if b in batch_deadline}
    cutoff = history.end_of_day(today)
    done_on: dict[int, dt.date] = {}
    for enterprise_id, at in (
        StatusChange.objects.filter(enterprise_id__in=ids, to_status__in=list(DONE), at__lte=cutoff)
        .order_by("at")
        .values_list("enterprise_id", "at")
    ):
        done_on[enterprise_id] = timezone.localtime(at).date()
    created = {e.pk: timezone.localtime(e.created_at).date() for e in enterprises if e.pk in statuses}

    remaining = sum(1 for s in statuses.values() if s not in DONE)
    weekly = history.weekly_completions(programme.pk, today, weeks=8)
    dates, runs = forecast.simulate(remaining, weekly, today)
    batch_forecasts = []
    for row in batch_table(enterprise_batch, statuses, batches):
        left = row["total"] - row["done"]
        # A batch moves at its share of the programme's recent pace.
        share = left / remaining if remaining else 0
        sample = [round(w * share) for w in weekly] if share else []
        b_dates, b_runs = forecast.simulate(left, sample, today)
        deadline = row["deadline"] or programme.deadline
        batch_forecasts.append(
            {**row, "forecast": b_dates, "on_time_probability": round(forecast.on_time_share(b_runs, deadline), 2)}
        )
    return {
        "as_of": today,
        "is_past": as_of is not None,
        "deadline": programme.deadline,
        "days_left": (programme.deadline - today).days,
        "summary": _summary(list(statuses.values())),
        "stages": stage_table(statuses),
        "batches": batch_forecasts,
        "overdue_tasks": overdue_tasks_by_unit(programme, today),
        "burn_down": burn_down(programme, created, done_on, plan_deadline, today),
        "forecast": {
            "remaining": remaining,
            "weekly_completions": weekly,
            "dates": dates,
            "on_time_probability": round(forecast.on_time_share(runs, programme.deadline), 2),
        },
        "statuses": statuses,
    }
