"""Benchmark of each role's home page (my work first) at city scale: 100,000
tasks over 20 member units, 3,000 enterprises with commitment letters, 2,000
scheduled re-inspections of one environment team, 200 unread notices per
person, bulk-generated in a throwaway database (SQLite in /tmp unless
DATABASE_URL names a PostgreSQL one).

Prints one JSON object per line: the home page's p95 for HQ staff, the HQ
commander, a group leader, a unit leader, a liaison, an inspector, an
enterprise contact and the auditor (target ≤ 150 ms each).

    .venv/bin/python bench/home.py [--tasks 100000] [--requests 30]
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
TARGET_MS = 150


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
    parser.add_argument("--enterprises", type=int, default=3_000)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()

    tmpdir = None
    if "DATABASE_URL" not in os.environ:
        tmpdir = tempfile.mkdtemp(prefix="rhq_bench_home_")
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


def generate(args: argparse.Namespace) -> dict:
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from relocation.core.models import Notification
    from relocation.core.roles import Role
    from relocation.enforcement import services as enforcement
    from relocation.enforcement.models import EnforcementDomain, Inspection, InspectionStatus
    from relocation.enterprises.models import CommitmentLetter, Enterprise, EnterpriseContact
    from relocation.organisation.models import AssignedFunction, Phase, Programme, Unit, User
    from relocation.supervision.models import Task, TaskStage, TaskStatus

    rng = random.Random(11)
    today = timezone.localdate()
    start = today - dt.timedelta(days=720)
    now = timezone.now()
    with transaction.atomic():
        programme = Programme.objects.create(
            code="bench",
            name="基准测试项目",
            zone_name="基准区",
            city="基准市",
            deadline=today + dt.timedelta(days=180),
        )
        Phase.objects.create(
            programme=programme, kind="mobilisation", name="部署动员", starts_on=start, ends_on=today, order=0
        )
        hq_unit = Unit.objects.create(programme=programme, code="hq", name="现场指挥部", kind="headquarters")
        units = [
            Unit.objects.create(
                programme=programme, code=f"u{i:02d}", name=f"成员单位{i:02d}", kind="town", order=i + 1
            )
            for i in range(args.units)
        ]
        AssignedFunction.objects.bulk_create(
            [
                AssignedFunction(unit=units[0], function="territorial_town"),
                AssignedFunction(unit=units[1], function="environment"),
            ]
        )
        people = {
            "hq_staff": User.objects.create(username="b_hq", role=Role.HQ_STAFF, unit=hq_unit),
            "hq_commander": User.objects.create(username="b_cmd", role=Role.HQ_COMMANDER, unit=hq_unit),
            "group_leader": User.objects.create(username="b_grp", role=Role.GROUP_LEADER, unit=hq_unit),
            "unit_leader": User.objects.create(username="b_lead", role=Role.UNIT_LEADER, unit=units[0]),
            "liaison": User.objects.create(username="b_liaison", role=Role.UNIT_LIAISON, unit=units[0]),
            "inspector": User.objects.create(username="b_insp", role=Role.INSPECTOR, unit=units[1]),
            "enterprise_contact": User.objects.create(username="b_ent", role=Role.ENTERPRISE_CONTACT),
            "auditor": User.objects.create(username="b_audit", role=Role.AUDITOR),
        }
        statuses = [TaskStatus.VERIFIED] * 55 + [TaskStatus.REPORTED_DONE] * 10 + [TaskStatus.IN_PROGRESS] * 15
        statuses += [TaskStatus.SIGNED_FOR] * 10 + [TaskStatus.ASSIGNED] * 5 + [TaskStatus.CANCELLED] * 5
        span = (today + dt.timedelta(days=60) - start).days
        batch = []
        for n in range(args.tasks):
            batch.append(
                Task(
                    programme=programme,
                    title=f"任务{n:06d} 核查企业用水用电",
                    lead_unit=units[n % len(units)],
                    responsible=people["inspector"] if n % len(units) == 1 and n % 7 == 0 else None,
                    deadline=start + dt.timedelta(days=rng.randrange(span)),
                    status=rng.choice(statuses),
                    source="manual",
                    created_at=now,
                    updated_at=now,
                )
            )
            if len(batch) == 5000:
                Task.objects.bulk_create(batch)
                batch = []
        Task.objects.bulk_create(batch)
        # Every open task has its running stage (the clock the home page shows).
        stages = [
            TaskStage(task_id=pk, status=status, holder_unit_id=unit_id, started_at=now - dt.timedelta(days=pk % 30))
            for pk, status, unit_id in Task.objects.filter(programme=programme)
            .exclude(status__in=[TaskStatus.VERIFIED, TaskStatus.CANCELLED])
            .values_list("pk", "status", "lead_unit_id")
        ]
        TaskStage.objects.bulk_create(stages, batch_size=5000)
        enterprises = Enterprise.objects.bulk_create(
            [
                Enterprise(
                    programme=programme,
                    name=f"基准企业{n:05d}",
                    credit_code=f"91{n:016d}",
                    territorial_unit=units[n % len(units)],
                )
                for n in range(args.enterprises)
            ],
            batch_size=2000,
        )
        CommitmentLetter.objects.bulk_create(
            [
                CommitmentLetter(
                    enterprise=e,
                    committed_shutdown_on=today + dt.timedelta(days=i % 90),
                    status="generated" if i % 3 else "signed",
                    signed_on=None if i % 3 else today,
                )
                for i, e in enumerate(enterprises)
            ],
            batch_size=2000,
        )
        EnterpriseContact.objects.create(user=people["enterprise_contact"], enterprise=enterprises[0])
        enforcement.configuration_ensure(actor=None, programme=programme)
        domain = EnforcementDomain.objects.filter(programme=programme).first()
        team = enforcement.team_create(
            actor=None, domain=domain, name="生态环境执法一组", members=[people["inspector"]]
        )
        Inspection.objects.bulk_create(
            [
                Inspection(
                    programme=programme,
                    enterprise=enterprises[i % len(enterprises)],
                    team=team,
                    status=InspectionStatus.SCHEDULED,
                    scheduled_on=today + dt.timedelta(days=i % 60 - 20),
                )
                for i in range(2000)
            ],
            batch_size=2000,
        )
        Notification.objects.bulk_create(
            [
                Notification(recipient=user, verb="task.assigned", title=f"新任务{i}", created_at=now, updated_at=now)
                for user in people.values()
                for i in range(200)
            ],
            batch_size=5000,
        )
    return people


def run(args: argparse.Namespace) -> None:
    from django.db import connection
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from relocation.organisation.models import Programme

    if Programme.objects.filter(code="bench").exists():
        raise SystemExit("the benchmark database is not empty; give a throwaway DATABASE_URL")
    t0 = time.perf_counter()
    people = generate(args)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    emit("home.generate_seconds", time.perf_counter() - t0, "s", None)
    for role, user in people.items():
        client = Client()
        client.force_login(user)
        if role == "auditor":  # the administrators pass the second factor first
            device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        client.get("/")  # warm
        samples = []
        for _ in range(args.requests):
            t = time.perf_counter()
            response = client.get("/")
            samples.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, (role, response.status_code)
        emit(f"home.{role}_p95", p95(samples), "ms", TARGET_MS)


if __name__ == "__main__":
    main()
