"""How an inspector judges "stopped but still consuming" (停产仍用水用电).

1. The stop date is the start of the current stopped spell, replayed from the
   lifecycle history (StatusChange) and the production-status history
   (ProductionStatusChange): an enterprise that stopped in March and was
   verified closed in April stopped in March. Without any history row the
   last status change stands in (data entered before the histories existed).
2. Readings of any interval become use per day: a daily reading as it is, the
   hours of a day summed (a day with only some hours is scaled to 24 from
   their mean), a month spread evenly over its days. A month read across the
   stop date mixes before and after and is left out.
3. With use from before the stop, recent use is compared with that baseline
   (the policy's share); with none, with absolute limits per utility and
   industry that a closed site's guard house, lights and holding-tank pumps
   stay below.
4. Power read by the hour is also judged at night (22:00–06:00), when a
   stopped plant has no reason to draw more than its security lights.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.utils import timezone

from relocation.enterprises import lifecycle_facts
from relocation.enterprises.lifecycle_models import ProductionStatusChange, StatusChange
from relocation.enterprises.models import Enterprise, Industry, ProductionStatus
from relocation.monitoring.models import ReadingInterval, UtilityKind, UtilityReading

STOPPED_PRODUCTION = frozenset({ProductionStatus.STOPPED, ProductionStatus.SEALED})
NIGHT_HOURS = frozenset({22, 23, 0, 1, 2, 3, 4, 5})
NIGHT = "night"

# Defaults of MonitoringPolicy.absolute_thresholds: the most a stopped site of
# each industry uses in a day (m³ of water, kWh of power) and, for power, per
# night hour. A running plating line draws thousands of kWh a day, a dyeing
# line hundreds of m³ of water; a site kept dry and dark stays an order of
# magnitude below these. HQ tunes them on the policy page.
DEFAULT_THRESHOLDS: dict[str, dict[str, float]] = {
    UtilityKind.WATER: {Industry.ELECTROPLATING: 10, Industry.DYEING: 20, Industry.OTHER: 5},
    UtilityKind.POWER: {Industry.ELECTROPLATING: 300, Industry.DYEING: 500, Industry.OTHER: 200},
    NIGHT: {Industry.ELECTROPLATING: 15, Industry.DYEING: 20, Industry.OTHER: 10},
}


def thresholds(policy: Any) -> dict[str, dict[str, Decimal]]:
    """The policy's absolute limits over the defaults."""
    merged = {kind: dict(values) for kind, values in DEFAULT_THRESHOLDS.items()}
    for kind, values in (policy.absolute_thresholds or {}).items():
        if kind in merged and isinstance(values, dict):
            merged[kind].update(values)
    return {kind: {k: Decimal(str(v)) for k, v in values.items()} for kind, values in merged.items()}


def absolute_limit(policy: Any, kind: str, industry: str) -> Decimal:
    table = thresholds(policy)[kind]
    return table.get(industry, table[Industry.OTHER])


def is_stopped(enterprise: Enterprise) -> bool:
    return enterprise.status in lifecycle_facts.MUST_NOT_CONSUME or enterprise.production_status in STOPPED_PRODUCTION


def stop_date(enterprise: Enterprise) -> dt.date | None:
    """The first day of the current stopped spell (None when unknown)."""
    events: list[tuple[dt.datetime, int, str, str]] = [
        (at, pk, "lifecycle", to)
        for pk, at, to in StatusChange.objects.filter(enterprise=enterprise).values_list("pk", "at", "to_status")
    ]
    events += [
        (at, pk, "production", to)
        for pk, at, to in ProductionStatusChange.objects.filter(enterprise=enterprise).values_list(
            "pk", "at", "to_status"
        )
    ]
    if not events:
        changed = enterprise.status_changed_at
        return (
            timezone.localtime(changed).date()
            if changed and enterprise.status in lifecycle_facts.MUST_NOT_CONSUME
            else None
        )
    lifecycle_stopped = production_stopped = False
    since: dt.datetime | None = None
    for at, _pk, which, to in sorted(events, key=lambda e: (e[0], e[2], e[1])):
        was = lifecycle_stopped or production_stopped
        if which == "lifecycle":
            lifecycle_stopped = to in lifecycle_facts.MUST_NOT_CONSUME
        else:
            production_stopped = to in STOPPED_PRODUCTION
        now = lifecycle_stopped or production_stopped
        if now and not was:
            since = at
        elif not now:
            since = None
    if since is None:
        return None
    return timezone.localtime(since).date()


