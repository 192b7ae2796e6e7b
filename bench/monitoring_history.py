"""Monitoring history at scale on PostgreSQL (monthly partitions + aggregates).

Loads BENCH_POINTS (400) points × 6 pollutants of minute data (CN 2051) for
the last BENCH_DAYS (15) days — 51.8 million stored values — with COPY into
the partitioned measurement table, then builds the hourly and daily
aggregates. BENCH_REUSE=1 keeps a database already loaded (the load takes
many minutes on a shared machine). Then measures:

1. `history_point_24h_p95`: one point's last 24 h of minute values (the point
   chart's query, selectors.chart_series), p95 over BENCH_QUERIES random points
   (target ≤ 50 ms); `history_point_24h_cpu_p95`: the CPU it used (this process
   and its PostgreSQL backend), which the machine's load moves much less;
2. `history_monthly_exceedance_report`: the daily-average exceedance report of
   one month for all points (aggregates.exceedance_report), the slowest of 3
   runs (target ≤ 2 s).

Each figure is one JSON line with the load average at the time.
Uses PostgreSQL from DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/relocation_bench_history, created if missing).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/relocation_bench_history"
POINTS = int(os.environ.get("BENCH_POINTS", "400"))
DAYS = int(os.environ.get("BENCH_DAYS", "15"))
QUERIES = int(os.environ.get("BENCH_QUERIES", "60"))
# GB 21900-2008 table 2 at the final outlet: COD, NH3-N, TN, TP, Cu, Zn.
POLLUTANTS = {"w01018": 40.0, "w21003": 8.0, "w21001": 12.0, "w21011": 0.5, "w20122": 0.25, "w20123": 0.8}


def emit(metric: str, value, unit: str, target=None, ok=None, **extra) -> None:
    load = os.getloadavg()
    print(
        json.dumps(
            {
                "metric": metric,
                "value": value,
                "unit": unit,
                "target": target,
                "ok": ok,
                "loadavg": [round(x, 2) for x in load],
                **extra,
            },
            ensure_ascii=False,
        ),
        flush=True,
    )


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def backend_cpu(pid: int) -> float:
    """User + system CPU seconds of a local process (the PostgreSQL backend)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_points(n: int) -> list:
    from relocation.enterprises.models import Enterprise
    from relocation.monitoring.models import MonitoringPoint, Standard
    from relocation.organisation.models import Programme

    programme, _ = Programme.objects.get_or_create(
        code="bench-history",
        defaults={"name": "监测历史基准", "zone_name": "基准", "city": "基准市", "deadline": dt.date(2030, 1, 1)},
    )
    enterprise, _ = Enterprise.objects.get_or_create(
        programme=programme, credit_code="91441900BENCH0001X", defaults={"name": "基准测试企业"}
    )
    standard = Standard.objects.get(code="GB 21900-2008")
    have = MonitoringPoint.objects.count()
    MonitoringPoint.objects.bulk_create(
        [
            MonitoringPoint(
                mn=f"HIST{i:07d}",
                password="123456",  # noqa: S106
                enterprise=enterprise,
                name=f"排口{i}",
                standard=standard,
                table="2",
                discharge_mode="",
                expected_interval_minutes=1,
            )
            for i in range(have, n)
        ]
    )
    return list(MonitoringPoint.objects.order_by("id")[:n])


def load(points: list, start: dt.datetime, minutes: int) -> float:
    """COPY the minute values; returns the seconds it took."""
    from django.db import connection, transaction

    from relocation.monitoring import partitions

    with transaction.atomic(), connection.cursor() as cursor:
        month = partitions.month_start(start.astimezone(partitions.timezone.get_default_timezone()).date())
        last = partitions.month_start(dt.date.today())
        while month <= partitions.add_months(last, 1):
            partitions.create_month_partition(cursor, month)
            month = partitions.add_months(month, 1)
    times = [(start + dt.timedelta(minutes=m)).isoformat() for m in range(minutes)]
    rng = random.Random(13)
    # Per pollutant a cycle of pre-formatted values around its base (a few percent above the limit).
    cycles = {
        code: [repr(round(base * (0.6 + 0.5 * rng.random()), 4)) for _ in range(997)]
        for code, base in POLLUTANTS.items()
    }
    # Every twentieth point runs high: its daily averages exceed the limits.
    high = {code: [repr(round(float(v) * 2.2, 4)) for v in values] for code, values in cycles.items()}
    began = time.monotonic()
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for n, point in enumerate(points):
            lines = []
            append = lines.append
            for code, values in (high if n % 20 == 0 else cycles).items():
                head = f"{point.pk}\t2051\t"
                tail = f"\t{code}\t"
                offset = n * 31
                for m, when in enumerate(times):
                    append(f"{head}{when}{tail}{values[(m + offset) % 997]}\t\\N\t\\N\t\\N\tN\t{when}\n")
            with raw.copy(
                "COPY monitoring_measurement (point_id, cn, data_time, pollutant, value, min_value, max_value, "
                "cou, flag, received_at) FROM STDIN"
            ) as copy:
                copy.write("".join(lines))
            if n % 50 == 49:
                print(f"# loaded {n + 1} points in {time.monotonic() - began:.0f} s", file=sys.stderr, flush=True)
    return time.monotonic() - began


