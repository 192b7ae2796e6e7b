"""Benchmark of the supervision mechanisms at city scale: 100,000 tasks over
20 member units and 24 months of biweekly unit reports, bulk-generated in a
throwaway database (SQLite in /tmp unless DATABASE_URL names a PostgreSQL one).

Prints one JSON object per line: p95 of a unit's task list (page and API),
the HQ overview filtered to red tasks, the scorecard league table and the
bulletin's task figures (scorecards.task_stats). The bulletin's own compile
time is measured by bench/bulletin.py (meetings/reporting).

    .venv/bin/python bench/mechanisms.py [--tasks 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def emit(metric: str, value: float, unit: str, target: float | None) -> None:
    ok = None if target is None else value <= target
    print(
        json.dumps({"metric": metric, "value": round(value, 2), "unit": unit, "target": target, "ok": ok}), flush=True
    )


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) >= 20 else max(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=20)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()

    tmpdir = None
    if "DATABASE_URL" not in os.environ:
        tmpdir = tempfile.mkdtemp(prefix="rhq_bench_mechanisms_")
        os.environ["DATABASE_URL"] = f"sqlite:///{tmpdir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["HUEY_IMMEDIATE"] = "1"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0, interactive=False)
    try:
        run(args)
    finally:
        if tmpdir:
            import shutil

            shutil.rmtree(tmpdir, ignore_errors=True)


def run(args: argparse.Namespace) -> None:
    import datetime as dt

    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from relocation.core.roles import Role
    from relocation.organisation.models import Phase, Programme, Unit, User
    from relocation.supervision import reports, scorecards
    from relocation.supervision.models import CoordinationProblem, Task, TaskStatus, UnitReport

    if Programme.objects.filter(code="bench").exists():
        raise SystemExit("the benchmark database is not empty; give a throwaway DATABASE_URL")
    rng = random.Random(7)
    today = timezone.localdate()
    start = today - dt.timedelta(days=30 * args.months)
    t0 = time.perf_counter()
    with transaction.atomic():
        programme = Programme.objects.create(
            code="bench", name="基准测试项目", zone_name="B区", city="佛山市", deadline=today + dt.timedelta(days=180)
        )
        Phase.objects.create(
            programme=programme, kind="mobilisation", name="部署动员", starts_on=start, ends_on=today, order=0
        )
        hq_unit = Unit.objects.create(programme=programme, code="hq", name="现场指挥部", kind="headquarters")
        units = [
            Unit.objects.create(
                programme=programme, code=f"u{i:02d}", name=f"成员单位{i:02d}", kind="department", order=i + 1
            )
            for i in range(args.units)
        ]
        hq_user = User.objects.create(username="bench_hq", role=Role.HQ_STAFF, unit=hq_unit)
        liaisons = [
            User.objects.create(username=f"bench_l{i:02d}", role=Role.UNIT_LIAISON, unit=u) for i, u in enumerate(units)
        ]
        statuses = (
            [TaskStatus.VERIFIED] * 55
            + [TaskStatus.REPORTED_DONE] * 10
            + [TaskStatus.IN_PROGRESS] * 15
            + [TaskStatus.SIGNED_FOR] * 10
            + [TaskStatus.ASSIGNED] * 5
            + [TaskStatus.CANCELLED] * 5
        )
        span = (today + dt.timedelta(days=60) - start).days
        now = timezone.now()
        batch = []
        for n in range(args.tasks):
            deadline = start + dt.timedelta(days=rng.randrange(span))
            status = rng.choice(statuses)
            done = None
            if status in (TaskStatus.VERIFIED, TaskStatus.REPORTED_DONE):
                done = timezone.make_aware(
                    dt.datetime.combine(deadline + dt.timedelta(days=rng.randint(-10, 4)), dt.time(10))
                )
            batch.append(
                Task(
                    programme=programme,
                    title=f"任务{n:06d} 核查企业用水用电",
                    lead_unit=units[n % len(units)],
                    responsible=liaisons[n % len(units)] if n % 3 == 0 else None,
                    deadline=deadline,
                    status=status,
                    source="manual",
                    reported_done_at=done,
                    reported_on_time=None if done is None else timezone.localdate(done) <= deadline,
                    completed_at=done if status == TaskStatus.VERIFIED else None,
                    created_at=now,
                    updated_at=now,
                )
            )
            if len(batch) == 5000:
                Task.objects.bulk_create(batch)
                batch = []
        Task.objects.bulk_create(batch)
        # A fifth of the tasks have a co-unit.
        through = Task.co_units.through
        ids = list(Task.objects.filter(programme=programme).values_list("pk", "lead_unit_id"))
        links = [
            through(
                task_id=pk, unit_id=units[(units.index(next(u for u in units if u.pk == lead)) + 1) % len(units)].pk
            )
            for pk, lead in ids[::5]
        ]
        through.objects.bulk_create(links, batch_size=5000)
        # 24 months of biweekly reports from every unit (about one in twelve missing).
        report_rows = []
        for period in reports.periods_between(programme, start, today - dt.timedelta(days=15)):
            for i, unit in enumerate(units):
                if rng.random() < 1 / 12:
                    continue
                submitted = timezone.make_aware(
                    dt.datetime.combine(period.due_on + dt.timedelta(days=rng.choice([-1, 0, 0, 1, 3])), dt.time(16))
                )
                report_rows.append(
                    UnitReport(
                        programme=programme,
                        unit=unit,
                        period_start=period.start,
                        period_end=period.end,
                        due_on=period.due_on,
                        status="reviewed",
                        progress="本期完成情况……" * 20,
                        next_steps="下一步……",
                        submitted_at=submitted,
                        submitted_by=liaisons[i],
                    )
                )
        UnitReport.objects.bulk_create(report_rows, batch_size=2000)
        problems = [
            CoordinationProblem(report=r, unit_id=r.unit_id, title="需协调事项", status="resolved")
            for r in UnitReport.objects.filter(programme=programme)[::4]
        ]
        CoordinationProblem.objects.bulk_create(problems, batch_size=2000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    emit("mechanisms.generate_seconds", time.perf_counter() - t0, "s", None)
    emit("mechanisms.tasks", Task.objects.count(), "rows", None)
    emit("mechanisms.unit_reports", UnitReport.objects.count(), "rows", None)

    def measure(client: Client, url: str, n: int) -> list[float]:
        client.get(url)  # warm
        samples = []
        for _ in range(n):
            t = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        return samples

    unit_samples: list[float] = []
    api_samples: list[float] = []
    for liaison in liaisons[:: max(len(liaisons) // 4, 1)]:
        c = Client()
        c.force_login(liaison)
        per = max(args.requests // 4, 5)
        unit_samples += measure(c, "/supervision/", per)
        unit_samples += measure(c, "/supervision/?status=open&page=3", per // 2)
        api_samples += measure(c, "/api/supervision/tasks/?status=open", per)
    emit("mechanisms.unit_task_list_p95", p95(unit_samples), "ms", 100)
    emit("mechanisms.unit_task_list_median", statistics.median(unit_samples), "ms", None)
    emit("mechanisms.unit_task_api_p95", p95(api_samples), "ms", 100)

    hq = Client()
    hq.force_login(hq_user)
    emit("mechanisms.hq_red_overview_p95", p95(measure(hq, "/supervision/?warning=red", 20)), "ms", None)
    emit("mechanisms.scorecard_page_p95", p95(measure(hq, "/supervision/scorecards/", 10)), "ms", None)
    samples = []
    for _ in range(10):
        t = time.perf_counter()
        scorecards.task_stats(programme, today.replace(day=1) - dt.timedelta(days=31), today)
        samples.append((time.perf_counter() - t) * 1000)
    emit("mechanisms.task_stats_month_p95", p95(samples), "ms", None)


if __name__ == "__main__":
    main()
