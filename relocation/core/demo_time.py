"""Dating demo events: the demo seeders record each step of the programme on
the day it would have happened, so the history (timelines, the battle map's
time travel and burn-down) reads like a real programme."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo


@contextmanager
def on(day: dt.date, hour: int = 10) -> Iterator[None]:
    """Run the block as if it were `day` (never later than the real present)."""
    import time_machine
    from django.utils import timezone

    moment = dt.datetime.combine(day, dt.time(hour, 0), tzinfo=ZoneInfo("Asia/Shanghai"))
    if moment >= timezone.now():
        yield
        return
    with time_machine.travel(moment, tick=True):
        yield