def _month_days(first: dt.date) -> list[dt.date]:
    n = calendar.monthrange(first.year, first.month)[1]
    return [first.replace(day=d) for d in range(1, n + 1)]


def daily_use(
    enterprise: Enterprise, kind: str, start: dt.date, end: dt.date, *, split: dt.date | None = None
) -> dict[dt.date, Decimal]:
    """{day: use that day} for start ≤ day ≤ end, from readings of any interval
    (a daily reading wins over hours, hours over a month). A month containing
    `split` (not as its first day) is left out."""
    rows = UtilityReading.objects.filter(
        enterprise=enterprise, kind=kind, reading_date__gte=start.replace(day=1), reading_date__lte=end
    ).values_list("interval", "reading_date", "consumption")
    days: dict[dt.date, Decimal] = {}
    hours: dict[dt.date, list[Decimal]] = defaultdict(list)
    months: dict[dt.date, Decimal] = {}
    for interval, day, amount in rows:
        if interval == ReadingInterval.HOUR:
            hours[day].append(amount)
        elif interval == ReadingInterval.MONTH:
            months[day.replace(day=1)] = amount
        else:
            days[day] = amount
    result: dict[dt.date, Decimal] = {}
    for first, amount in months.items():
        covered = _month_days(first)
        if split is not None and covered[0] < split <= covered[-1]:
            continue
        per_day = amount / len(covered)
        for day in covered:
            result[day] = per_day
    for day, values in hours.items():
        result[day] = sum(values, Decimal(0)) * 24 / len(values)
    result.update(days)
    return {day: amount for day, amount in result.items() if start <= day <= end}


def _mean(values: list[Decimal]) -> Decimal | None:
    return sum(values, Decimal(0)) / len(values) if values else None


def night_mean(enterprise: Enterprise, start: dt.date, end: dt.date) -> Decimal | None:
    """Mean power per night hour over the hourly readings of start..end."""
    values = [
        amount
        for hour, amount in UtilityReading.objects.filter(
            enterprise=enterprise,
            kind=UtilityKind.POWER,
            interval=ReadingInterval.HOUR,
            reading_date__gte=start,
            reading_date__lte=end,
        ).values_list("hour", "consumption")
        if hour in NIGHT_HOURS
    ]
    return _mean(values)


def consumption_check(enterprise: Enterprise, kind: str, *, today: dt.date, policy: Any) -> dict[str, Any] | None:
    """Judge one utility of one stopped enterprise; None when there are no
    readings since the stop to judge."""
    stopped_on = stop_date(enterprise)
    known_stop = stopped_on is not None
    if stopped_on is None:
        # Stopped, but no history says since when: judge the last window only.
        stopped_on = today - dt.timedelta(days=policy.window_days)
    window_start = max(stopped_on, today - dt.timedelta(days=policy.window_days))
    baseline_values = list(
        daily_use(
            enterprise,
            kind,
            stopped_on - dt.timedelta(days=policy.baseline_days),
            stopped_on - dt.timedelta(days=1),
            split=stopped_on,
        ).values()
    )
    recent_values = list(daily_use(enterprise, kind, window_start, today, split=stopped_on).values())
    baseline = _mean(baseline_values)
    recent = _mean(recent_values)
    night = night_mean(enterprise, window_start, today) if kind == UtilityKind.POWER else None
    if recent is None and night is None:
        return None
    share = Decimal(policy.stopped_share)
    if baseline:
        limit = share * baseline
        night_limit = Decimal(policy.night_share) * baseline / 24
    else:
        limit = absolute_limit(policy, kind, enterprise.industry)
        night_limit = absolute_limit(policy, NIGHT, enterprise.industry) if kind == UtilityKind.POWER else None
    triggered = recent is not None and recent > limit
    night_triggered = night is not None and night_limit is not None and night > night_limit
    return {
        "stop_date": stopped_on,
        "stop_date_known": known_stop,
        "baseline": baseline,
        "recent": recent,
        "limit": limit,
        "night": night,
        "night_limit": night_limit,
        "triggered": triggered or night_triggered,
    }
