"""Demo part of the leases app: leases of collective property to Zone B
enterprises at every point of their ending (one disputed, one whose deposit
is past its refund date, one refunded in part, one with a failed clearance
check), and two in the second programme. A lease's stage follows its
tenant's: an enterprise whose closure is verified has its lease cleared or
closed (the closure guard would otherwise have refused the verification).

The community's liaison gets a login here (`community_liaison`): the plan
gives the clearance check to the community and no other demo account may make
it. Goes through the services on the days the steps would have happened; a
lease that exists already is left as it is, so a second run creates nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from relocation.core.demo_time import on
from relocation.core.roles import Role
from relocation.enterprises.lifecycle_facts import CLOSURE_CONFIRMED, PRE_CLOSURE
from relocation.enterprises.models import Enterprise, EnterpriseContact, LifecycleStatus
from relocation.leases import services
from relocation.leases.models import LandlordKind, Lease
from relocation.organisation.functions import UnitFunction
from relocation.organisation.models import Person, Programme, User
from relocation.organisation.selectors import unit_with_function

COMMUNITY_LOGIN = "community_liaison"
REASON = "因基地全面关停搬迁，出租方决定租期届满后不再续租，并提前终止租赁关系。"
# (landlord kind, landlord, monthly rent, deposit, where it ends)
PLAN = [
    ("notice_overdue", LandlordKind.VILLAGE_GROUP, "第三村民小组", 28000, 56000),
    ("closed", LandlordKind.COMMUNITY_COLLECTIVE, "社区股份经济联合社", 42000, 84000),
    ("closed_partial", LandlordKind.VILLAGE_GROUP, "第五村民小组", 18500, 37000),
    ("cleared", LandlordKind.COMMUNITY_COLLECTIVE, "社区股份经济联合社", 36000, 72000),
    ("refunded_failed_check", LandlordKind.VILLAGE_GROUP, "第一村民小组", 22000, 44000),
    ("active_disputed", LandlordKind.VILLAGE_GROUP, "第二村民小组", 15000, 30000),
    ("active", LandlordKind.COMMUNITY_COLLECTIVE, "社区股份经济联合社", 26000, 52000),
]
DONE_STAGES = {"closed", "closed_partial", "cleared"}


def _community_login(unit: Any) -> User:
    from relocation.organisation.demo import DEMO_PASSWORD, LIAISONS
    from relocation.organisation.services import user_create

    user = User.objects.filter(username=COMMUNITY_LOGIN).first()
    if user is not None:
        return user
    name = LIAISONS.get(unit.code, "社区联络员")
    user = user_create(
        actor=None,
        username=COMMUNITY_LOGIN,
        password=DEMO_PASSWORD,
        role=Role.UNIT_LIAISON,
        unit=unit,
        display_name=name,
        email=f"{COMMUNITY_LOGIN}@demo.invalid",
    )
    Person.objects.filter(unit=unit, name=name, user__isnull=True).update(user=user)
    return user


def _walk(lease: Lease, end: str, *, community: User, town: User, today: dt.date) -> None:
    """Take the lease from active to `end`, each step on its day."""
    if end.startswith("active"):
        if end == "active_disputed":
            with on(today - dt.timedelta(days=6)):
                services.dispute_open(
                    actor=community,
                    lease=lease,
                    description="村小组要求企业按原合同补足剩余租期租金，企业以政府关停为由拒绝，双方在厂门口发生争执",
                )
        return
    # The overdue notice went out long ago; the others in order before today.
    issued = today - dt.timedelta(days=75 if end == "notice_overdue" else 120)
    with on(issued):
        services.notice_issue(
            actor=community,
            lease=lease,
            vacate_by=issued + dt.timedelta(days=30),
            refund_due_on=issued + dt.timedelta(days=45),
            reason=REASON,
        )
    if end == "notice_overdue":
        return
    lease.refresh_from_db()
    day = issued + dt.timedelta(days=40)
    with on(day):
        if end == "closed_partial":
            services.deposit_refund_record(
                actor=community,
                lease=lease,
                amount=lease.deposit - Decimal("6500"),
                refunded_on=timezone.localdate(),
                withheld_reason="扣除欠缴的 2 个月水电费及损坏卷闸门维修费共 6,500 元",
            )
        else:
            services.deposit_refund_record(
                actor=community, lease=lease, amount=lease.deposit, refunded_on=timezone.localdate()
            )
    with on(day + dt.timedelta(days=5)):
        services.clearance_check_record(
            actor=community,
            lease=lease,
            checked_on=timezone.localdate(),
            premises_vacated=True,
            equipment_removed=end != "refunded_failed_check",
            keys_returned=end != "refunded_failed_check",
            note="车间电镀槽、行车尚未拆除，钥匙未交回"
            if end == "refunded_failed_check"
            else "物业已腾空，设备已清走，钥匙已交回",
        )
    if end in ("closed", "closed_partial"):
        with on(day + dt.timedelta(days=9)):
            services.lease_close(actor=town, lease=lease, note="清租退场完成，档案归档")


def _register(
    n: int, prefix: str, enterprise: Enterprise, unit: Any, actor: User, spec: tuple, today: dt.date
) -> Lease:
    _end, kind, landlord, rent, deposit = spec
    with on(today - dt.timedelta(days=200)):
        return services.lease_register(
            actor=actor,
            enterprise=enterprise,
            community_unit=unit,
            number=f"{prefix}-{n:03d}",
            landlord_kind=kind,
            landlord_name=f"{unit.name}{landlord}",
            address=f"{enterprise.address or unit.name}（集体物业厂房{n}栋）",
            area_m2=Decimal(1200 + 350 * n),
            starts_on=dt.date(2018, 1, 1) + dt.timedelta(days=90 * n),
            ends_on=dt.date(2023, 12, 31),
            monthly_rent=Decimal(rent),
            deposit=Decimal(deposit),
        )


def _zone_b(programme: Programme, out: Any) -> int:
    unit = unit_with_function(programme, UnitFunction.COMMUNITY)
    if unit is None:
        return 0
    community = _community_login(unit)
    today = timezone.localdate()
    enterprises = Enterprise.objects.filter(programme=programme, territorial_unit__isnull=False).order_by("id")
    done = list(enterprises.filter(status__in=CLOSURE_CONFIRMED))
    stopped = list(enterprises.filter(status=LifecycleStatus.PRODUCTION_STOPPED))
    early = list(enterprises.filter(status__in=PRE_CLOSURE))
    contact = EnterpriseContact.objects.filter(user__username="enterprise").select_related("enterprise").first()
    used: set[int] = set()
    created = 0
    for n, spec in enumerate(PLAN, start=1):
        end = spec[0]
        pool = (
            done if end in DONE_STAGES else (stopped if end in ("notice_overdue", "refunded_failed_check") else early)
        )
        if n == 1 and contact is not None and contact.enterprise.status not in CLOSURE_CONFIRMED:
            pool = [contact.enterprise]  # the demo enterprise login sees its own notice
        enterprise = next((e for e in pool if e.pk not in used), None) or next(
            (e for e in early + stopped if e.pk not in used), None
        )
        if enterprise is None:
            continue
        used.add(enterprise.pk)
        if Lease.objects.filter(programme=programme, number=f"ZB-{n:03d}").exists():
            continue
        town = User.objects.filter(unit_id=enterprise.territorial_unit_id, role=Role.UNIT_LIAISON).order_by(
            "id"
        ).first() or User.objects.get(username="hq")
        if end in DONE_STAGES and enterprise.status not in CLOSURE_CONFIRMED:
            end = "active"  # no verified closure left: an ordinary running lease
        lease = _register(n, "ZB", enterprise, unit, community, (end, *spec[1:]), today)
        _walk(lease, end, community=community, town=town, today=today)
        created += 1
    return created


def _second(out: Any) -> int:
    programme = Programme.objects.filter(code="jianghai-lingang").first()
    if programme is None:
        return 0
    unit = unit_with_function(programme, UnitFunction.COMMUNITY)
    hq = User.objects.filter(username="jh_hq").first()
    town = User.objects.filter(username="jh_liaison").first()
    enterprises = list(Enterprise.objects.filter(programme=programme).order_by("id")[:2])
    if unit is None or hq is None or town is None or len(enterprises) < 2:
        return 0
    created = 0
    for n, (enterprise, spec) in enumerate(zip(enterprises, [PLAN[6], PLAN[0]], strict=True), start=1):
        if Lease.objects.filter(programme=programme, number=f"LG-{n:03d}").exists():
            continue
        today = timezone.localdate()
        lease = _register(n, "LG", enterprise, unit, hq, spec, today)
        if n == 2:
            services.notice_issue(
                actor=town,
                lease=lease,
                vacate_by=today + dt.timedelta(days=30),
                refund_due_on=today + dt.timedelta(days=45),
                reason=REASON,
            )
        created += 1
    return created


def seed(*, scale: str, out: Any) -> None:
    programme = Programme.objects.filter(code="humen-zone-b").first()
    if programme is None:
        out.write("  leases: no demo programme, skipped\n")
        return
    zone_b = _zone_b(programme, out)
    second = _second(out)
    out.write(f"  leases: {zone_b} + {second} leases created ({Lease.objects.count()} in all)\n")
