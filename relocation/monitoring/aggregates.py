"""Hourly and daily aggregates of the measurements, for charts over weeks
and the monthly exceedance report.

An aggregate row is recomputed from the raw values, never incremented, with
an upsert (``INSERT … SELECT … GROUP BY … ON CONFLICT DO UPDATE``): running
the job twice, or two jobs at once, gives the same rows. Which hours to
recompute:

- a sliding window of every point's hours since the job's previous run
  (minus a margin), found through the BRIN index on ``data_time``;
- hours named in ``AggregateBacklog``: storage notes there, in the
  transaction that stores them, the hours of values that arrive late
  (DataTime more than ``LATE`` before arrival: back-fill, resends). The job
  deletes the backlog rows it takes before recomputing, in one transaction,
  so a value stored meanwhile leaves a new backlog row behind.

Days are recomputed from their hours. The ingest path itself stays a COPY.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from relocation.monitoring.ingest import Row

# A value whose DataTime is this much older than its arrival is "late".
LATE = dt.timedelta(hours=1)
# The window starts this long before the previous run (more than LATE plus a commit's lag).
MARGIN = dt.timedelta(hours=2)
# A first run (no cursor yet) looks this far back.
FIRST_WINDOW = dt.timedelta(days=2)
HOUR = dt.timedelta(hours=1)

_RAW = "monitoring_measurement"
_HOURS = "monitoring_measurementhour"
_DAYS = "monitoring_measurementday"
_SUMS = "samples, valid, valid_sum, valid_min, valid_max, over_range_min, over_range_max"
_UPDATE = ", ".join(f"{c} = excluded.{c}" for c in _SUMS.split(", "))
# evaluation.VALID_FLAGS, in SQL.
_VALID = "(flag IN ('N', '') AND value IS NOT NULL)"


def _hour_expr() -> str:
    if connection.vendor == "postgresql":
        return "date_trunc('hour', data_time)"  # Django's sessions run in UTC
    return "substr(data_time, 1, 13) || ':00:00'"


def _day_expr() -> str:
    tz = timezone.get_default_timezone()
    if connection.vendor == "postgresql":
        return f"(hour AT TIME ZONE '{tz.key}')::date"
    offset = int(dt.datetime.now(tz).utcoffset().total_seconds())
    return f"date(hour, '{offset:+d} seconds')"


def _params(*values: Any) -> list[Any]:
    if connection.vendor == "postgresql":
        return list(values)
    return [_sqlite_value(v) for v in values]


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
    return value


def recompute_hours(*, since: dt.datetime, until: dt.datetime | None = None, point_id: int | None = None) -> int:
    """Recompute the hours of raw values in [since, until) (of one point or all)."""
    hour = _hour_expr()
    where, args = ["data_time >= %s"], [since]
    if until is not None:
        where.append("data_time < %s")
        args.append(until)
    if point_id is not None:
        where.append("point_id = %s")
        args.append(point_id)
    sql = (
        f"INSERT INTO {_HOURS} (point_id, hour, cn, pollutant, {_SUMS}) "  # noqa: S608 - constant names
        f"SELECT point_id, {hour}, cn, pollutant, COUNT(value), "
        f"COUNT(CASE WHEN {_VALID} THEN 1 END), SUM(CASE WHEN {_VALID} THEN value END), "
        f"MIN(CASE WHEN {_VALID} THEN value END), MAX(CASE WHEN {_VALID} THEN value END), "
        "MIN(CASE WHEN flag = 'T' THEN value END), MAX(CASE WHEN flag = 'T' THEN value END) "
        f"FROM {_RAW} WHERE {' AND '.join(where)} GROUP BY point_id, {hour}, cn, pollutant "
        f"ON CONFLICT (point_id, hour, cn, pollutant) DO UPDATE SET {_UPDATE}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, _params(*args))
        return cursor.rowcount


def recompute_days(*, first: dt.date, last: dt.date, point_id: int | None = None) -> int:
    """Recompute the local days first..last from their hours (of one point or all)."""
    tz = timezone.get_default_timezone()
    start = dt.datetime.combine(first, dt.time(), tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    day = _day_expr()
    where, args = ["hour >= %s AND hour < %s"], [start, end]
    if point_id is not None:
        where.append("point_id = %s")
        args.append(point_id)
    sql = (
        f"INSERT INTO {_DAYS} (point_id, day, cn, pollutant, {_SUMS}) "  # noqa: S608 - constant names
        f"SELECT point_id, {day}, cn, pollutant, SUM(samples), SUM(valid), SUM(valid_sum), "
        "MIN(valid_min), MAX(valid_max), MIN(over_range_min), MAX(over_range_max) "
        f"FROM {_HOURS} WHERE {' AND '.join(where)} GROUP BY point_id, {day}, cn, pollutant "
        f"ON CONFLICT (point_id, day, cn, pollutant) DO UPDATE SET {_UPDATE}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, _params(*args))
        return cursor.rowcount


def note_late(rows: Iterable[Row]) -> None:
    """In the storing transaction: remember the hours of late values for the job."""
    late: set[tuple[int, dt.datetime]] = set()
    for row in rows:
        if row[9] - row[2] > LATE:
            late.add((row[0], row[2].astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)))
    if not late:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO monitoring_aggregatebacklog (point_id, hour) VALUES (%s, %s) "
            "ON CONFLICT (point_id, hour) DO NOTHING",
            [_params(point_id, hour) for point_id, hour in sorted(late)],
        )


def _local_date(when: dt.datetime) -> dt.date:
    return timezone.localtime(when).date()


def refresh(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The periodic job's body: the sliding window, then the backlog. Idempotent."""
    from relocation.monitoring.models import AggregateCursor

    now = now or timezone.now()
    with transaction.atomic():
        cursor = AggregateCursor.objects.select_for_update().filter(key="window").first()
        since = (cursor.until - MARGIN) if cursor else now - FIRST_WINDOW
        since = since.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
        hours = recompute_hours(since=since)
        days = recompute_days(first=_local_date(since), last=_local_date(now))
        if cursor is None:
            AggregateCursor.objects.create(key="window", until=now)
        elif now > cursor.until:
            cursor.until = now
            cursor.save(update_fields=["until"])
    late = refresh_backlog()
    return {"hours": hours, "days": days, "late_hours": late}


