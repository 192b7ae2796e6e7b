"""Working days of the official Chinese calendar plus locally configured overrides.

Every deadline "in N working days" in the product is computed here. Three
sources, the later winning over the earlier for a given day:

1. the `chinese-calendar` package (the State Council notices it has data for);
2. a year's notice entered by HQ (`OfficialCalendarYear`), for a year the
   package does not have yet or to correct it;
3. a local override (`WorkdayOverride`: a typhoon day off, a Saturday worked).

A day of a year that neither the package nor HQ covers is counted Monday to
Friday, and any date computed there is an *estimate*: `is_estimate()` says so,
and every page, document and API field that shows such a date must mark it.
Nothing falls back silently.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import chinese_calendar
from chinese_calendar import constants as _calendar_data
from django.db import models

from relocation.core.models import OfficialCalendarDay, OfficialCalendarYear, WorkdayOverride

# The package ships every listed day of the years it knows; its last year is
# what the package covers (2026 for chinese-calendar 1.11).
PACKAGE_YEARS = range(
    min(day.year for day in _calendar_data.holidays), max(day.year for day in _calendar_data.holidays) + 1
)

# Entered years are read on almost every page that shows a deadline beyond the
# package's data; a few seconds of staleness in another process is harmless
# (a year is entered once), and the writing process forgets at once.
_ENTERED_TTL_SECONDS = 30.0
_entered_lock = threading.Lock()
_entered_cache: tuple[float, frozenset[int]] | None = None


def forget_entered_years() -> None:
    """Drop this process's memory of the entered years (after a save, and between tests)."""
    global _entered_cache
    with _entered_lock:
        _entered_cache = None


def entered_years() -> frozenset[int]:
    global _entered_cache
    with _entered_lock:
        cached = _entered_cache
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    years = frozenset(OfficialCalendarYear.objects.values_list("year", flat=True))
    with _entered_lock:
        _entered_cache = (time.monotonic() + _ENTERED_TTL_SECONDS, years)
    return years


def is_covered(year: int) -> bool:
    """Whether the official calendar of `year` is known (package or entered notice)."""
    return year in PACKAGE_YEARS or year in entered_years()


def last_covered_year() -> int:
    """The last year of the unbroken run of covered years from the package's first."""
    year = PACKAGE_YEARS.stop - 1
    entered = entered_years()
    while year + 1 in entered:
        year += 1
    return year


def uncovered_years(start: dt.date, end: dt.date) -> list[int]:
    """The years from `start` to `end` whose official calendar is unknown."""
    first, last = sorted((start.year, end.year))
    if last < PACKAGE_YEARS.stop:  # the common case needs no query
        return [y for y in range(first, last + 1) if y not in PACKAGE_YEARS and not is_covered(y)]
    return [y for y in range(first, last + 1) if not is_covered(y)]


def is_estimate(day: dt.date | None, since: dt.date | None = None) -> bool:
    """Whether a date counted in working days up to `day` (from `since`, by default
    from `day`'s own year) relied on Monday–Friday for a year not yet covered."""
    if day is None:
        return False
    if isinstance(day, dt.datetime):
        day = day.date()
    return bool(uncovered_years(since or day, day))


def estimate_note(day: dt.date | None, since: dt.date | None = None) -> str:
    """The words an official document puts after such a date, or "" (a signed
    document must not pass an estimate off as the official count)."""
    from django.utils.translation import gettext as _

    return _("（按周一至周五估算，待国家节假日安排公布后核准）") if is_estimate(day, since) else ""


def _overrides(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    """Entered notice days and local overrides of a range, in one query; the local
    ones win (a typhoon can close an office on a make-up working day)."""
    rank = models.IntegerField()
    official = (
        OfficialCalendarDay.objects.filter(date__range=(start, end))
        .order_by()
        .annotate(rank=models.Value(0, output_field=rank))
        .values_list("date", "is_workday", "rank")
    )
    local = (
        WorkdayOverride.objects.filter(date__range=(start, end))
        .order_by()
        .annotate(rank=models.Value(1, output_field=rank))
        .values_list("date", "is_workday", "rank")
    )
    merged: dict[dt.date, tuple[int, bool]] = {}
    for date, workday, weight in official.union(local, all=True):
        if date not in merged or weight > merged[date][0]:
            merged[date] = (weight, workday)
    return {date: workday for date, (_rank, workday) in merged.items()}


def _official(day: dt.date) -> bool:
    if day.year in PACKAGE_YEARS:
        return chinese_calendar.is_workday(day)
    # A day a notice does not list follows the weekly rule; whether the year is
    # covered at all is `is_estimate`'s question, asked where the date is shown.
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


def add_workdays_each(starts: list[dt.date], n: int) -> list[dt.date]:
    """add_workdays for many dates with one query for all their overrides (the due
    dates of a half-year of report periods, for the league table)."""
    if not starts:
        return []
    if n < 0:
        raise ValueError("n must be non-negative")
    last = max(starts) + dt.timedelta(days=n * 2 + 30)
    overrides = _overrides(min(starts), last)

    def workday(day: dt.date) -> bool:
        return overrides.get(day, _official(day))

    result = []
    for start in starts:
        day = start
        if n == 0:
            while not workday(day):
                day += dt.timedelta(days=1)
        counted = 0
        while counted < n:
            day += dt.timedelta(days=1)
            if workday(day):
                counted += 1
        # Past the window read (never in practice): ask the one-date version.
        result.append(day if day <= last else add_workdays(start, n))
    return result


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
