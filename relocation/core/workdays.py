"""Working days of the official Chinese calendar (holidays and make-up working
days, from the `chinese-calendar` package) plus locally configured overrides.

Every deadline "in N working days" in the product is computed here.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar

from relocation.core.models import WorkdayOverride


def _overrides(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    return dict(WorkdayOverride.objects.filter(date__range=(start, end)).values_list("date", "is_workday"))


def _official(day: dt.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        # Beyond the years the package knows: plain Monday–Friday.
        return day.weekday() < 5


def is_workday(day: dt.date) -> bool:
    override = _overrides(day, day).get(day)
    return override if override is not None else _official(day)


def add_workdays(start: dt.date, n: int) -> dt.date:
    """The date `n` working days after `start` (n = 0 gives `start` if it is a
    working day, else the next working day)."""
    if n < 0:
        raise ValueError("n must be non-negative")
    # One query for the overrides of a window wide enough for n working days
    # even across Spring Festival or National Day; widened if ever exceeded.
    horizon = start + dt.timedelta(days=n * 2 + 30)
    overrides = _overrides(start, horizon)

    def workday(day: dt.date) -> bool:
        nonlocal horizon
        if day > horizon:
            horizon = day + dt.timedelta(days=n + 30)
            overrides.update(_overrides(day, horizon))
        return overrides.get(day, _official(day))

    day = start
    if n == 0:
        while not workday(day):
            day += dt.timedelta(days=1)
        return day
    counted = 0
    while counted < n:
        day += dt.timedelta(days=1)
        if workday(day):
            counted += 1
    return day


def workdays_between(a: dt.date, b: dt.date) -> int:
    """Working days after `a` up to and including `b` (0 if b ≤ a); so
    workdays_between(d, add_workdays(d, n)) == n."""
    if b <= a:
        return 0
    overrides = _overrides(a, b)
    count = 0
    day = a + dt.timedelta(days=1)
    while day <= b:
        if overrides.get(day, _official(day)):
            count += 1
        day += dt.timedelta(days=1)
    return count
