"""Battle map at city scale: 10,000 enterprises with full lifecycle history.

Prints one JSON object per line: p95 server time of the dashboard page, of
its data endpoints, and of a time-travel view, each followed by the median
CPU time of this process per request. Builds its own data in a throwaway
PostgreSQL database when the local server answers, else SQLite (or in the
database DATABASE_URL names). BENCH_REUSE=1 keeps the data of an earlier run
(BENCH_DB names the PostgreSQL database):

    BENCH_DB=rhq_bench_dashboard BENCH_REUSE=1 .venv/bin/python bench/dashboard.py
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _default_database() -> str:
    """PostgreSQL (production's database) in a throwaway database when the
    local server answers; otherwise an SQLite file. BENCH_REUSE=1 keeps the
    database of an earlier run (building city-scale data takes minutes);
    BENCH_DB names it."""
    name = os.environ.get("BENCH_DB", "rhq_bench_dashboard")
    try:
        import psycopg

        with psycopg.connect(
            "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True, connect_timeout=3
        ) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not (exists and os.environ.get("BENCH_REUSE") == "1"):
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
                conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgres://postgres@127.0.0.1:5432/{name}"
    except Exception:  # noqa: BLE001 - no PostgreSQL here: fall back
        return f"sqlite:///{tempfile.mkdtemp()}/bench_dashboard.sqlite3"


if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = _default_database()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["HUEY_IMMEDIATE"] = "1"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

N_ENTERPRISES = int(os.environ.get("BENCH_ENTERPRISES", "10000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "40"))
PATH = [
    "surveyed",
    "intention_recorded",
    "commitment_signed",
    "destination_confirmed",
    "production_stopped",
    "closure_verified",
]


def emit(metric: str, value: float, unit: str, target: float | None) -> None:
    ok = None if target is None else value <= target
    print(
        json.dumps({"metric": metric, "value": round(value, 2), "unit": unit, "target": target, "ok": ok}), flush=True
    )


def build() -> None:
    from relocation.core import credit_code
    from relocation.enterprises.lifecycle_models import Batch, RelocationPlan, StatusChange
    from relocation.enterprises.models import Enterprise
    from relocation.organisation.models import Phase, Programme, Unit, User
    from relocation.supervision.models import Task

    call_command("migrate", verbosity=0)
    if Enterprise.objects.count() >= N_ENTERPRISES:
        return
    rng = random.Random(1)
    programme = Programme.objects.create(
        code="bench",
        name="bench",
        zone_name="B区",
        city="佛山市",
        deadline=dt.date(2022, 6, 30),
        center_lat=22.82,
        center_lon=113.69,
    )
    for i, kind in enumerate(["mobilisation", "enforcement", "relocation"]):
        Phase.objects.create(
            programme=programme,
            kind=kind,
            name=kind,
            starts_on=dt.date(2021, 6, 1) + dt.timedelta(days=120 * i),
            ends_on=dt.date(2021, 9, 1) + dt.timedelta(days=120 * i),
            order=i,
        )
    units = [
        Unit.objects.create(programme=programme, code=f"u{i}", name=f"单位{i}", kind="town", is_territorial=i < 2)
        for i in range(20)
    ]
    hq = Unit.objects.create(programme=programme, code="hq", name="指挥部", kind="headquarters")
    user = User(username="bench", role="hq_staff", unit=hq)
    user.set_password("Bench-pass-1")
    user.save()
    batches = [
        Batch.objects.create(
            programme=programme,
            name=f"第{i + 1}批",
            deadline=dt.date(2021, 12, 31) + dt.timedelta(days=90 * i),
            order=i,
        )
        for i in range(3)
    ]
    created = timezone.make_aware(dt.datetime(2021, 6, 1))
    enterprises = []
    for i in range(N_ENTERPRISES):
        body = f"91441900{i:09d}"
        enterprises.append(
            Enterprise(
                programme=programme,
                name=f"佛山市测试{i}号电镀有限公司",
                credit_code=body + credit_code.check_character(body),
                territorial_unit=units[i % 2],
                latitude=22.81 + rng.random() * 0.02,
                longitude=113.67 + rng.random() * 0.04,
                search_text=f"佛山市测试{i}号电镀有限公司",
            )
        )
    Enterprise.objects.bulk_create(enterprises, batch_size=2000)
    Enterprise.objects.update(created_at=created)
    ids = list(Enterprise.objects.values_list("pk", flat=True))
    RelocationPlan.objects.bulk_create(
        [RelocationPlan(enterprise_id=pk, batch=batches[k % 3]) for k, pk in enumerate(ids)], batch_size=2000
    )
    changes, final = [], {}
    for pk in ids:
        at = created
        steps = rng.randint(1, len(PATH))
        status = "surveyed"
        for target in PATH[1:steps] + ([rng.choice(["relocated", "closed"])] if steps == len(PATH) else []):
            at += dt.timedelta(days=rng.randint(5, 40))
            changes.append(StatusChange(enterprise_id=pk, from_status=status, to_status=target, at=at, reason="bench"))
            status = target
        final[pk] = status
    StatusChange.objects.bulk_create(changes, batch_size=5000)
    for status in set(final.values()):
        Enterprise.objects.filter(pk__in=[k for k, v in final.items() if v == status]).update(status=status)
    Task.objects.bulk_create(
        [
            Task(
                programme=programme,
                title=f"任务{i}",
                lead_unit=units[i % 20],
                deadline=dt.date(2022, 1, 1) + dt.timedelta(days=i % 200),
            )
            for i in range(5000)
        ],
        batch_size=2000,
    )


def settle() -> None:
    """Give the planner statistics and clear the dead rows the build's bulk
    updates left, as autovacuum does in production (it may be off on a
    development server, and without statistics PostgreSQL plans joins for
    sixteen rows instead of ten thousand)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def measure(client: Client, metric: str, path: str, target: float) -> None:
    """p95 wall time of `path`; also the median CPU time of this process per
    request (less sensitive to other load on a shared machine; the
    database's own CPU time is not included)."""
    client.get(path)  # warm
    times, cpu = [], []
    for _ in range(REQUESTS):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    emit(f"{metric}_p95", statistics.quantiles(times, n=20)[18], "ms", target)
    emit(f"{metric}_python_cpu_p50", statistics.median(cpu), "ms", None)


def main() -> None:
    setup_test_environment()
    build()
    settle()
    client = Client()
    from relocation.organisation.models import User

    client.force_login(User.objects.get(username="bench"))
    measure(client, "dashboard_page", "/dashboard/", 200)
    measure(client, "dashboard_data_endpoint", "/dashboard/data.json", 200)
    measure(client, "dashboard_map_endpoint", "/dashboard/map.json", 200)
    measure(client, "dashboard_base_layer", "/dashboard/base.json", 50)
    measure(client, "dashboard_work_layers", "/dashboard/layers.json", 200)
    measure(client, "dashboard_api_indicators", "/api/dashboard/indicators/", 200)
    measure(client, "dashboard_time_travel", "/dashboard/data.json?as_of=2022-01-15", 1000)
    measure(client, "dashboard_time_travel_map", "/dashboard/map.json?as_of=2022-01-15", 1000)
    print(json.dumps({"metric": "database", "value": connection.vendor, "unit": "", "target": None, "ok": None}))


if __name__ == "__main__":
    main()
