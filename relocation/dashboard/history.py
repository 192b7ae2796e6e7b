"""The programme as it stood on a past date, rebuilt from the recorded
lifecycle history (time travel on the battle map).

An enterprise existed on a date if it was entered in the ledger by then; its
stage then is read back by `enterprises.lifecycle_facts.statuses_on`.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone

from relocation.enterprises import lifecycle_facts
from relocation.enterprises.lifecycle_models import StatusChange


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


# One definition of "the stage on a date" for the whole product.
end_of_day = lifecycle_facts.end_of_day
statuses_on = lifecycle_facts.statuses_on


def weekly_completions(programme_id: int, until: dt.date, weeks: int) -> list[int]:
    """How many enterprises reached relocated or closed in each of the last
    `weeks` weeks up to `until` (oldest first)."""
    start = until - dt.timedelta(weeks=weeks)
    done = list(lifecycle_facts.DONE)  # absorbing: one move in per enterprise
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
