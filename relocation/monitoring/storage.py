"""Idempotent bulk storage of measurements.

One row per (point = MN, DataTime, CN, pollutant) is guaranteed by the unique
constraint; duplicates (a device resending what we stored but could not
acknowledge) are dropped by ``INSERT … ON CONFLICT DO NOTHING``.

PostgreSQL: rows are COPYed straight into the table inside a savepoint — the
usual case, where nothing was stored before, costs what COPY alone costs. COPY
cannot skip conflicts, so when a batch holds a row already stored (a resend) the
savepoint is rolled back and the batch goes through a temporary table and
``INSERT … ON CONFLICT DO NOTHING``; after such a batch the next few take that
path directly, since resends come in bursts (a device reconnecting). SQLite:
executemany. Late values (back-fill) leave a note for the aggregation job
(aggregates.py) in the same transaction. Returns when the transaction has committed, so the caller may
acknowledge.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Sequence

from django.db import connection, transaction

from relocation.monitoring import aggregates
from relocation.monitoring.ingest import Row

COLUMNS = ("point_id", "cn", "data_time", "pollutant", "value", "min_value", "max_value", "cou", "flag", "received_at")
_COLS = ", ".join(COLUMNS)
TABLE = "monitoring_measurement"
_TEMP = "monitoring_measurement_in"


def store_rows(rows: Sequence[Row]) -> int:
    """Store rows durably; returns how many were new."""
    if not rows:
        return 0
    if connection.vendor == "postgresql":
        return _store_postgresql(rows)
    return _store_generic(rows)


def _copy_text(rows: Iterable[Row]) -> str:
    out = []
    append = out.append
    times: dict[dt.datetime, str] = {}
    # The rows of a frame come one after another and share (the very objects of)
    # point, CN and both timestamps: their common text is built once per frame.
    # Identity, not equality, is checked: a miss only rebuilds the same text.
    last_point = last_cn = last_time = last_received = None
    head = got = ""
    for point_id, cn, data_time, code, value, low, high, cou, flag, received_at in rows:
        if (
            data_time is not last_time
            or received_at is not last_received
            or point_id is not last_point
            or (cn is not last_cn)
        ):
            last_point, last_cn, last_time, last_received = point_id, cn, data_time, received_at
            when = times.get(data_time)
            if when is None:
                when = times[data_time] = data_time.isoformat()
            got = times.get(received_at)
            if got is None:
                got = times[received_at] = received_at.isoformat()
            head = f"{point_id}\t{cn}\t{when}\t"
        if low is None and high is None and cou is None:  # real-time values: one number
            append(f"{head}{code}\t{_NULL if value is None else repr(value)}\t\\N\t\\N\t\\N\t{flag}\t{got}\n")
        else:
            append(
                f"{head}{code}\t{_NULL if value is None else repr(value)}\t"
                f"{_NULL if low is None else repr(low)}\t{_NULL if high is None else repr(high)}\t"
                f"{_NULL if cou is None else repr(cou)}\t{flag}\t{got}\n"
            )
    return "".join(out)


_NULL = "\\N"
# Batches left to store through the temporary table after one met a stored row.
_MERGE_AFTER_CONFLICT = 20
_merge_next = threading.local()


def _store_postgresql(rows: Sequence[Row]) -> int:
    from psycopg import errors

    text = _copy_text(rows)
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor
        left = getattr(_merge_next, "batches", 0)
        if left <= 0:
            try:
                with transaction.atomic():  # a savepoint
                    with raw.copy(f"COPY {TABLE} ({_COLS}) FROM STDIN") as copy:  # noqa: S608 - constant names
                        copy.write(text)
                aggregates.note_late(rows)
                return len(rows)
            except errors.UniqueViolation:  # raised by psycopg itself: the copy bypasses Django's wrapper
                pass
            left = _MERGE_AFTER_CONFLICT
        _merge_next.batches = left - 1
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {_TEMP} ON COMMIT DELETE ROWS AS "  # noqa: S608 - constant names
            f"SELECT {_COLS} FROM {TABLE} WITH NO DATA"
        )
        with raw.copy(f"COPY {_TEMP} ({_COLS}) FROM STDIN") as copy:
            copy.write(text)
        cursor.execute(
            f"INSERT INTO {TABLE} ({_COLS}) SELECT {_COLS} FROM {_TEMP} "  # noqa: S608
            "ON CONFLICT (point_id, data_time, cn, pollutant) DO NOTHING"
        )
        stored = cursor.rowcount
        aggregates.note_late(rows)
        return stored


def _store_generic(rows: Sequence[Row]) -> int:
    placeholders = ", ".join(["%s"] * len(COLUMNS))
    sql = (
        f"INSERT INTO {TABLE} ({_COLS}) VALUES ({placeholders}) "  # noqa: S608
        "ON CONFLICT (point_id, data_time, cn, pollutant) DO NOTHING"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        before = _count_changes(cursor)
        cursor.executemany(sql, [_adapt(r) for r in rows])
        stored = _count_changes(cursor) - before if before is not None else len(rows)
        aggregates.note_late(rows)
        return stored


def _adapt(row: Row) -> tuple:
    # SQLite stores datetimes as text in UTC like Django does.
    return (
        row[0],
        row[1],
        _utc_text(row[2]),
        row[3],
        row[4],
        row[5],
        row[6],
        row[7],
        row[8],
        _utc_text(row[9]),
    )


def _utc_text(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")


def _count_changes(cursor) -> int | None:
    try:
        cursor.execute("SELECT total_changes()")
        return cursor.fetchone()[0]
    except Exception:  # noqa: BLE001 - only a statistic
        return None


def count_rejections(counts: dict[tuple[dt.date, str, str], int]) -> None:
    """Add refused-frame counts (day, MN, reason) -> n to IngestCounter."""
    if not counts:
        return
    sql = (
        "INSERT INTO monitoring_ingestcounter (day, mn, reason, count) VALUES (%s, %s, %s, %s) "
        "ON CONFLICT (day, mn, reason) DO UPDATE SET count = monitoring_ingestcounter.count + excluded.count"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, [(d.isoformat(), mn[:32], reason[:64], n) for (d, mn, reason), n in counts.items()])


# What the server saw of each device, merged into DeviceStatus in one statement: a
# field the server did not see keeps its value; the newest DataTime never moves back
# (back-filled history is older than what is known).
_STATUS_FIELDS = (
    "last_frame_at", "last_data_time", "clock_skew_seconds", "backfill_requested_at", "backfill_from",
    "backfill_to", "time_set_at",
)  # fmt: skip
_STATUS = "monitoring_devicestatus"
_STATUS_SET = ", ".join(
    f"last_data_time = CASE WHEN {_STATUS}.last_data_time IS NULL OR excluded.last_data_time > "
    f"{_STATUS}.last_data_time THEN excluded.last_data_time ELSE {_STATUS}.last_data_time END"
    if name == "last_data_time"
    else f"{name} = COALESCE(excluded.{name}, {_STATUS}.{name})"
    for name in _STATUS_FIELDS
)


def record_activity(dialects: dict[tuple[dt.date, str, str, str], int], statuses: dict[int, dict[str, object]]) -> None:
    """Add accepted-frame counts (day, MN, CRC variant, version) -> n to FrameCounter
    and merge what the server saw of each device into DeviceStatus.

    One upsert, no row read first and no lock taken on the points: with
    thousands of devices the former read-lock-update (a SELECT … FOR UPDATE that
    also locked the points through the model's ordering, then a bulk UPDATE whose
    CASE grows with the square of the rows) held every COPY's foreign-key check for
    tens of seconds."""
    from relocation.monitoring.models import MonitoringPoint

    sql = (
        "INSERT INTO monitoring_framecounter (day, mn, crc_variant, version, count) VALUES (%s, %s, %s, %s, %s) "
        "ON CONFLICT (day, mn, crc_variant, version) "
        "DO UPDATE SET count = monitoring_framecounter.count + excluded.count"
    )
    upsert = (
        f"INSERT INTO {_STATUS} (point_id, {', '.join(_STATUS_FIELDS)}) "  # noqa: S608 - constant names
        f"VALUES ({', '.join(['%s'] * (len(_STATUS_FIELDS) + 1))}) ON CONFLICT (point_id) DO UPDATE SET {_STATUS_SET}"
    )
    adapt = _utc_text if connection.vendor != "postgresql" else (lambda value: value)
    with transaction.atomic(), connection.cursor() as cursor:
        if dialects:
            cursor.executemany(
                sql, [(d.isoformat(), mn[:32], v[:16], ver[:4], n) for (d, mn, v, ver), n in dialects.items()]
            )
        if not statuses:
            return
        known = set(MonitoringPoint.objects.filter(pk__in=list(statuses)).values_list("pk", flat=True))
        params = []
        for point_id in sorted(statuses):  # one order in every process: no deadlock between them
            if point_id not in known:
                continue  # deleted since
            seen = statuses[point_id]
            row: list[object] = [point_id]
            for name in _STATUS_FIELDS:
                value = seen.get(name)
                row.append(adapt(value) if isinstance(value, dt.datetime) else value)
            params.append(row)
        if params:
            cursor.executemany(upsert, params)
