"""Demo part of the parks app: Machong, Shatian and Dalang receiving parks,
a confirmed allocation proposal for the enterprises that intend to move to a
park, their procedures at various stages, and one incentive policy with grants.

Everything goes through the services; a second run creates nothing new."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from relocation.core import demo_time
from relocation.core.errors import ServiceError
from relocation.enterprises.models import Enterprise
from relocation.organisation.models import Programme, Unit, User
from relocation.parks import incentives, selectors, services
from relocation.parks.models import Allocation, AllocationStatus, Grant, Park, Policy, ProcedureStatus, Proposal

D = dt.date
MILESTONES = ["规划环评调整启动", "环评报告书编制", "专家技术评审", "省生态环境厅批复"]

PARKS: list[dict[str, Any]] = [
    {
        "code": "machong",
        "name": "麻涌环保专业基地",
        "town": "machong",
        "industries": ["electroplating", "other"],
        "land_area_m2": Decimal("420000"),
        "latitude": 23.0472,
        "longitude": 113.5938,
        "factories": [
            ("M-A1", 12000, "delivered", D(2021, 9, 30), D(2021, 9, 28)),
            ("M-A2", 12000, "delivered", D(2021, 11, 30), D(2021, 12, 6)),
            ("M-B1", 15000, "under_construction", D(2022, 4, 30), None),
            ("M-B2", 15000, "under_construction", D(2022, 6, 15), None),
            ("M-C1", 18000, "planned", D(2022, 10, 31), None),
        ],
        "facilities": [
            ("含氰废水处理线", "cyanide", 50, "delivered", D(2021, 10, 15), D(2021, 10, 20)),
            ("含铬废水处理线", "chromium", 900, "delivered", D(2021, 10, 15), D(2021, 10, 20)),
            ("含镍废水处理线", "nickel", 60, "under_construction", D(2022, 5, 31), None),
            ("综合电镀废水处理站", "general", 2500, "delivered", D(2021, 12, 1), D(2021, 12, 10)),
        ],
        "quotas": {"chromium": 1800, "nickel": 1500, "copper": 2600, "zinc": 4200, "cadmium": 20, "lead": 120},
        "eia": [
            (D(2021, 7, 1), D(2021, 7, 5)),
            (D(2021, 9, 30), D(2021, 10, 18)),
            (D(2021, 12, 15), None),
            (D(2022, 3, 31), None),
        ],
    },
    {
        "code": "shatian",
        "name": "沙田环保产业基地",
        "town": "shatian",
        "industries": ["dyeing", "electroplating", "other"],
        "land_area_m2": Decimal("560000"),
        "latitude": 22.9235,
        "longitude": 113.6152,
        "factories": [
            ("S-01", 20000, "delivered", D(2021, 10, 31), D(2021, 10, 25)),
            ("S-02", 20000, "delivered", D(2022, 1, 15), D(2022, 1, 20)),
            ("S-03", 24000, "under_construction", D(2022, 5, 31), None),
            ("S-04", 24000, "planned", D(2022, 12, 31), None),
        ],
        "facilities": [
            ("印染废水处理厂一期", "dyeing", 6000, "delivered", D(2021, 11, 30), D(2021, 12, 5)),
            ("印染废水处理厂二期", "dyeing", 4000, "under_construction", D(2022, 6, 30), None),
            ("综合电镀废水处理站", "general", 1200, "delivered", D(2022, 1, 31), D(2022, 2, 8)),
            ("含铬废水处理线", "chromium", 400, "under_construction", D(2022, 4, 30), None),
        ],
        "quotas": {"chromium": 600, "nickel": 300, "copper": 900, "zinc": 1600},
        "eia": [
            (D(2021, 6, 20), D(2021, 6, 25)),
            (D(2021, 8, 31), D(2021, 9, 6)),
            (D(2021, 11, 15), D(2021, 11, 30)),
            (D(2022, 1, 31), D(2022, 2, 14)),
        ],
    },
    {
        "code": "dalang",
        "name": "大朗印染环保园",
        "town": "dalang",
        "industries": ["dyeing"],
        "land_area_m2": Decimal("260000"),
        "latitude": 22.9430,
        "longitude": 113.9420,
        "factories": [
            ("D-1", 16000, "delivered", D(2021, 12, 31), D(2021, 12, 28)),
            ("D-2", 16000, "under_construction", D(2022, 7, 31), None),
        ],
        "facilities": [
            ("印染废水处理厂", "dyeing", 3500, "under_construction", D(2022, 5, 15), None),
        ],
        "quotas": {"copper": 200, "zinc": 400},
        "eia": [
            (D(2021, 8, 1), D(2021, 8, 10)),
            (D(2021, 10, 31), None),
            (D(2022, 1, 31), None),
            (D(2022, 4, 30), None),
        ],
    },
]


def _seed_parks(programme: Programme, hq: User) -> int:
    created = 0
    units = {u.code: u for u in Unit.objects.filter(programme=programme)}
    for spec in PARKS:
        if Park.objects.filter(programme=programme, code=spec["code"]).exists():
            continue
        # Registered as they stood in mid-February 2022, before the first proposal.
        with demo_time.on(D(2022, 2, 15)):
            _create_park(programme, hq, units, spec)
        created += 1
    return created


def _create_park(programme: Programme, hq: User, units: dict[str, Unit], spec: dict[str, Any]) -> None:
    services.park_create(
        actor=hq,
        programme=programme,
        code=spec["code"],
        name=spec["name"],
        town_unit=units[spec["town"]],
        industries=spec["industries"],
        land_area_m2=spec["land_area_m2"],
        latitude=spec["latitude"],
        longitude=spec["longitude"],
        factories=[
            {"code": c, "area_m2": Decimal(a), "status": s, "expected_delivery_on": exp, "delivered_on": act}
            for c, a, s, exp, act in spec["factories"]
        ],
        facilities=[
            {
                "name": n,
                "stream": st,
                "capacity_t_per_day": Decimal(cap),
                "status": s,
                "expected_commission_on": exp,
                "commissioned_on": act,
            }
            for n, st, cap, s, exp, act in spec["facilities"]
        ],
        quotas={m: Decimal(kg) for m, kg in spec["quotas"].items()},
        milestones=[
            {
                "name": name,
                "planned_on": planned,
                "actual_on": actual,
                "status": "done"
                if actual
                else (
                    "in_progress"
                    if i == next((k for k, (_p, a) in enumerate(spec["eia"]) if a is None), -1)
                    else "not_started"
                ),
            }
            for i, (name, (planned, actual)) in enumerate(zip(MILESTONES, spec["eia"], strict=True))
        ],
    )


def _seed_preferences(programme: Programme, hq: User) -> None:
    """HQ recorded the preferred park of every third enterprise that wants one."""
    parks = {p.code: p for p in Park.objects.filter(programme=programme)}
    movers = Enterprise.objects.filter(programme=programme, intention="move_to_park").order_by("id")
    for n, e in enumerate(movers):
        if n % 3 or hasattr(e, "park_demand"):
            continue
        wish = "shatian" if e.industry == "dyeing" else "machong"
        values = selectors.derived_demand(e)
        with demo_time.on(D(2021, 9, 1) + dt.timedelta(days=n)):
            services.demand_save(
                actor=hq,
                enterprise=e,
                values={f"{k}_t_per_day" if k != "floor_area_m2" else k: v for k, v in values.items()},
                preferred_parks=[parks[wish]],
            )


def _seed_allocation(programme: Programme, hq: User, commander: User) -> tuple[int, list[str]]:
    if Proposal.objects.filter(programme=programme).exists():
        return 0, []
    with demo_time.on(D(2022, 2, 25)):
        proposal = services.proposal_start(actor=hq, programme=programme, time_limit=20, background=False)
    chosen = list(proposal.allocations.select_related("enterprise", "park").order_by("id"))
    with demo_time.on(D(2022, 3, 1)):
        done, errors = services.allocations_confirm_bulk(actor=commander, allocations=chosen)
    return len(done), errors


def _seed_procedures(programme: Programme, hq: User) -> None:
    """Move the confirmed enterprises' procedures along: the earliest furthest."""
    rng = random.Random(7)
    allocations = (
        Allocation.objects.filter(park__programme=programme, status=AllocationStatus.CONFIRMED)
        .select_related("enterprise")
        .order_by("id")
    )
    for n, allocation in enumerate(allocations):
        items = list(allocation.procedure_items.order_by("order"))
        if any(i.status != ProcedureStatus.NOT_STARTED for i in items):
            continue
        finished = [4, 3, 2, 2, 1, 0][n % 6]
        for item in items[:finished]:
            # Finished a few working days before the due date.
            with demo_time.on(item.due_on - dt.timedelta(days=3), hour=15):
                services.procedure_item_move(actor=hq, item=item, target=ProcedureStatus.DONE, note="已办结")
        if finished < len(items):
            nxt = items[finished]
            with demo_time.on(D(2022, 4, 20) + dt.timedelta(days=n % 10), hour=11):
                if n % 5 == 2:
                    services.procedure_item_move(
                        actor=hq,
                        item=nxt,
                        target=ProcedureStatus.BLOCKED,
                        note=rng.choice(["园区厂房交付延期", "排污许可证迁移材料不全", "消防设计需修改"]),
                    )
                else:
                    services.procedure_item_move(actor=hq, item=nxt, target=ProcedureStatus.IN_PROGRESS)


