"""What the meetings read from other apps, in one place.

The units' reports (and their "problems needing coordination") belong to
`supervision`; its selectors may not be there yet on every branch, so they are
imported lazily and, when missing, we fall back to what the models on main
already give (tasks). Working days come from `core.workdays`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from relocation.core import workdays


@dataclass(frozen=True)
class CoordinationProblem:
    """A problem a unit's report asks HQ to coordinate."""

    ref: str  # stable identifier, e.g. "report-problem:12"
    unit_id: int | None
    text: str
    details: str = ""
    reported_on: dt.date | None = None
    is_urgent: bool = False
    raised_by_id: int | None = None  # the user who submitted the report


def _get(item: Any, *names: str, default: Any = None) -> Any:
    for name in names:
        if isinstance(item, dict) and name in item:
            return item[name]
        if hasattr(item, name):
            return getattr(item, name)
    return default


def _normalise(item: Any) -> CoordinationProblem | None:
    text = _get(item, "title", "problem", "problems_needing_coordination", "text", default="")
    text = str(text or "").strip()
    if not text:
        return None
    unit = _get(item, "unit", default=None)
    unit_id = _get(item, "unit_id", default=None) or (getattr(unit, "pk", None) if unit is not None else None)
    ref = _get(item, "ref", default=None)
    if not ref and hasattr(item, "_meta"):  # a model instance: the problem row itself
        ref = f"{item._meta.label_lower}:{item.pk}"
    if not ref:
        pk = _get(item, "pk", "id", default=None)
        ref = f"problem:{pk}" if pk else f"text:{unit_id}:{text[:60]}"
    report = _get(item, "report", default=None)
    reported_on = _get(item, "reported_on", default=None) or _get(report, "submitted_at", "period_end", default=None)
    if isinstance(reported_on, dt.datetime):
        reported_on = reported_on.date()
    details = str(_get(item, "detail", "details", "description", default="") or "")
    return CoordinationProblem(
        ref=str(ref)[:100],
        unit_id=unit_id,
        text=text,
        details=details,
        reported_on=reported_on,
        is_urgent=bool(_get(item, "is_urgent", default=False)),
        raised_by_id=_get(report, "submitted_by_id", default=None) if report is not None else None,
    )


def open_coordination_problems(programme: Any, since: dt.date | None = None) -> list[CoordinationProblem]:
    """Problems needing coordination that units raised in their reports and no
    meeting has settled yet (urgent ones first)."""
    try:
        from relocation.supervision.selectors import open_coordination_problems as source
    except ImportError:  # unit reports not on this branch: nothing to read
        return []
    problems = (_normalise(item) for item in source(programme, since=since))
    return [p for p in problems if p is not None]


PROBLEM_PREFIX = "supervision.coordinationproblem:"


def resolve_problems(*, actor: Any, refs: list[str], resolution: str) -> int:
    """Mark the reports' problems that a meeting dealt with as coordinated, so
    they leave the next agenda. Problems already resolved are skipped."""
    ids = [
        int(r.removeprefix(PROBLEM_PREFIX))
        for r in refs
        if r.startswith(PROBLEM_PREFIX) and r.removeprefix(PROBLEM_PREFIX).isdigit()
    ]
    if not ids:
        return 0
    try:
        from relocation.supervision.models import CoordinationProblem as Problem
        from relocation.supervision.reports import problem_resolve
    except ImportError:
        return 0
    from relocation.core.errors import ServiceError

    done = 0
    for problem in Problem.objects.filter(pk__in=ids, status="open"):
        try:
            problem_resolve(actor=actor, problem=problem, resolution=resolution)
        except ServiceError:  # settled meanwhile
            continue
        done += 1
    return done


def is_workday(day: dt.date) -> bool:
    return workdays.is_workday(day)


def nth_workday_of_month(year: int, month: int, n: int) -> dt.date:
    """The n-th working day of a month (holidays off, make-up working days on);
    the month's last working day if it has fewer than n."""
    first = dt.date(year, month, 1)
    day = workdays.add_workdays(first - dt.timedelta(days=1), n)
    if day.month != month or day.year != year:
        next_month = (first + dt.timedelta(days=32)).replace(day=1)
        day = next_month - dt.timedelta(days=1)
        while not workdays.is_workday(day):
            day -= dt.timedelta(days=1)
    return day
