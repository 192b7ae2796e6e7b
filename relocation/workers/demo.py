"""Demo part of the workers app: rosters for six Zone B enterprises (the demo
enterprise contact's among them), wage-arrears and deposit cases in every
state, placement outcomes and three placement activities.

Everything goes through the services, dated with core.demo_time; a second run
creates nothing new (the rosters are keyed by ID number)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from relocation.core import demo_time, id_number
from relocation.enterprises.demo import CITY_PREFIX
from relocation.enterprises.models import Enterprise, LifecycleStatus
from relocation.organisation.models import Programme, User
from relocation.workers import services
from relocation.workers.models import CaseStatus, LabourCase, PlacementActivity, PlacementOutcome, Worker

D = dt.date
SURNAMES = "陈李黄张王刘吴林何罗梁郑谢周叶"
GIVEN = ["建华", "小燕", "志强", "海英", "国平", "秀兰", "伟明", "丽娟", "永红", "德胜", "春梅", "文军"]
JOBS = ["电镀工", "挂件工", "化验员", "质检员", "仓管员", "叉车司机", "染色工", "机修工"]
# Birth places of the migrant workforce: Guangdong, Guangxi, Hunan, Sichuan, Jiangxi.
REGIONS = ["441900", "450100", "430100", "510100", "360100"]
ENTERPRISES = 6
ROSTER_SIZE = 10
# Enterprises whose closure is already verified or finished cannot have unresolved cases.
CLOSED_STATES = {LifecycleStatus.CLOSURE_VERIFIED, LifecycleStatus.RELOCATED, LifecycleStatus.CLOSED}


def demo_id_number(rng: random.Random) -> str:
    birth = D(1965, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 38))
    body = f"{rng.choice(REGIONS)}{birth:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return body + id_number.check_character(body)


def _rosters(enterprises: list[Enterprise], hq: User) -> dict[int, list[Worker]]:
    rosters: dict[int, list[Worker]] = {}
    for n, enterprise in enumerate(enterprises):
        rng = random.Random(7000 + n)
        existing = {w.id_number_index: w for w in Worker.objects.filter(enterprise=enterprise)}
        workers = []
        for i in range(ROSTER_SIZE):
            data = {
                "name": rng.choice(SURNAMES) + rng.choice(GIVEN),
                "id_number": demo_id_number(rng),
                "phone": f"13{rng.randrange(0, 10)}{rng.randrange(0, 10**8):08d}",
                "bank_account": f"6222{rng.randrange(0, 10**15):015d}",
                "job": rng.choice(JOBS),
                "hired_on": D(2012, 1, 1) + dt.timedelta(days=rng.randrange(0, 3000)),
                "monthly_wage": Decimal(4200 + rng.randrange(0, 30) * 100),
            }
            from relocation.core import crypto

            current = existing.get(crypto.blind_index(data["id_number"]))
            if current is not None:
                workers.append(current)
                continue
            with demo_time.on(D(2021, 9, 6) + dt.timedelta(days=n), hour=9 + i % 6):
                workers.append(services.worker_create(actor=hq, enterprise=enterprise, data=data))
        rosters[enterprise.pk] = workers
    return rosters


def _placements(rosters: dict[int, list[Worker]], liaison: User) -> int:
    """About half of each roster placed, one left, a few in training."""
    plan = [
        (PlacementOutcome.MOVES_WITH_ENTERPRISE, ""),
        (PlacementOutcome.REEMPLOYED, "东莞市长安精密五金有限公司"),
        (PlacementOutcome.MOVES_WITH_ENTERPRISE, ""),
        (PlacementOutcome.TRAINING, ""),
        (PlacementOutcome.REEMPLOYED, "虎门港物流园"),
        (PlacementOutcome.RETIRED, ""),
        (PlacementOutcome.SELF_EMPLOYED, ""),
    ]
    done = 0
    for n, workers in enumerate(rosters.values()):
        for i, worker in enumerate(workers):
            if worker.placement_outcome != PlacementOutcome.NOT_PLACED or worker.status != "employed":
                continue
            if i == ROSTER_SIZE - 1:
                with demo_time.on(D(2021, 12, 1) + dt.timedelta(days=n)):
                    services.worker_leave(actor=liaison, worker=worker, reason="自行离职返乡")
                continue
            # The first enterprises are furthest along; the last ones have placed few.
            if i >= len(plan) - n:
                continue
            outcome, employer = plan[i]
            day = D(2022, 3, 1) + dt.timedelta(days=7 * n + i)
            with demo_time.on(day):
                services.placement_record(actor=liaison, worker=worker, outcome=outcome, employer=employer)
            done += 1
    return done


def _cases(enterprises: list[Enterprise], rosters: dict[int, list[Worker]], liaison: User, hq: User) -> int:
    if LabourCase.objects.filter(enterprise__in=enterprises).exists():
        return 0
    open_ok = [e for e in enterprises if e.status not in CLOSED_STATES] or enterprises
    others = [e for e in enterprises if e not in open_ok[:3]] or enterprises
    specs = [
        # (enterprise, kind, final state, workers, months, summary)
        (open_ok[0], "wage_arrears", CaseStatus.REPORTED, 3, 2, "工人反映停产后两个月工资未发放"),
        (open_ok[min(1, len(open_ok) - 1)], "wage_arrears", CaseStatus.VERIFIED, 4, 1, "企业拖欠3月份工资，已核实"),
        (open_ok[min(2, len(open_ok) - 1)], "deposit_dispute", CaseStatus.MEDIATING, 5, 0, "工人入职押金未退还"),
        (others[0], "wage_arrears", CaseStatus.PAID, 4, 2, "停产前拖欠工资，经调解已结清"),
        (others[min(1, len(others) - 1)], "wage_arrears", CaseStatus.ESCALATED, 6, 3, "老板失联，拖欠三个月工资"),
        (others[min(2, len(others) - 1)], "deposit_dispute", CaseStatus.PAID, 3, 0, "宿舍押金退还纠纷"),
    ]
    path = {
        CaseStatus.REPORTED: [],
        CaseStatus.VERIFIED: [CaseStatus.VERIFIED],
        CaseStatus.MEDIATING: [CaseStatus.VERIFIED, CaseStatus.MEDIATING],
        CaseStatus.PAID: [CaseStatus.VERIFIED, CaseStatus.MEDIATING],
        CaseStatus.ESCALATED: [CaseStatus.VERIFIED, CaseStatus.ESCALATED],
    }
    reasons = {
        CaseStatus.VERIFIED: "核对工资表和考勤记录，情况属实",
        CaseStatus.MEDIATING: "人社部门会同属地镇街组织调解",
        CaseStatus.ESCALATED: "企业法定代表人失联，移送劳动保障监察立案",
    }
    for k, (enterprise, kind, final, count, months, summary) in enumerate(specs):
        workers = rosters[enterprise.pk][:count]
        day = D(2022, 3, 8) + dt.timedelta(days=9 * k)
        lines = [
            {
                "worker": w,
                "months": months,
                "amount": (w.monthly_wage * months) if months else Decimal(500 + 100 * (i % 3)),
            }
            for i, w in enumerate(workers)
        ]
        with demo_time.on(day):
            case = services.case_report(
                actor=liaison, enterprise=enterprise, kind=kind, summary=summary, lines=lines, reporter_name="工人代表"
            )
        for step, target in enumerate(path[final], start=1):
            with demo_time.on(day + dt.timedelta(days=3 * step)):
                services.case_transition(
                    actor=liaison,
                    case=case,
                    target=target,
                    reason=reasons[target],
                    escalated_to="labour_inspection" if target == CaseStatus.ESCALATED else "",
                )
        if final == CaseStatus.PAID:
            half = (case.total_owed / 2).quantize(Decimal("0.01"))
            for step, amount in enumerate([half, case.total_owed - half], start=1):
                with demo_time.on(day + dt.timedelta(days=10 + 5 * step)):
                    services.payment_record(
                        actor=liaison,
                        case=case,
                        amount=amount,
                        paid_on=day + dt.timedelta(days=10 + 5 * step),
                        payer=enterprise.name,
                        note="分期支付" if step == 1 else "余款结清",
                    )
        elif final == CaseStatus.MEDIATING:
            with demo_time.on(day + dt.timedelta(days=12)):
                services.payment_record(
                    actor=liaison,
                    case=case,
                    amount=Decimal(1000),
                    paid_on=day + dt.timedelta(days=12),
                    payer=enterprise.name,
                    note="首期退还",
                )
    return len(specs)


def _activities(
    programme: Programme, enterprises: list[Enterprise], rosters: dict[int, list[Worker]], liaison: User
) -> int:
    if PlacementActivity.objects.filter(programme=programme).exists():
        return 0
    everyone = [w for ws in rosters.values() for w in ws]
    specs = [
        ("job_fair", "虎门镇电镀印染企业转岗就业专场招聘会", D(2022, 3, 12), None, 38, 620, everyone[::4]),
        (
            "referral",
            "向麻涌环保专业基地入园企业推荐技术工人",
            D(2022, 4, 2),
            enterprises[0],
            5,
            40,
            rosters[enterprises[0].pk][:3],
        ),
        ("training", "电镀工转岗职业技能培训班（第一期）", D(2022, 4, 18), None, 0, 0, everyone[3::10]),
    ]
    for kind, title, day, enterprise, employers, jobs, workers in specs:
        with demo_time.on(day):
            services.activity_record(
                actor=liaison,
                programme=programme,
                kind=kind,
                title=title,
                held_on=day,
                enterprise=enterprise,
                employers=employers,
                jobs_offered=jobs,
                workers=workers,
            )
    return len(specs)


# The city's published average monthly wage of the previous year (demo figure).
DEMO_AVERAGE_WAGE = Decimal("7800")


def _severance_cases(enterprises: list[Enterprise], rosters: dict[int, list[Worker]], liaison: User) -> int:
    """Two severance cases (one settled, one open) and one social-insurance
    case, on roster members the wage cases leave out. Created once."""
    if LabourCase.objects.filter(enterprise__in=enterprises, kind__in=["severance", "social_insurance"]).exists():
        return 0
    closing = [e for e in enterprises if e.status in CLOSED_STATES] or enterprises
    # Unresolved cases only where the closure is not yet verified (the guard would refuse it).
    open_ok = [e for e in enterprises if e.status not in CLOSED_STATES] or enterprises
    specs = [
        (closing[0], "severance", CaseStatus.PAID, "企业关停解除劳动合同，依法支付经济补偿金"),
        (open_ok[-1], "severance", CaseStatus.MEDIATING, "停产后解除劳动合同，经济补偿金未支付"),
        (
            enterprises[min(1, len(enterprises) - 1)],
            "social_insurance",
            CaseStatus.VERIFIED,
            "停产前欠缴三个月社会保险费",
        ),
    ]
    for k, (enterprise, kind, final, summary) in enumerate(specs):
        workers = rosters[enterprise.pk][6:9]
        # Early enough that the settled case's payment (+10 days) lies before the demo's today (16 May).
        day = D(2022, 4, 11) + dt.timedelta(days=7 * k)
        lines = [
            {"worker": w, "months": 3, "amount": (w.monthly_wage * Decimal("0.3")).quantize(Decimal("1"))}
            for w in workers
        ]
        with demo_time.on(day):
            case = services.case_report(
                actor=liaison,
                enterprise=enterprise,
                kind=kind,
                summary=summary,
                lines=lines,
                reporter_name="工人代表",
                separation_on=D(2022, 3, 31) if kind == "severance" else None,
                average_wage=DEMO_AVERAGE_WAGE if kind == "severance" else None,
            )
            services.case_transition(
                actor=liaison, case=case, target=CaseStatus.VERIFIED, reason="核对劳动合同和工资表"
            )
            if final in {CaseStatus.MEDIATING, CaseStatus.PAID}:
                services.case_transition(
                    actor=liaison, case=case, target=CaseStatus.MEDIATING, reason="人社部门组织调解"
                )
        if final == CaseStatus.PAID:
            with demo_time.on(day + dt.timedelta(days=10)):
                services.payment_record(
                    actor=liaison,
                    case=case,
                    amount=case.total_owed,
                    paid_on=day + dt.timedelta(days=10),
                    payer=enterprise.name,
                    note="经济补偿金一次性支付",
                )
    return len(specs)


def seed(*, scale: str, out: Any) -> None:
    programme = Programme.objects.get(code="humen-zone-b")
    hq = User.objects.get(username="hq")
    liaison = User.objects.get(username="hrss_liaison")
    enterprises = list(
        Enterprise.objects.filter(programme=programme, credit_code__startswith="91441900")
        .exclude(credit_code__startswith=CITY_PREFIX)
        .order_by("id")[:ENTERPRISES]
    )
    rosters = _rosters(enterprises, hq)
    placed = _placements(rosters, liaison)
    cases = _cases(enterprises, rosters, liaison, hq)
    cases += _severance_cases(enterprises, rosters, liaison)
    activities = _activities(programme, enterprises, rosters, liaison)
    out.write(
        f"  workers: {sum(len(w) for w in rosters.values())} on {len(rosters)} rosters; "
        f"placements recorded: {placed}; cases: {cases}; activities: {activities}"
    )
