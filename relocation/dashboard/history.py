"""The programme as it stood on a past date, rebuilt from the recorded
lifecycle history (time travel on the battle map).

An enterprise existed on a date if it was entered in the ledger by then; its
stage then is the target of its last recorded move up to that date, or
"surveyed" if it had not moved yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from relocation.enterprises.lifecycle_models import StatusChange
from relocation.enterprises.models import Enterprise, LifecycleStatus


def end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


def statuses_on(enterprises: Iterable[Enterprise], as_of: dt.date | None) -> dict[int, str]:
    """{enterprise id: lifecycle stage} today (as_of None) or at the end of `as_of`."""
    rows = list(enterprises)
    if as_of is None:
        return {e.pk: e.status for e in rows}
    cutoff = end_of_day(as_of)
    existing = {e.pk for e in rows if e.created_at <= cutoff}
    result = dict.fromkeys(existing, LifecycleStatus.SURVEYED.value)
    # One ordered pass over the moves up to the date: the last one wins.
    moves = (
        StatusChange.objects.filter(enterprise_id__in=existing, at__lte=cutoff)
        .order_by("enterprise_id", "at", "id")
        .values_list("enterprise_id", "to_status")
    )
    for enterprise_id, to_status in moves.iterator(chunk_size=5000):
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