def refresh_backlog() -> int:
    """Recompute the hours (and their days) of late values; returns how many backlog rows were taken."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM monitoring_aggregatebacklog RETURNING point_id, hour")
        taken = cursor.fetchall()
        spans: dict[int, list[dt.datetime]] = defaultdict(list)
        for point_id, hour in taken:
            if isinstance(hour, str):  # SQLite
                hour = dt.datetime.fromisoformat(hour)
            if hour.tzinfo is None:  # SQLite stores UTC
                hour = hour.replace(tzinfo=dt.UTC)
            spans[point_id].append(hour)
        for point_id, hours in spans.items():
            for start, end in _runs(sorted(hours)):
                recompute_hours(since=start, until=end, point_id=point_id)
                recompute_days(first=_local_date(start), last=_local_date(end - HOUR), point_id=point_id)
    return len(taken)


def _runs(hours: Sequence[dt.datetime]) -> list[tuple[dt.datetime, dt.datetime]]:
    """Consecutive hours as [start, end) spans."""
    runs: list[tuple[dt.datetime, dt.datetime]] = []
    for hour in hours:
        if runs and runs[-1][1] == hour:
            runs[-1] = (runs[-1][0], hour + HOUR)
        else:
            runs.append((hour, hour + HOUR))
    return runs


def rebuild(*, since: dt.datetime, until: dt.datetime | None = None) -> dict[str, int]:
    """Recompute every hour and day of [since, until) (an operator after a bulk load)."""
    until_ = until or timezone.now()
    with transaction.atomic():
        hours = recompute_hours(since=since, until=until)
        days = recompute_days(first=_local_date(since), last=_local_date(until_))
    return {"hours": hours, "days": days}


def exceedance_report(points: Iterable[Any], month: dt.date) -> list[dict[str, Any]]:
    """The monthly exceedance report from the daily aggregates: per point and
    pollutant with a limit, the days judged, the days whose daily average
    exceeded it (as the evaluator judges a day) with that day's value
    (`exceedances`: [(day, value)], `exceeded_days` their dates), the limit and
    the worst daily value. A fixed number of queries whatever the number of
    points: the days, the limits' version, and for points not cached yet their limits (two)."""
    from relocation.monitoring import evaluation
    from relocation.monitoring import limits as limits_mod
    from relocation.monitoring.hj212.codes import POLLUTANTS
    from relocation.monitoring.models import MeasurementDay
    from relocation.monitoring.partitions import add_months

    points = list(points)
    first = month.replace(day=1)
    sums: dict[tuple[int, str, dt.date], dict[str, Any]] = defaultdict(dict)
    for row in MeasurementDay.objects.filter(
        point_id__in=[p.pk for p in points], day__gte=first, day__lt=add_months(first, 1)
    ).iterator(chunk_size=5000):
        sums[(row.point_id, row.pollutant, row.day)][row.cn] = row
    by_point: dict[int, list[tuple[str, dt.date]]] = defaultdict(list)
    for point_id, code, day in sums:
        by_point[point_id].append((code, day))
    judged = [point for point in points if point.pk in by_point]
    limits_of = limits_mod.applicable_limits_many(judged) if judged else {}
    report = []
    for point in judged:
        applicable = limits_of[point.pk]
        lines: dict[str, dict[str, Any]] = {}
        for code, day in sorted(by_point[point.pk]):
            limit = applicable.get(code)
            if limit is None:
                continue
            value, exceeded = evaluation.aggregate_value(sums[(point.pk, code, day)], limit)
            if value is None:
                continue
            line = lines.setdefault(
                code,
                {
                    "point": point,
                    "pollutant": code,
                    "name": POLLUTANTS.get(code, (limit.name, ""))[0],
                    "unit": limits_mod.storage_unit_label(code),
                    "limit": limit.describe(),
                    "limit_min": limit.min_value,
                    "limit_max": limit.max_value,
                    "source": limit.source,
                    "days": 0,
                    "exceeded_days": [],
                    "exceedances": [],
                    "worst": None,
                },
            )
            line["days"] += 1
            if exceeded:
                line["exceeded_days"].append(day)
                line["exceedances"].append((day, value))
                if line["worst"] is None or abs(value) > abs(line["worst"]):
                    line["worst"] = value
        report.extend(lines[code] for code in sorted(lines))
    return report
