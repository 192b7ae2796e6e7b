"""Every figure the battle map shows, computed once per request from a few
grouped queries (the number of queries does not grow with the number of
enterprises). `as_of` rebuilds the figures for a past date from history."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import Counter, defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.dashboard import forecast, history
from relocation.enterprises import lifecycle_facts
from relocation.enterprises.lifecycle_models import Batch, StatusChange
from relocation.enterprises.models import Enterprise, LifecycleStatus
from relocation.organisation.models import Programme
from relocation.supervision.models import Task, TaskStatus

S = LifecycleStatus
DONE = lifecycle_facts.DONE
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


def _summary(counts: Counter[str]) -> dict[str, Any]:
    """The headline figures (lifecycle_facts.summary) with their shares."""
    figures: dict[str, Any] = lifecycle_facts.summary(counts)
    for key in ("stopped", "closed", "relocated", "done"):
        figures[f"{key}_pct"] = _share(figures[key], figures["total"])
    return figures


def stage_table(counts: Counter[str]) -> list[dict[str, Any]]:
    return [
        {"status": value, "label": str(label), "count": counts.get(value, 0), "colour": STAGE_COLOURS[value]}
        for value, label in S.choices
    ]


def batch_table(by_batch: dict[int | None, Counter[str]], batches: list[Batch]) -> list[dict[str, Any]]:
    rows = [
        {"id": b.pk, "name": b.name, "deadline": b.deadline, **_summary(by_batch.get(b.pk, Counter()))} for b in batches
    ]
    if by_batch.get(None):
        rows.append({"id": None, "name": str(_("未分批")), "deadline": None, **_summary(by_batch[None])})
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


def _cumulative(per_day: dict[dt.date, int]) -> tuple[list[dt.date], list[int]]:
    days = sorted(per_day)
    totals, running = [], 0
    for day in days:
        running += per_day[day]
        totals.append(running)
    return days, totals


def _upto(days: list[dt.date], totals: list[int], day: dt.date) -> int:
    i = bisect_right(days, day)
    return totals[i - 1] if i else 0


def burn_down(
    *,
    start: dt.date,
    end: dt.date,
    until: dt.date,
    created: dict[dt.date, int],
    done: dict[dt.date, int],
    due: dict[dt.date, int],
) -> dict[str, list[Any]]:
    """Weekly remaining enterprises (actual, up to `until`) against the plan
    (each enterprise due by its batch deadline, or the programme deadline).
    Inputs are counts per day, so the work does not grow with enterprises.

    Both lines count the same set, the enterprises in the ledger up to `until`:
    an enterprise entered in the ledger in week 10 was in the zone from the
    start, so it counts as remaining from week 1 (counting it only from its
    entry made the actual line start far below the plan and then jump)."""
    _created_days, created_totals = _cumulative(created)
    in_ledger = created_totals[-1] if created_totals else 0
    done_days, done_totals = _cumulative(done)
    due_days, due_totals = _cumulative(due)
    total_due = due_totals[-1] if due_totals else 0
    labels: list[str] = []
    actual: list[int | None] = []
    plan: list[int] = []
    day = start
    while day <= end + dt.timedelta(days=6):
        labels.append(day.isoformat())
        plan.append(total_due - _upto(due_days, due_totals, day))
        actual.append(in_ledger - _upto(done_days, done_totals, day) if day <= until else None)
        day += dt.timedelta(weeks=1)
    return {"labels": labels, "actual": actual, "plan": plan}


def _per_day(qs: QuerySet, field: str) -> dict[dt.date, int]:
    return {
        r["day"]: r["n"]
        for r in qs.annotate(day=TruncDate(field)).values("day").annotate(n=Count("id")).order_by()
        if r["day"] is not None
    }


def _done_per_day(scope: QuerySet[Enterprise], cutoff: dt.datetime) -> dict[dt.date, int]:
    """Enterprises finishing (DONE) per day, as the stages on each day read
    (lifecycle_facts.statuses_on): a move into DONE from outside it counts
    once (a correction between two finished stages does not count again), a
    move back out subtracts, and an enterprise entered at a finished stage
    with no recorded move counts as finished from its entry. So the actual
    line ends on the number still open, whatever the history holds."""
    moves = StatusChange.objects.filter(enterprise_id__in=scope.values("id"), at__lte=cutoff)
    done: dict[dt.date, int] = defaultdict(int)
    for day, n in _per_day(moves.filter(to_status__in=list(DONE)).exclude(from_status__in=list(DONE)), "at").items():
        done[day] += n
    for day, n in _per_day(moves.filter(from_status__in=list(DONE)).exclude(to_status__in=list(DONE)), "at").items():
        done[day] -= n
    unrecorded = scope.filter(status__in=list(DONE), created_at__lte=cutoff).exclude(
        pk__in=StatusChange.objects.filter(enterprise_id__in=scope.values("id")).values("enterprise_id")
    )
    for day, n in _per_day(unrecorded, "created_at").items():
        done[day] += n
    return dict(done)


def board(*, programme: Programme, scope: QuerySet[Enterprise], as_of: dt.date | None = None) -> dict[str, Any]:
    """All indicators of the battle map for the given (already scoped and
    filtered) enterprises, today or as they stood on `as_of`. Today's figures
    come from grouped queries; a past date replays the recorded history."""
    today = as_of or timezone.localdate()
    cutoff = history.end_of_day(today)
    batches = list(Batch.objects.filter(programme=programme).order_by("deadline", "id"))
    by_batch: dict[int | None, Counter[str]] = defaultdict(Counter)
    statuses: dict[int, str] | None = None
    created: dict[dt.date, int] = defaultdict(int)
    if as_of is None:
        # One pass over the enterprises for both the stage counts per batch
        # and the burn-down's entries per day.
        rows = (
            scope.annotate(day=TruncDate("created_at"))
            .values("relocation_plan__batch_id", "status", "day")
            .annotate(n=Count("id"))
            .order_by()
        )
        for r in rows:
            by_batch[r["relocation_plan__batch_id"]][r["status"]] += r["n"]
            if r["day"] is not None and r["day"] <= today:
                created[r["day"]] += r["n"]
    else:
        statuses = history.statuses_on(scope, as_of)
        batch_of = dict(scope.values_list("id", "relocation_plan__batch_id"))
        for enterprise_id, status in statuses.items():
            by_batch[batch_of.get(enterprise_id)][status] += 1
    counts: Counter[str] = Counter()
    for c in by_batch.values():
        counts.update(c)

    batch_deadline = {b.pk: b.deadline for b in batches}
    due: dict[dt.date, int] = defaultdict(int)
    for batch_id, c in by_batch.items():
        due[batch_deadline.get(batch_id, programme.deadline)] += sum(c.values())
    done_per_day = _done_per_day(scope, cutoff)
    phases = list(programme.phases.order_by("starts_on").values_list("starts_on", flat=True))
    if as_of is not None:
        created = _per_day(scope.filter(created_at__lte=cutoff), "created_at")
    start = phases[0] if phases else min(created, default=today)

    remaining = sum(n for s, n in counts.items() if s not in DONE)
    weekly = history.weekly_completions(programme.pk, today, weeks=8)
    dates, runs = forecast.simulate(remaining, weekly, today)
    batch_forecasts = []
    for row in batch_table(by_batch, batches):
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
        "days_overdue": max(0, (today - programme.deadline).days),
        "summary": _summary(counts),
        "stages": stage_table(counts),
        "batches": batch_forecasts,
        "overdue_tasks": overdue_tasks_by_unit(programme, today),
        "burn_down": burn_down(
            start=start,
            end=max(programme.deadline, today),
            until=today,
            created=created,
            done=done_per_day,
            due=due,
        ),
        "forecast": {
            "remaining": remaining,
            "weekly_completions": weekly,
            "dates": dates,
            "on_time_probability": round(forecast.on_time_share(runs, programme.deadline), 2),
        },
        "statuses": statuses,
    }
