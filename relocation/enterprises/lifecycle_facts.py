"""What the lifecycle's stages mean in the figures, defined once.

Every figure that says "closed", "relocated", "done", "holdouts" or "forced
closures" — the monthly bulletin, the battle map, the scorecards, the
monitoring detectors, the exports and the API — takes its set of stages from
here, and every count "in a period" counts enterprises (one per enterprise,
however many moves it made), not status moves.

The stages themselves and the allowed moves between them are in
`models.LifecycleStatus` and `transitions.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from relocation.enterprises.lifecycle_models import StatusChange
from relocation.enterprises.models import Enterprise, LifecycleStatus

S = LifecycleStatus

# Before production stops: the enterprise can still become a holdout.
PRE_CLOSURE = frozenset({S.SURVEYED, S.INTENTION_RECORDED, S.COMMITMENT_SIGNED, S.DESTINATION_CONFIRMED})
# Refuses to close or move (the stage; the category 钉子户 is wider: it also
# takes refusals on record and repeat offenders, see categories.py).
HOLDOUT = frozenset({S.HOLDOUT})
# Forced closure decided and under way: production has NOT been confirmed
# stopped yet, so it is never counted as closed.
FORCED_CLOSURE_IN_PROGRESS = frozenset({S.FORCED_CLOSURE})
# Still expected to stop producing: a missed shutdown date matters here.
AWAITING_SHUTDOWN = PRE_CLOSURE | HOLDOUT
# Production confirmed stopped, whatever came next: the shutdown commitment is
# met. This is "关停" in the figures ("closures").
STOPPED = frozenset({S.PRODUCTION_STOPPED, S.CLOSURE_VERIFIED, S.RELOCATED, S.CLOSED})
# HQ verified the shutdown (两断三清), whatever came next.
CLOSURE_CONFIRMED = frozenset({S.CLOSURE_VERIFIED, S.RELOCATED, S.CLOSED})
# Back in production at a receiving park or elsewhere ("relocations").
RELOCATED = frozenset({S.RELOCATED})
# Closed for good, not producing anywhere.
CLOSED = frozenset({S.CLOSED})
# Finished: nothing more happens on the lifecycle ("done").
DONE = RELOCATED | CLOSED
# Not finished.
OPEN = frozenset(S.values) - DONE
# The old site must draw no production water or power: production stopped on
# record, or a forced closure under way (the utilities are being cut). Not
# RELOCATED on purpose: a relocated enterprise produces again at its new site,
# so its readings are expected to rise ("stopped but still consuming" is
# judged only for the stages here).
MUST_NOT_CONSUME = (STOPPED - RELOCATED) | FORCED_CLOSURE_IN_PROGRESS


def end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


def statuses_on(scope: QuerySet[Enterprise], day: dt.date) -> dict[int, str]:
    """{enterprise id: stage} at the end of `day` for the enterprises of
    `scope` entered in the ledger by then.

    The stage then is the target of the last recorded move up to that day;
    without one, the stage the first later move started from; without any
    move, the stage now (an enterprise imported at a later stage has no
    history to replay). One ordered pass over the moves; `scope` is used as a
    subquery, so no list of ids travels to the database."""
    cutoff = end_of_day(day)
    current = dict(scope.filter(created_at__lte=cutoff).values_list("id", "status"))
    result: dict[int, str] = {}
    moves = (
        StatusChange.objects.filter(enterprise_id__in=scope.values("id"))
        .order_by("enterprise_id", "at", "id")
        .values_list("enterprise_id", "at", "from_status", "to_status")
    )
    for enterprise_id, at, from_status, to_status in moves.iterator(chunk_size=5000):
        if enterprise_id not in current:
            continue
        if at <= cutoff:
            result[enterprise_id] = to_status
        elif enterprise_id not in result:
            result[enterprise_id] = from_status
    for enterprise_id, status in current.items():
        result.setdefault(enterprise_id, status)
    return result


@dataclass(frozen=True)
class Arrival:
    """An enterprise that reached a set of stages in a period: when (the
    first recorded move into the set) and where it stood at the period's end."""

    enterprise_id: int
    on: dt.date
    status_at_end: str


def arrivals(scope: QuerySet[Enterprise], stages: Iterable[str], start: dt.date, end: dt.date) -> dict[int, Arrival]:
    """The enterprises of `scope` that reached `stages` between `start` and
    `end` (both included): outside the set at the end of the day before
    `start` (or not yet in the ledger), inside it at the end of `end`, with a
    recorded move into it in the period. One entry per enterprise: 已停产 →
    关停已核验 → 已关停退出 in one month is one closure."""
    wanted = frozenset(stages)
    before = statuses_on(scope, start - dt.timedelta(days=1))
    after = statuses_on(scope, end)
    lo, hi = end_of_day(start - dt.timedelta(days=1)), end_of_day(end)
    first_move: dict[int, dt.datetime] = {}
    moves = (
        StatusChange.objects.filter(
            enterprise_id__in=scope.values("id"), to_status__in=list(wanted), at__gt=lo, at__lte=hi
        )
        .order_by("at", "id")
        .values_list("enterprise_id", "at")
    )
    for enterprise_id, at in moves:
        first_move.setdefault(enterprise_id, at)
    return {
        enterprise_id: Arrival(enterprise_id, timezone.localtime(at).date(), after[enterprise_id])
        for enterprise_id, at in first_move.items()
        if after.get(enterprise_id) in wanted and before.get(enterprise_id) not in wanted
    }


def summary(counts: dict[str, int]) -> dict[str, int]:
    """The headline figures of a {stage: enterprises} count, by these sets."""

    def of(stages: frozenset[str]) -> int:
        return sum(counts.get(s, 0) for s in stages)

    return {
        "total": sum(counts.values()),
        "stopped": of(STOPPED),
        "closure_confirmed": of(CLOSURE_CONFIRMED),
        "relocated": of(RELOCATED),
        "closed": of(CLOSED),
        "done": of(DONE),
        "open": of(OPEN),
        "holdouts": of(HOLDOUT),
        "forced_closures": of(FORCED_CLOSURE_IN_PROGRESS),
    }