def main() -> None:
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from relocation.monitoring import aggregates, partitions, selectors
    from relocation.monitoring.models import AggregateCursor

    call_command("migrate", verbosity=0, interactive=False)
    points = setup_points(POINTS)
    reuse = os.environ.get("BENCH_REUSE") == "1"
    done = AggregateCursor.objects.filter(key="bench-loaded").first()
    if done is None or not reuse:
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE monitoring_measurement, monitoring_measurementhour, monitoring_measurementday, "
                "monitoring_aggregatebacklog"
            )
        AggregateCursor.objects.filter(key="bench-loaded").delete()
        now = timezone.now().replace(second=0, microsecond=0)
        start = now - dt.timedelta(days=DAYS)
        seconds = load(points, start, DAYS * 1440)
        rows = POINTS * len(POLLUTANTS) * DAYS * 1440
        emit("history_load_copy", round(rows / seconds), "rows/s", rows=rows, seconds=round(seconds, 1))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE monitoring_measurement")
        began = time.monotonic()
        aggregates.rebuild(since=start, until=now + dt.timedelta(minutes=1))
        emit("history_aggregates_rebuild", round(time.monotonic() - began, 1), "s", rows=rows)
        AggregateCursor.objects.create(key="bench-loaded", until=now)
        done = AggregateCursor.objects.get(key="bench-loaded")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE relkind = 'r' AND relname LIKE 'monitoring_measurement_p%%'"
        )
        stored = sum(r[0] for r in cursor.fetchall())
    emit(
        "history_stored_values",
        stored,
        "rows",
        target=50_000_000,
        ok=stored >= 50_000_000,
        partitions=len(partitions.month_partitions()),
    )

    # 1. One point's last 24 h of minute values (the chart's query).
    end = done.until
    rng = random.Random(7)
    timings, cpu = [], []
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    for _ in range(QUERIES):
        point = rng.choice(points)
        backend_before, client_before = backend_cpu(backend), time.process_time()
        began = time.perf_counter()
        data = selectors.chart_series(point, since=end - dt.timedelta(hours=24), cn="2051", until=end)
        timings.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - client_before + backend_cpu(backend) - backend_before) * 1000)
        assert sum(len(s["data"]) for s in data["series"]) >= 1440 * len(POLLUTANTS) - len(POLLUTANTS)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    emit(
        "history_point_24h_p95",
        round(p95, 1),
        "ms",
        target=50,
        ok=p95 <= 50,
        p50=round(timings[len(timings) // 2], 1),
        values=1440 * len(POLLUTANTS),
    )
    # On a shared machine the wall clock moves with the load; the CPU the query used
    # (this process plus its PostgreSQL backend, from /proc) much less.
    cpu.sort()
    cpu_p95 = cpu[int(len(cpu) * 0.95) - 1]
    emit(
        "history_point_24h_cpu_p95",
        round(cpu_p95, 1),
        "ms",
        target=50,
        ok=cpu_p95 <= 50,
        p50=round(cpu[len(cpu) // 2], 1),
    )

    # 2. The month's daily-average exceedance report for all points.
    month = timezone.localdate(end - dt.timedelta(days=1)).replace(day=1)
    runs = []
    for _ in range(3):
        began = time.perf_counter()
        report = aggregates.exceedance_report(points, month)
        runs.append(time.perf_counter() - began)
    worst = max(runs)
    emit(
        "history_monthly_exceedance_report",
        round(worst, 3),
        "s",
        target=2,
        ok=worst <= 2,
        points=len(points),
        lines=len(report),
        exceeded_days=sum(len(line["exceeded_days"]) for line in report),
        month=month.isoformat(),
    )


if __name__ == "__main__":
    main()