def _seed_policy(programme: Programme, hq: User, commander: User) -> int:
    if Policy.objects.filter(programme=programme, code="early-move").exists():
        return 0
    with demo_time.on(D(2022, 1, 10)):
        policy = _create_policy(programme, hq)
    return _seed_grants(programme, policy, hq, commander)


def _create_policy(programme: Programme, hq: User) -> Policy:
    return incentives.policy_create(
        actor=hq,
        programme=programme,
        code="early-move",
        name="主动搬迁入园一次性奖励",
        basis="per_m2",
        tiers=[
            {"stopped_by": "2021-12-31", "rate": "300"},
            {"stopped_by": "2022-03-31", "rate": "200"},
            {"stopped_by": "2022-06-30", "rate": "100"},
        ],
        cap_amount=Decimal("1500000"),
        requires_no_open_violations=True,
        requires_closure_verified=False,
    )


def _seed_grants(programme: Programme, policy: Policy, hq: User, commander: User) -> int:
    stops = [D(2021, 11, 20), D(2021, 12, 28), D(2022, 2, 15), D(2022, 3, 30), D(2022, 5, 20), D(2022, 6, 18)]
    candidates = (
        Enterprise.objects.filter(programme=programme, park_allocations__status=AllocationStatus.CONFIRMED)
        .filter(is_repeat_offender=False)
        .order_by("id")[:6]
    )
    n = 0
    for enterprise, stopped in zip(candidates, stops, strict=False):
        try:
            grant = incentives.grant_create(
                actor=hq,
                policy=policy,
                enterprise=enterprise,
                production_stopped_on=stopped,
                stop_override_reason="停产早于平台启用，依据镇街停产核查笔录补录",
            )
        except ServiceError:
            continue
        n += 1
        if n <= 4:
            incentives.grant_decide(actor=commander, grant=grant, approve=True)
        if n <= 2:
            grant.refresh_from_db()
            incentives.payment_record(
                actor=commander,
                grant=grant,
                amount=grant.amount,
                paid_on=D(2022, 4, 15 + n),
                voucher_no=f"HM2022-{n:04d}",
            )
    return n


def seed(*, scale: str, out: Any) -> None:
    programme = Programme.objects.get(code="humen-zone-b")
    hq = User.objects.get(username="hq")
    commander = User.objects.get(username="commander")
    parks = _seed_parks(programme, hq)
    _seed_preferences(programme, hq)
    confirmed, errors = _seed_allocation(programme, hq, commander)
    _seed_procedures(programme, hq)
    grants = _seed_policy(programme, hq, commander)
    out.write(
        f"  parks: {parks} created; allocations confirmed: {confirmed} ({len(errors)} refused); grants: {grants}"
        f" (of {Grant.objects.filter(policy__programme=programme).count()})"
    )
