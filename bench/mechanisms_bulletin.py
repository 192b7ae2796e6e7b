"""Benchmark: compiling one monthly bulletin with its charts at city scale.

100,000 tasks for 20 member units over 24 months, 2,000 enterprises with their
status history in the event stream, 24 months of unit reports where the
reports model exists. The data go into a throwaway database by bulk inserts
(a temporary SQLite file, or the PostgreSQL database given by DATABASE_URL).

Prints one JSON object per line (see docs: metric, value, unit, target, ok).

    .venv/bin/python bench/mechanisms_bulletin.py
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="rhq-bench-bulletin-")
os.environ.setdefault("RHQ_VAR_DIR", TMP)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{TMP}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

# BENCH_TASKS lets a smoke run use less data; the reported figures use the default.
TASKS = int(os.environ.get("BENCH_TASKS", "100000"))
UNITS = 20
MONTHS = 24
ENTERPRISES = 2_000
START = dt.date(2021, 1, 1)


def emit(metric: str, value: float, unit: str, target: float | None = None, lower_is_better: bool = True) -> None:
    ok = None if target is None else (value <= target if lower_is_better else value >= target)
    print(
        json.dumps({"metric": metric, "value": round(value, 3), "unit": unit, "target": target, "ok": ok}), flush=True
    )


def month_add(day: dt.date, months: int) -> dt.date:
    m = day.month - 1 + months
    return dt.date(day.year + m // 12, m % 12 + 1, 1)


def build() -> tuple[object, object]:
    from relocation.core.models import AuditEvent
    from relocation.enterprises.models import Enterprise, LifecycleStatus
    from relocation.organisation.models import Programme, Unit, User
    from relocation.supervision.models import Task

    rng = random.Random(2022)  # noqa: S311 - benchmark data, not security
    programme = Programme.objects.create(
        code="bench", name="压测项目", zone_name="基准片区", city="佛山市", deadline=dt.date(2022, 12, 31)
    )
    Unit.objects.create(programme=programme, code="hq", name="现场指挥部", kind="headquarters", order=0)
    units = [
        Unit.objects.create(
            programme=programme,
            code=f"u{i:02d}",
            name=f"成员单位{i:02d}",
            short_name=f"单位{i:02d}",
            kind="department",
            order=i + 1,
        )
        for i in range(UNITS)
    ]
    hq = User.objects.create_user(
        username="bench_hq",
        password=None,
        role="hq_staff",
        unit=Unit.objects.get(programme=programme, code="hq"),
    )
    for u in units:
        User.objects.create_user(username=f"bench_{u.code}", password=None, role="unit_liaison", unit=u)
    statuses = [s for s, _l in LifecycleStatus.choices]
    now = timezone.now()
    enterprises = [
        Enterprise(
            programme=programme,
            name=f"压测企业{i:05d}",
            credit_code=f"91441900{i:010d}",
            territorial_unit=units[i % 3],
            status=rng.choice(statuses),
            status_changed_at=timezone.make_aware(
                dt.datetime.combine(month_add(START, rng.randrange(MONTHS)), dt.time(10))
            ),
            created_at=now,
            updated_at=now,
        )
        for i in range(ENTERPRISES)
    ]
    Enterprise.objects.bulk_create(enterprises, batch_size=1000)
    ids = list(Enterprise.objects.filter(programme=programme).values_list("pk", flat=True))
    # The event stream: a status change per enterprise per few months (not chained: a throwaway DB).
    events = []
    seq = 0
    for pk in ids:
        for _k in range(6):
            seq += 1
            at = timezone.make_aware(dt.datetime.combine(month_add(START, rng.randrange(MONTHS)), dt.time(11)))
            events.append(
                AuditEvent(
                    seq=seq,
                    created_at=at,
                    actor_name="bench",
                    action="enterprise.status_changed",
                    object_type="enterprises.enterprise",
                    object_id=str(pk),
                    enterprise_id=pk,
                    changes={"status": ["surveyed", rng.choice(statuses)]},
                    prev_hash="0" * 64,
                    hash=f"{seq:064x}",
                )
            )
    AuditEvent.objects.bulk_create(events, batch_size=2000)
    from relocation.core.models import AuditChainHead

    AuditChainHead.objects.update_or_create(id=1, defaults={"seq": seq, "hash": f"{seq:064x}"})
    tasks = []
    today = dt.date(2022, 12, 31)
    task_fields = {f.name for f in Task._meta.concrete_fields}
    for i in range(TASKS):
        deadline = START + dt.timedelta(days=rng.randrange(MONTHS * 30))
        r = rng.random()
        status = (
            "verified"
            if r < 0.7
            else "cancelled"
            if r < 0.75
            else rng.choice(["assigned", "signed_for", "in_progress", "reported_done"])
        )
        completed = (
            timezone.make_aware(dt.datetime.combine(deadline + dt.timedelta(days=rng.randint(-10, 6)), dt.time(16)))
            if status == "verified"
            else None
        )
        extra = {"reported_done_at": completed} if "reported_done_at" in task_fields else {}
        tasks.append(
            Task(
                programme=programme,
                title=f"压测任务{i}",
                lead_unit=units[i % UNITS],
                deadline=min(deadline, today),
                status=status,
                source="plan",
                completed_at=completed,
                **extra,
                created_at=now,
                updated_at=now,
            )
        )
        if len(tasks) == 5000:
            Task.objects.bulk_create(tasks)
            tasks = []
    Task.objects.bulk_create(tasks)
    reports = seed_reports(programme, units, rng)
    emit("bench_reports_generated", reports, "reports", None)
    return programme, hq


def seed_reports(programme, units, rng) -> int:
    """24 months of biweekly unit reports (with a problem each), if the reports
    model is on this branch."""
    from django.apps import apps

    try:
        model = apps.get_model("supervision", "UnitReport")
    except LookupError:
        return 0
    fields = {f.name for f in model._meta.concrete_fields}
    rows = []
    for unit in units:
        for k in range(MONTHS * 2):
            start = START + dt.timedelta(days=14 * k)
            values = {
                "programme": programme,
                "unit": unit,
                "period_start": start,
                "period_end": start + dt.timedelta(days=13),
            }
            optional = {
                "due_on": start + dt.timedelta(days=17),
                "status": "submitted",
                "submitted_at": timezone.make_aware(dt.datetime.combine(start + dt.timedelta(days=15), dt.time(9))),
                "progress": f"本期完成企业走访{rng.randint(3, 20)}家，断电准备{rng.randint(1, 5)}家。",
                "next_steps": "继续推进",
            }
            values.update({k2: v for k2, v in optional.items() if k2 in fields})
            rows.append(model(**values))
    try:
        with transaction.atomic():
            model.objects.bulk_create(rows, batch_size=1000)
            try:
                problem = apps.get_model("supervision", "CoordinationProblem")
            except LookupError:
                problem = None
            if problem is not None:
                problem.objects.bulk_create(
                    [
                        problem(report=r, unit_id=r.unit_id, title="个别企业拒绝签署承诺书")
                        for r in model.objects.filter(programme=programme)
                    ],
                    batch_size=1000,
                )
    except Exception as exc:  # noqa: BLE001 - the model's required fields are not known here
        print(f"# unit reports not generated: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return 0
    return len(rows)


def main() -> None:
    call_command("migrate", verbosity=0, interactive=False)
    t0 = time.perf_counter()
    programme, hq = build()
    emit("bench_setup_seconds", time.perf_counter() - t0, "s")

    from relocation.reporting import compilation, services

    connection.queries_log.clear()
    t0 = time.perf_counter()
    bulletin = services.bulletin_compile(actor=hq, programme=programme, year=2022, month=6)
    drawn = compilation.charts(bulletin.figures)
    rendered = [(c.svg(), c.png()) for c in drawn.values()]
    compile_seconds = time.perf_counter() - t0
    emit("bulletin_compile_with_charts_seconds", compile_seconds, "s", 10.0)
    assert bulletin.figures["tasks"]["due"] > 0 and len(rendered) == 2

    t0 = time.perf_counter()
    services.bulletin_compile(actor=hq, programme=programme, year=2022, month=6)
    emit("bulletin_recompile_seconds", time.perf_counter() - t0, "s", 10.0)

    t0 = time.perf_counter()
    services.bulletin_issue(actor=hq, bulletin=bulletin)
    emit("bulletin_issue_word_and_pdf_seconds", time.perf_counter() - t0, "s", None)


if __name__ == "__main__":
    try:
        main()
    finally:
        import shutil

        connection.close()
        shutil.rmtree(TMP, ignore_errors=True)
