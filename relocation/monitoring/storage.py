"""Idempotent bulk storage of measurements.

One row per (point = MN, DataTime, CN, pollutant) is guaranteed by the unique
constraint; duplicates (a device resending what we stored but could not
acknowledge) are dropped by ``INSERT … ON CONFLICT DO NOTHING``.

PostgreSQL: rows are COPYed into a temporary table and inserted from there in
one statement (COPY cannot skip conflicts itself). SQLite: executemany.
Returns when the transaction has committed, so the caller may acknowledge.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import connection, transaction

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
    times: dict[dt.datetime, str] = {}  # the rows of a frame share their timestamps
    for r in rows:
        when = times.get(r[2])
        if when is None:
            when = times[r[2]] = r[2].isoformat()
        got = times.get(r[9])
        if got is None:
            got = times[r[9]] = r[9].isoformat()
        out.append(
            f"{r[0]}\t{r[1]}\t{when}\t{r[3]}\t{_num(r[4])}\t{_num(r[5])}\t{_num(r[6])}\t{_num(r[7])}\t{r[8]}\t{got}\n"
        )
    return "".join(out)


def _num(value: float | None) -> str:
    return "\\N" if value is None else repr(value)


def _store_postgresql(rows: Sequence[Row]) -> int:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {_TEMP} ON COMMIT DELETE ROWS AS "  # noqa: S608 - constant names
            f"SELECT {_COLS} FROM {TABLE} WITH NO DATA"
        )
        raw = cursor.cursor  # the psycopg cursor
        with raw.copy(f"COPY {_TEMP} ({_COLS}) FROM STDIN") as copy:
            copy.write(_copy_text(rows))
        cursor.execute(
            f"INSERT INTO {TABLE} ({_COLS}) SELECT {_COLS} FROM {_TEMP} "  # noqa: S608
            "ON CONFLICT (point_id, data_time, cn, pollutant) DO NOTHING"
        )
        return cursor.rowcount


def _store_generic(rows: Sequence[Row]) -> int:
    placeholders = ", ".join(["%s"] * len(COLUMNS))
    sql = (
        f"INSERT INTO {TABLE} ({_COLS}) VALUES ({placeholders}) "  # noqa: S608
        "ON CONFLICT (point_id, data_time, cn, pollutant) DO NOTHING"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        before = _count_changes(cursor)
        cursor.executemany(sql, [_adapt(r) for r in rows])
        return _count_changes(cursor) - before if before is not None else len(rows)


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
