"""Monthly partitions of the measurement table (PostgreSQL) and retention.

On PostgreSQL ``monitoring_measurement`` is range-partitioned by ``data_time``
into one partition per local calendar month (``monitoring_measurement_pYYYY_MM``)
plus a default partition that catches what no month partition holds yet (a
device whose clock is years off, a month the job has not created). The primary
key is (id, data_time) and the uniqueness per (point, DataTime, CN, pollutant)
is the constraint ``measurement_unique_value``: both contain the partition key,
so PostgreSQL enforces them across all server processes as before, and
``ON CONFLICT (point_id, data_time, cn, pollutant)`` works unchanged. Django
sees ``id`` as the primary key; ids are unique by their sequence.

The periodic job creates the partitions of the next months ahead; when the
default partition already holds rows of a month being created, they are
moved into the new partition in the same transaction. Retention
(``MONITORING_RETENTION_MONTHS``) detaches whole months older than the limit
and archives them (COPY to a gzip file under ``VAR_DIR/monitoring-archive``)
or drops them. The hourly and daily aggregates are kept: reports on old
months still work after their raw values are gone.

SQLite has a plain table: partitions do not exist, retention deletes rows.
"""

from __future__ import annotations

import datetime as dt
import gzip
import re
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

TABLE = "monitoring_measurement"
DEFAULT_PARTITION = f"{TABLE}_default"
_NAME = re.compile(rf"^{TABLE}_p(\d{{4}})_(\d{{2}})$")


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def partition_name(month: dt.date) -> str:
    return f"{TABLE}_p{month.year:04d}_{month.month:02d}"


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The local month as [start, end) aware datetimes."""
    tz = timezone.get_default_timezone()
    start = dt.datetime.combine(month, dt.time(), tzinfo=tz)
    end = dt.datetime.combine(add_months(month, 1), dt.time(), tzinfo=tz)
    return start, end


def is_partitioned() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_partitioned_table WHERE partrelid = %s::regclass", [TABLE])
        return cursor.fetchone() is not None


def month_partitions() -> list[dt.date]:
    """The months that have a partition, oldest first."""
    if not is_partitioned():
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass",
            [TABLE],
        )
        names = [row[0] for row in cursor.fetchall()]
    months = []
    for name in names:
        match = _NAME.match(name)
        if match:
            months.append(dt.date(int(match[1]), int(match[2]), 1))
    return sorted(months)


def create_month_partition(cursor, month: dt.date) -> bool:
    """Create the partition of one month (inside the caller's transaction);
    rows of that month already in the default partition move into it.
    Returns False when it existed."""
    name = partition_name(month)
    cursor.execute("SELECT to_regclass(%s)", [name])
    if cursor.fetchone()[0] is not None:
        return False
    start, end = month_bounds(month)
    bounds = f"FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
    cursor.execute("SELECT to_regclass(%s)", [DEFAULT_PARTITION])
    has_default = cursor.fetchone()[0] is not None
    stray = False
    if has_default:
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {DEFAULT_PARTITION} WHERE data_time >= %s AND data_time < %s)",  # noqa: S608
            [start, end],
        )
        stray = cursor.fetchone()[0]
    if not stray:
        cursor.execute(f"CREATE TABLE {name} PARTITION OF {TABLE} FOR VALUES {bounds}")
        return True
    # PostgreSQL refuses a partition whose rows sit in the default one: move them first.
    cursor.execute(f"LOCK TABLE {DEFAULT_PARTITION} IN ACCESS EXCLUSIVE MODE")
    cursor.execute(f"CREATE TABLE {name} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
    cursor.execute(
        f"WITH moved AS (DELETE FROM {DEFAULT_PARTITION} WHERE data_time >= %s AND data_time < %s RETURNING *) "  # noqa: S608
        f"INSERT INTO {name} SELECT * FROM moved",
        [start, end],
    )
    cursor.execute(f"ALTER TABLE {TABLE} ATTACH PARTITION {name} FOR VALUES {bounds}")
    return True


def ensure_partitions(*, now: dt.datetime | None = None, ahead: int | None = None) -> list[str]:
    """Create the partitions of this month and the next `ahead` months
    (``MONITORING_PARTITIONS_AHEAD``); returns the names created. Idempotent."""
    if not is_partitioned():
        return []
    ahead = settings.MONITORING_PARTITIONS_AHEAD if ahead is None else ahead
    this_month = month_start(timezone.localdate(now or timezone.now()))
    created = []
    for n in range(ahead + 1):
        month = add_months(this_month, n)
        with transaction.atomic(), connection.cursor() as cursor:
            if create_month_partition(cursor, month):
                created.append(partition_name(month))
    return created


def retention_cutoff(*, now: dt.datetime | None = None, months: int | None = None) -> dt.date | None:
    """The first month kept: months before it are past retention (None = keep everything)."""
    months = settings.MONITORING_RETENTION_MONTHS if months is None else months
    if not months:
        return None
    return add_months(month_start(timezone.localdate(now or timezone.now())), -months)


def archive_dir() -> Path:
    return Path(settings.VAR_DIR) / "monitoring-archive"


def apply_retention(
    *, now: dt.datetime | None = None, months: int | None = None, archive: bool | None = None
) -> list[str]:
    """Remove raw values of the months past retention: on PostgreSQL whole
    partitions are detached, archived to ``VAR_DIR/monitoring-archive/<partition>.tsv.gz``
    (COPY text format, with the column names in the first line) when
    ``MONITORING_RETENTION_ARCHIVE`` is on, then dropped. Returns what was removed."""
    cutoff = retention_cutoff(now=now, months=months)
    if cutoff is None:
        return []
    archive = settings.MONITORING_RETENTION_ARCHIVE if archive is None else archive
    if not is_partitioned():
        from relocation.monitoring.models import Measurement

        start, _end = month_bounds(cutoff)
        deleted, _ = Measurement.objects.filter(data_time__lt=start).delete()
        return [f"{deleted} rows"] if deleted else []
    removed = []
    for month in month_partitions():
        if month >= cutoff:
            break
        name = partition_name(month)
        with transaction.atomic(), connection.cursor() as cursor:
            # Deferred foreign-key checks of rows written in this transaction would hold the table.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {name}")
            if archive:
                _archive(cursor, name)
            cursor.execute(f"DROP TABLE {name}")
        removed.append(name)
    return removed


def _archive(cursor, name: str) -> Path:
    from relocation.monitoring.storage import COLUMNS

    folder = archive_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.tsv.gz"
    partial = path.with_suffix(".gz.partial")
    columns = ("id", *COLUMNS)
    with gzip.open(partial, "wb") as out:
        out.write(("\t".join(columns) + "\n").encode())
        with cursor.cursor.copy(f"COPY {name} ({', '.join(columns)}) TO STDOUT") as copy:  # noqa: S608
            for block in copy:
                out.write(block)
    partial.replace(path)  # only a complete file carries the final name
    return path
