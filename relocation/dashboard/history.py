"""The programme as it stood on a past date, rebuilt from the recorded
lifecycle history (time travel on the battle map).

An enterprise existed on a date if it was entered in the ledger by then; its
stage then is the target of its last recorded move up to that date, or
"surveyed" if it had not moved yet.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from contextlib import contextmanager

from django.db.models import QuerySet
from django.utils import timezone

from relocation.enterprises.lifecycle_models import StatusChange
from relocation.enterprises.models import Enterprise, LifecycleStatus


@contextmanager
def collector_paused() -> Iterator[None]:
    """Replaying history keeps tens of thousands of small objects (one per
    enterprise and move, without reference cycles) alive for the whole
    request: the cyclic garbage collector would rescan them again and again,
    which made time travel slow and jumpy. Reference counting still frees
    them when the request is done."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


def statuses_on(scope: QuerySet[Enterprise], as_of: dt.date) -> dict[int, str]:
    """{enterprise id: lifecycle stage} at the end of `as_of` for the
    enterprises of `scope` (used as a subquery, so no list of ids travels to
    the database)."""
    cutoff = end_of_day(as_of)
    result = dict.fromkeys(
        scope.filter(created_at__lte=cutoff).values_list("id", flat=True), LifecycleStatus.SURVEYED.value
    )
    # One ordered pass over the moves up to the date: the last one wins.
    moves = (
        StatusChange.objects.filter(enterprise_id__in=scope.values("id"), at__lte=cutoff)
        .order_by("enterprise_id", "at", "id")
        .values_list("enterprise_id", "to_status")
    )
    for enterprise_id, to_status in moves.iterator(chunk_size=5000):
        if enterprise_id in result:
            result[enterprise_id] = to_status
    return result


def weekly_completions(programme_id: int, until: dt.date, weeks: int) -> list[int]:
    """How many enterprises reached relocated or closed in each of the last
    `weeks` weeks up to `until` (oldest first)."""
    start = until - dt.timedelta(weeks=weeks)
    done = [LifecycleStatus.RELOCATED, LifecycleStatus.CLOSED]
    counts = [0] * weeks
    moves = StatusChange.objects.filter(
        enterprise__programme_id=programme_id,
        to_status__in=done,
        at__gt=end_of_day(start),
        at__lte=end_of_day(until),
    ).values_list("at", flat=True)
    for at in moves:
        index = (timezone.localtime(at).date() - start).days // 7
        counts[min(max(index, 0), weeks - 1)] += 1
    return counts
