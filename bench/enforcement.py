"""Benchmark of joint enforcement at city scale.

Builds a throwaway database (SQLite file in /tmp unless DATABASE_URL is set)
with 500,000 inspections (2 inspectors each), 200,000 violations and as many
measures, then measures server time (Django test client) of the two pages
inspectors open all day: the team queue and an enterprise's file (一企一档).

Prints one JSON object per line:
  {"metric": ..., "value": ..., "unit": ..., "target": ..., "ok": ...}

Usage: .venv/bin/python bench/enforcement.py [--inspections N] [--violations N] [--requests N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_FILE = Path("/tmp/rhq-bench-enforcement.sqlite3")  # noqa: S108 - a throwaway benchmark database


def emit(metric: str, value: float, unit: str, target: float | None = None, higher_is_better: bool = False) -> None:
    ok = None if target is None else (value >= target if higher_is_better else value <= target)
    print(
        json.dumps({"metric": metric, "value": round(value, 2), "unit": unit, "target": target, "ok": ok}),
        flush=True,
    )


def setup_django(reuse: bool = False) -> None:
    if not os.environ.get("DATABASE_URL"):
        if not reuse:
            DB_FILE.unlink(missing_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(str(DB_FILE) + suffix).unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{DB_FILE}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("HUEY_IMMEDIATE", "true")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def insert_many(table: str, columns: str, rows: list[tuple], batch: int = 20_000) -> None:
    """Bulk insert in batches. Table and column names come from this script
    and the models only; every value goes through the driver's parameters."""
    from django.db import connection, transaction

    placeholders = ", ".join(["%s"] * len(columns.split(",")))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
    with transaction.atomic(), connection.cursor() as cur:
        for i in range(0, len(rows), batch):
            cur.executemany(sql, rows[i : i + batch])


