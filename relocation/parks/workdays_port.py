"""Working-day arithmetic for procedure due dates: core.workdays (Chinese
official calendar) when present, else Monday–Friday."""

from __future__ import annotations

import datetime as dt


def add_workdays(start: dt.date, n: int) -> dt.date:
    try:
        from relocation.core.workdays import add_workdays as core_add_workdays
    except ImportError:
        day = start
        while n > 0:
            day += dt.timedelta(days=1)
            if day.weekday() < 5:
                n -= 1
        return day
    return core_add_workdays(start, n)
