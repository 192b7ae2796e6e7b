"""Demo part of joint enforcement: the eight domains and their teams, three
joint operations with inspections, violations in every domain, and
rectification orders at every stage (in force, overdue and escalated, closed
after a re-inspection, failed), decisions pending approval, approved and
revoked, and one repeat offender.

Everything goes through the services; dates are relative to today so the
queue always has something due. A second run finds the inspections in place
and creates nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from relocation.core import demo_time
from relocation.core.roles import Role
from relocation.enforcement import services
from relocation.enforcement.models import (
    EnforcementDomain,
    EnforcementTeam,
    Inspection,
    InspectionStatus,
    Measure,
    MeasureKind,
)
from relocation.enterprises.models import Enterprise
from relocation.organisation.models import Programme, Unit, User

DEMO_PASSWORD = "Demo@2022"
# Two inspectors per lead unit (the environment bureau's are the demo logins).
INSPECTOR_NAMES = {
    "eeb": None,
    "urban": ("城管执法队员甲", "城管执法队员乙"),
    "emergency": ("应急执法员甲", "应急执法员乙"),
    "fire": ("消防监督员甲", "消防监督员乙"),
    "market": ("市场监管员甲", "市场监管员乙"),
    "tax": ("税务稽查员甲", "税务稽查员乙"),
    "hrss": ("劳动监察员甲", "劳动监察员乙"),
    "police": ("治安民警甲", "治安民警乙"),
}
FINDINGS = {
    "ecology_environment": "车间西侧发现暗管，电镀废水未经处理直排河涌",
    "illegal_construction": "厂区东侧新搭建铁皮棚约 300 平方米，未取得规划许可",
    "work_safety": "酸洗槽区域无防护栏，有限空间作业未审批",
    "fire_safety": "消防通道堆放原料桶，部分灭火器过期",
    "lawful_business": "营业执照经营范围不含电镀，超范围经营",
    "tax": "近三个月未按期申报增值税",
    "labour": "拖欠 23 名工人两个月工资，未签订劳动合同",
    "toxic_chemicals": "氰化钠未实行双人双锁保管，使用台账缺失",
}


def _inspectors(programme: Programme) -> dict[str, list[User]]:
    from relocation.organisation.services import user_create

    result: dict[str, list[User]] = {}
    for code, names in INSPECTOR_NAMES.items():
        unit = Unit.objects.filter(programme=programme, code=code).first()
        if unit is None:
            continue
        if names is None:
            result[code] = list(User.objects.filter(username__in=["inspector", "inspector2"]).order_by("username"))
            continue
        users = []
        for i, name in enumerate(names, start=1):
            username = f"{code}_inspector{i}"
            user = User.objects.filter(username=username).first() or user_create(
                actor=None, username=username, password=DEMO_PASSWORD, role=Role.INSPECTOR, unit=unit, display_name=name
            )
            users.append(user)
        result[code] = users
    return result


def _teams(programme: Programme, hq: User) -> dict[str, EnforcementTeam]:
    people = _inspectors(programme)
    teams: dict[str, EnforcementTeam] = {}
    for domain in EnforcementDomain.objects.filter(programme=programme).select_related("lead_unit"):
        name = f"{domain.name}专项执法组"
        team = EnforcementTeam.objects.filter(programme=programme, name=name).first()
        if team is None and domain.lead_unit is not None:
            team = services.team_create(
                actor=hq, domain=domain, name=name, members=people.get(domain.lead_unit.code, [])
            )
        if team is not None:
            teams[domain.code] = team
    return teams


def _inspect(
    team: EnforcementTeam, enterprise: Enterprise, day: dt.date, operation: Any = None, **extra: Any
) -> Inspection:
    members = list(team.members.all()[:2])
    items = list(team.domain.checklist_items.all()[:3])
    return services.inspection_record(
        actor=members[0],
        enterprise=enterprise,
        team=team,
        inspectors=members,
        inspected_on=day,
        checklist={str(i.pk): ("problem" if n == 0 else "ok") for n, i in enumerate(items)},
        findings=FINDINGS[team.domain.code],
        representative_name="现场负责人",
        representative_signed=True,
        operation=operation,
        **extra,
    )


def _violation(team: EnforcementTeam, inspection: Inspection) -> Any:
    return services.violation_record(
        actor=team.members.first(),
        inspection=inspection,
        domain=team.domain,
        legal_basis=team.domain.legal_bases.first(),
        description=FINDINGS[team.domain.code],
    )


def seed(*, scale: str, out: Any) -> None:
    programme = Programme.objects.filter(code="humen-zone-b").first()
    if programme is None:
        out.write("  enforcement: no programme, skipped\n")
        return
    hq = User.objects.get(username="hq")
    today = timezone.localdate()
    start = today - dt.timedelta(days=240)  # the enforcement phase (autumn 2021 on the demo clock)
    with demo_time.on(start - dt.timedelta(days=14)):
        services.configuration_ensure(actor=hq, programme=programme)
        teams = _teams(programme, hq)
    if Inspection.objects.filter(programme=programme).exists():
        out.write("  enforcement: already there\n")
        return
    enterprises = list(Enterprise.objects.filter(programme=programme).order_by("id")[:40])
    if len(enterprises) < 24 or len(teams) < 8:
        out.write("  enforcement: not enough enterprises or teams, skipped\n")
        return
    codes = list(teams)
    with transaction.atomic():
        operations = []
        for i, (name, offset) in enumerate(
            [("第一轮联合执法行动", 0), ("第二轮联合执法行动", 60), ("第三轮联合执法行动（回头看）", 120)]
        ):
            with demo_time.on(start + dt.timedelta(days=offset - 7)):
                operations.append(
                    services.operation_create(
                        actor=hq,
                        programme=programme,
                        name=name,
                        planned_on=start + dt.timedelta(days=offset),
                        targets=enterprises[i * 8 : i * 8 + 8],
                        teams=[teams[c] for c in codes[i * 3 : i * 3 + 3]] or [teams[codes[0]]],
                        notes="市镇联动，八个领域同步检查",
                    )
                )
        # Violations in every domain, each with a rectification order.
        orders = []
        for n, code in enumerate(codes):
            team = teams[code]
            op = operations[min(n // 3, 2)]
            day = op.planned_on + dt.timedelta(days=n % 3)
            with demo_time.on(day):
                inspection = _inspect(team, enterprises[n], day, operation=op)
                violation = _violation(team, inspection)
                order = services.measure_issue(
                    actor=team.members.first(),
                    violation=violation,
                    kind=MeasureKind.RECTIFICATION,
                    workdays=10,
                    content="限期改正：" + FINDINGS[code][:20],
                    today=day,
                )
            orders.append((team, order))
        # Closed after a re-inspection (销号), and failed re-inspections (escalated).
        for n, (team, order) in enumerate(orders[:5]):
            follow_up = Inspection.objects.get(follow_up_of=order, status=InspectionStatus.SCHEDULED)
            with demo_time.on(order.deadline, hour=15):
                _inspect(
                    team,
                    order.enterprise,
                    order.deadline,
                    follow_up=follow_up,
                    follow_up_result="fixed" if n < 3 else "not_fixed",
                )
        # Decisions: approved fine, suspension, sealing, ban and a supply cut; one revoked; one pending.
        eeb = teams["ecology_environment"]
        a, b = list(eeb.members.all()[:2])
        for i, (kind, amount) in enumerate(
            [
                (MeasureKind.FINE, Decimal("100000")),
                (MeasureKind.SUSPENSION, None),
                (MeasureKind.SEALING, None),
                (MeasureKind.BAN, None),
                (MeasureKind.UTILITY_CUT, None),
                (MeasureKind.FINE, Decimal("50000")),
                (MeasureKind.FINE, Decimal("20000")),
            ]
        ):
            day = today - dt.timedelta(days=40 - i)
            with demo_time.on(day):
                inspection = _inspect(eeb, enterprises[20 + i], day)
                measure = services.measure_issue(
                    actor=a, violation=_violation(eeb, inspection), kind=kind, amount=amount, content="依法处理"
                )
            with demo_time.on(day + dt.timedelta(days=1)):
                if i < 6:
                    services.measure_approve(actor=b, measure=measure)
                if i == 5:
                    services.measure_revoke(actor=b, measure=measure, reason="当事人已提交新证据，经复核撤销")
        # A repeat offender: a holdout (钉子户) caught three times within the
        # window, proposed for forced closure.
        everyone = list(Enterprise.objects.filter(programme=programme).order_by("id")[:80])
        offender = everyone[72] if len(everyone) > 72 else enterprises[39]
        for days in (45, 30, 20):
            day = today - dt.timedelta(days=days)
            with demo_time.on(day):
                _violation(eeb, _inspect(eeb, offender, day))
        # Fresh orders still in force, due in the coming days (in the team queues).
        for n in range(8):
            team = teams[codes[n % len(codes)]]
            day = today - dt.timedelta(days=3)
            with demo_time.on(day):
                inspection = _inspect(team, enterprises[10 + n], day, operation=operations[2])
                services.measure_issue(
                    actor=team.members.first(),
                    violation=_violation(team, inspection),
                    kind=MeasureKind.RECTIFICATION,
                    workdays=5 + n,
                    content="限期改正",
                    today=day,
                )
        with demo_time.on(operations[0].planned_on + dt.timedelta(days=1), hour=18):
            services.operation_complete(actor=hq, operation=operations[0])
    # The late orders escalate as the quarter-hourly job would have, each on the
    # day after its deadline, up the ladder.
    escalated = 0
    for _ in range(40):
        due = (
            Measure.objects.filter(
                programme=programme, kind=MeasureKind.RECTIFICATION, status="in_force", deadline__lt=today
            )
            .order_by("deadline")
            .first()
        )
        if due is None:
            break
        day = due.deadline + dt.timedelta(days=1)
        with demo_time.on(day, hour=9):
            escalated += services.escalate_overdue(today=day)
        # The teams approve the fines the ladder proposes; stronger rungs stay pending.
        with demo_time.on(day, hour=15):
            for fine in Measure.objects.filter(
                programme=programme, kind=MeasureKind.FINE, status="pending_approval", escalated_from__isnull=False
            ).select_related("team"):
                services.measure_approve(actor=fine.team.members.order_by("-username").first(), measure=fine)
    out.write(
        f"  enforcement: {Inspection.objects.filter(programme=programme).count()} inspections, "
        f"{len(teams)} teams, {escalated} overdue orders escalated\n"
    )