def generate(n_inspections: int, n_violations: int) -> dict:
    from django.db import connection
    from django.utils import timezone

    from relocation.core.roles import Role
    from relocation.enforcement import services
    from relocation.enforcement.models import EnforcementDomain, Inspection, Measure, Violation
    from relocation.enterprises.models import Enterprise
    from relocation.organisation.models import Programme, Unit, User

    rng = random.Random(2022)
    programme = Programme.objects.create(
        code="bench", name="bench", zone_name="B", city="佛山市", deadline=dt.date(2022, 6, 30)
    )
    codes = [
        "hq",
        "humen",
        "eeb",
        "urban",
        "natres",
        "housing",
        "emergency",
        "fire",
        "market",
        "tax",
        "hrss",
        "police",
        "water",
        "power",
    ]
    units = {
        c: Unit.objects.create(programme=programme, code=c, name=c, kind="department", order=i)
        for i, c in enumerate(codes)
    }
    services.configuration_ensure(actor=None, programme=programme)
    users = []
    for i in range(80):
        u = User(username=f"bench_insp{i}", role=Role.INSPECTOR, unit=units["eeb"], display_name=f"执法员{i}")
        u.set_unusable_password()
        users.append(u)
    User.objects.bulk_create(users)
    users = list(User.objects.filter(username__startswith="bench_insp").order_by("id"))
    teams = []
    for n, domain in enumerate(EnforcementDomain.objects.filter(programme=programme).order_by("order")):
        team = services.team_create(
            actor=None, domain=domain, name=f"{domain.name}组", members=users[n * 10 : n * 10 + 10]
        )
        teams.append(team)
    team_members = {t.pk: [u.pk for u in users[i * 10 : i * 10 + 10]] for i, t in enumerate(teams)}
    enterprises = [
        Enterprise(
            programme=programme,
            name=f"企业{i:05d}",
            credit_code=f"B{i:017d}",
            territorial_unit=units["humen"],
            search_text=f"企业{i:05d}",
        )
        for i in range(2000)
    ]
    Enterprise.objects.bulk_create(enterprises, batch_size=1000)
    ent_ids = list(Enterprise.objects.filter(programme=programme).values_list("id", flat=True))
    domain_of_team = {t.pk: t.domain_id for t in teams}
    basis_of_domain = {}
    for t in teams:
        basis_of_domain[t.domain_id] = t.domain.legal_bases.first().pk

    now = timezone.now()
    today = timezone.localdate()
    t0 = time.perf_counter()
    n_scheduled = max(1, n_inspections // 20)
    n_submitted = n_inspections - n_scheduled
    insp_table = Inspection._meta.db_table
    cols = (
        "programme_id, enterprise_id, team_id, kind, status, scheduled_on, inspected_on, checklist, findings, "
        "representative_name, representative_signed, representative_refused, follow_up_result, submitted_at, "
        "created_at, updated_at, follow_up_of_id"
    )
    rows = []
    team_ids = [t.pk for t in teams]
    for i in range(n_submitted):
        team = team_ids[i % len(team_ids)]
        day = today - dt.timedelta(days=rng.randint(0, 700))
        rows.append(
            (
                programme.pk,
                rng.choice(ent_ids),
                team,
                "routine",
                "submitted",
                None,
                day,
                "{}",
                "现场检查记录",
                "代表",
                True,
                False,
                "",
                now,
                now,
                now,
                None,
            )
        )
    insert_many(insp_table, cols, rows)
    submitted = list(
        Inspection.objects.filter(programme=programme).values_list("id", "enterprise_id", "team_id", "inspected_on")
    )
    m2m = Inspection.inspectors.through._meta.db_table
    pairs = []
    for pk, _e, team, _d in submitted:
        a, b = rng.sample(team_members[team], 2)
        pairs.append((pk, a))
        pairs.append((pk, b))
    insert_many(m2m, "inspection_id, user_id", pairs)
    del pairs
    # Violations on random submitted inspections, one measure each.
    chosen = rng.sample(submitted, min(n_violations, len(submitted)))
    viol_table = Violation._meta.db_table
    insert_many(
        viol_table,
        "programme_id, inspection_id, enterprise_id, domain_id, legal_basis_id, description, found_on, created_at, updated_at",
        [
            (programme.pk, pk, e, domain_of_team[team], basis_of_domain[domain_of_team[team]], "偷排废水", d, now, now)
            for pk, e, team, d in chosen
        ],
    )
    violations = list(
        Violation.objects.filter(programme=programme).values_list("id", "enterprise_id", "inspection__team_id")
    )
    meas_table = Measure._meta.db_table
    mrows = []
    for i, (vid, e, team) in enumerate(violations):
        open_order = i < n_scheduled
        status = "in_force" if open_order else ("closed" if i % 3 else "escalated")
        deadline = today + dt.timedelta(days=rng.randint(-5, 30))
        mrows.append(
            (
                programme.pk,
                vid,
                e,
                team,
                "rectification",
                status,
                1,
                "限期整改",
                10,
                deadline,
                "",
                "",
                now,
                now,
                1,
                None if open_order else now,
            )
        )
    insert_many(
        meas_table,
        "programme_id, violation_id, enterprise_id, team_id, kind, status, level, content, workdays, deadline, decision_number, revoked_reason, created_at, updated_at, version, closed_at",
        mrows,
    )
    del mrows
    open_orders = list(
        Measure.objects.filter(programme=programme, status="in_force").values_list(
            "id", "enterprise_id", "team_id", "deadline"
        )[:n_scheduled]
    )
    insert_many(
        insp_table,
        cols,
        [
            (
                programme.pk,
                e,
                team,
                "follow_up",
                "scheduled",
                deadline,
                None,
                "{}",
                "",
                "",
                False,
                False,
                "",
                None,
                now,
                now,
                mid,
            )
            for mid, e, team, deadline in open_orders
        ],
    )
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    gen_seconds = time.perf_counter() - t0
    return {
        "programme": programme,
        "teams": teams,
        "users": users,
        "team_members": team_members,
        "ent_ids": ent_ids,
        "seconds": gen_seconds,
    }


def p95(samples: list[float]) -> float:
    samples = sorted(samples)
    return samples[max(0, int(round(0.95 * len(samples))) - 1)]


def time_page(client, urls: list[str]) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for url in urls[:3]:  # warm-up
        assert client.get(url).status_code == 200, url
    samples = []
    queries = 0
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, url
        queries = max(queries, len(ctx))
    return samples, queries


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--inspections", type=int, default=500_000)
    parser.add_argument("--violations", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument(
        "--reuse", action="store_true", help="measure again on the database a previous run generated (no generation)"
    )
    args = parser.parse_args()
    setup_django(reuse=args.reuse)
    from django.test import Client
    from django.urls import reverse

    from relocation.enforcement.models import Inspection, Measure, Violation
    from relocation.enterprises.models import Enterprise
    from relocation.organisation.models import Programme, User

    existing = Programme.objects.filter(code="bench").first() if args.reuse else None
    if existing is None:
        data = generate(args.inspections, args.violations)
        emit("enforcement.generate_seconds", data["seconds"], "s")
    else:
        data = {
            "programme": existing,
            "users": list(User.objects.filter(username__startswith="bench_insp").order_by("id")),
            "ent_ids": list(Enterprise.objects.filter(programme=existing).values_list("id", flat=True)),
        }
    programme = data["programme"]
    emit(
        "enforcement.inspections",
        Inspection.objects.filter(programme=programme).count(),
        "rows",
        args.inspections,
        True,
    )
    emit("enforcement.violations", Violation.objects.filter(programme=programme).count(), "rows", args.violations, True)
    emit("enforcement.measures", Measure.objects.filter(programme=programme).count(), "rows")
    emit(
        "enforcement.scheduled_re_inspections",
        Inspection.objects.filter(programme=programme, status="scheduled").count(),
        "rows",
    )

    client = Client()
    member = data["users"][0]
    client.force_login(member)
    # The framework's own cost on this machine right now (login, menu, base
    # template): read the page figures against it.
    samples, _queries = time_page(client, [reverse("home")] * args.requests)
    emit("baseline.home_page_p95", p95(samples), "ms")
    samples, queries = time_page(client, [reverse("enforcement:queue")] * args.requests)
    emit("enforcement.team_queue_p95", p95(samples), "ms", 100)
    emit("enforcement.team_queue_median", statistics.median(samples), "ms")
    emit("enforcement.team_queue_queries", queries, "queries")

    rng = random.Random(7)
    urls = [reverse("enforcement:enterprise_file", args=[rng.choice(data["ent_ids"])]) for _ in range(args.requests)]
    samples, queries = time_page(client, urls)
    emit("enforcement.enterprise_file_p95", p95(samples), "ms", 100)
    emit("enforcement.enterprise_file_median", statistics.median(samples), "ms")
    emit("enforcement.enterprise_file_queries", queries, "queries")


if __name__ == "__main__":
    main()
