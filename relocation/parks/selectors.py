"""Reads of the parks app, scoped to the user.

Parks and their capacity are programme-wide information: HQ and every member
unit may read them. Allocation proposals and incentives are HQ business
(group leaders read them too). Procedure items are read by HQ and by the unit
responsible for each item; an enterprise contact reads its own enterprise's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relocation.core.roles import is_enterprise_contact, is_hq, is_staff_member, is_unit_member
from relocation.enterprises import lifecycle_facts
from relocation.enterprises.lifecycle_models import Batch
from relocation.enterprises.models import Enterprise, LifecycleStatus
from relocation.organisation.models import Programme
from relocation.organisation.selectors import programme_for as programme_for
from relocation.parks import streams
from relocation.parks.models import (
    Allocation,
    AllocationStatus,
    BuildStatus,
    EnterpriseDemand,
    Grant,
    GrantStatus,
    Park,
    Policy,
    ProcedureItem,
    ProcedureStatus,
    Proposal,
    Stream,
)

RESOURCES = (streams.FLOOR_AREA, *streams.STREAMS)
# Enterprises that no longer need a park place.
FINISHED = lifecycle_facts.CLOSED | lifecycle_facts.FORCED_CLOSURE_IN_PROGRESS
# Who the optimiser places: enterprises still before their production stop
# (after that, their destination can no longer be confirmed).
OPEN_FOR_ALLOCATION = {
    LifecycleStatus.SURVEYED,
    LifecycleStatus.INTENTION_RECORDED,
    LifecycleStatus.COMMITMENT_SIGNED,
    LifecycleStatus.DESTINATION_CONFIRMED,
}


# ---------------------------------------------------------------- who may read


def can_read_parks(user: Any) -> bool:
    return is_staff_member(user)


def can_read_allocations(user: Any) -> bool:
    return is_hq(user)


def can_read_incentives(user: Any) -> bool:
    return is_hq(user)


def can_read_procedures(user: Any) -> bool:
    return is_staff_member(user) or is_enterprise_contact(user)


# ---------------------------------------------------------------- parks


def parks_for_user(user: Any) -> QuerySet[Park]:
    if not can_read_parks(user):
        return Park.objects.none()
    qs = Park.objects.select_related("town_unit")
    programme = programme_for(user)
    return qs.filter(programme=programme) if programme is not None else qs.none()


def park_for_user(user: Any, pk: int) -> Park:
    return get_object_or_404(
        parks_for_user(user).prefetch_related("factories", "facilities", "metal_quotas", "eia_milestones"), pk=pk
    )


# ---------------------------------------------------------------- demand


def derived_demand(enterprise: Enterprise) -> dict[str, Decimal]:
    """The default rule (streams.py) applied to the ledger's figures."""
    amounts = streams.split_wastewater(enterprise.industry, enterprise.processes or [], enterprise.wastewater_t_per_day)
    return {streams.FLOOR_AREA: Decimal(enterprise.floor_area_m2 or 0), **amounts}


def demand_of(enterprise: Enterprise) -> dict[str, Decimal]:
    """Floor area and t/d per stream: HQ's figures if saved, else derived.
    Prefetch `park_demand` to keep lists at a constant number of queries."""
    try:
        row = enterprise.park_demand
    except EnterpriseDemand.DoesNotExist:
        return derived_demand(enterprise)
    return {streams.FLOOR_AREA: row.floor_area_m2, **row.stream_amounts()}


def preferred_park_ids(enterprise: Enterprise) -> list[int]:
    try:
        row = enterprise.park_demand
    except EnterpriseDemand.DoesNotExist:
        return []
    return [p.pk for p in row.preferred_parks.all()]


def preferred_park_names(enterprise: Enterprise) -> list[str]:
    try:
        row = enterprise.park_demand
    except EnterpriseDemand.DoesNotExist:
        return []
    return [p.name for p in row.preferred_parks.all()]


def demand_enterprises(user: Any) -> QuerySet[Enterprise]:
    """Enterprises that intend to move to a park (the optimiser's population)."""
    if not can_read_parks(user):
        return Enterprise.objects.none()
    programme = programme_for(user)
    return (
        Enterprise.objects.filter(programme=programme, intention="move_to_park")
        .select_related("park_demand")
        .prefetch_related("park_demand__preferred_parks")
        .order_by("name", "id")
    )


# ---------------------------------------------------------------- capacity


@dataclass
class ResourceFigures:
    resource: str
    capacity: Decimal = Decimal(0)
    delivered_by: Decimal = Decimal(0)
    used: Decimal = Decimal(0)
    committed: Decimal = Decimal(0)

    @property
    def free(self) -> Decimal:
        return self.capacity - self.used - self.committed

    @property
    def alarm(self) -> bool:
        """应接尽接: what is committed or occupied must be delivered by the deadline."""
        return self.used + self.committed > self.delivered_by

    @property
    def shortfall(self) -> Decimal:
        return max(self.used + self.committed - self.delivered_by, Decimal(0))

    @property
    def label(self) -> str:
        if self.resource in Stream.values:
            return str(Stream(self.resource).label)
        return str(_("厂房面积"))

    @property
    def unit(self) -> str:
        return "m²" if self.resource == streams.FLOOR_AREA else "t/d"


@dataclass
class ParkCapacity:
    park: Park
    deadline: dt.date
    figures: dict[str, ResourceFigures] = field(default_factory=dict)

    @property
    def alarms(self) -> list[ResourceFigures]:
        return [f for f in self.figures.values() if f.alarm]

    def rows(self) -> list[ResourceFigures]:
        return [self.figures[r] for r in RESOURCES]


def _delivered(status: str, actual: dt.date | None, expected: dt.date | None, deadline: dt.date) -> bool:
    if status == BuildStatus.DELIVERED:
        return actual is None or actual <= deadline
    return expected is not None and expected <= deadline


def capacity_of(parks: list[Park] | QuerySet[Park], *, deadline: dt.date) -> dict[int, ParkCapacity]:
    """Per park and resource: capacity, what will be delivered by `deadline`,
    used (enterprises already relocated there), committed (confirmed
    allocations not yet relocated) and free. Four queries whatever the size."""
    parks = list(parks)
    result = {
        p.pk: ParkCapacity(park=p, deadline=deadline, figures={r: ResourceFigures(r) for r in RESOURCES}) for p in parks
    }
    ids = list(result)
    from relocation.parks.models import Factory, TreatmentFacility

    for f in Factory.objects.filter(park_id__in=ids).only(
        "park_id", "area_m2", "status", "delivered_on", "expected_delivery_on"
    ):
        fig = result[f.park_id].figures[streams.FLOOR_AREA]
        fig.capacity += f.area_m2
        if _delivered(f.status, f.delivered_on, f.expected_delivery_on, deadline):
            fig.delivered_by += f.area_m2
    for t in TreatmentFacility.objects.filter(park_id__in=ids).only(
        "park_id", "stream", "capacity_t_per_day", "status", "commissioned_on", "expected_commission_on"
    ):
        fig = result[t.park_id].figures[t.stream]
        fig.capacity += t.capacity_t_per_day
        if _delivered(t.status, t.commissioned_on, t.expected_commission_on, deadline):
            fig.delivered_by += t.capacity_t_per_day
    confirmed = Allocation.objects.filter(park_id__in=ids, status=AllocationStatus.CONFIRMED).select_related(
        "enterprise", "enterprise__park_demand"
    )
    for a in confirmed:
        if a.enterprise.status in FINISHED:
            continue
        relocated = a.enterprise.status == LifecycleStatus.RELOCATED
        for r, amount in demand_of(a.enterprise).items():
            fig = result[a.park_id].figures[r]
            if relocated:
                fig.used += amount
            else:
                fig.committed += amount
    return result


def batch_deadlines(programme: Programme | None) -> list[tuple[str, dt.date]]:
    """The lifecycle's batches (分批) of the programme with their shutdown
    deadlines, earliest first: the choices of the deadline field."""
    if programme is None:
        return []
    return list(
        Batch.objects.filter(programme=programme).order_by("deadline", "order", "id").values_list("name", "deadline")
    )


def allocation_input(programme: Programme) -> dict[str, Any]:
    """The database's open demand and free capacity in the optimiser's JSON
    format: enterprises intending to move to a park, before their production
    stop, without a confirmed allocation; each park's capacity (planned total)
    less used and committed."""
    parks = list(Park.objects.filter(programme=programme).order_by("code"))
    cap = capacity_of(parks, deadline=programme.deadline)
    park_json = []
    for p in parks:
        figures = cap[p.pk].figures
        park_json.append(
            {
                "id": p.code,
                "name": p.name,
                "industries": list(p.industries),
                "floor_area_m2": float(max(figures[streams.FLOOR_AREA].free, 0)),
                "capacity_t_per_day": {s: float(max(figures[s].free, 0)) for s in streams.STREAMS},
                "lat": p.latitude,
                "lon": p.longitude,
            }
        )
    codes = {p.pk: p.code for p in parks}
    placed = Allocation.objects.filter(status=AllocationStatus.CONFIRMED).values("enterprise_id")
    enterprises = (
        Enterprise.objects.filter(programme=programme, intention="move_to_park")
        .exclude(pk__in=placed)
        .filter(status__in=OPEN_FOR_ALLOCATION)
        .select_related("park_demand")
        .prefetch_related("park_demand__preferred_parks")
        .order_by("id")
    )
    ent_json = []
    for e in enterprises:
        demand = demand_of(e)
        ent_json.append(
            {
                "id": str(e.pk),
                "name": e.name,
                "industry": e.industry,
                "floor_area_m2": float(demand[streams.FLOOR_AREA]),
                "wastewater_t_per_day": {s: float(demand[s]) for s in streams.STREAMS if demand[s] > 0},
                "preferred_parks": [codes[i] for i in preferred_park_ids(e) if i in codes],
                "workers": e.workers_count,
                "lat": e.latitude,
                "lon": e.longitude,
            }
        )
    return {"parks": park_json, "enterprises": ent_json}


# ---------------------------------------------------------------- proposals and allocations


def proposals_for_user(user: Any) -> QuerySet[Proposal]:
    if not can_read_allocations(user):
        return Proposal.objects.none()
    return Proposal.objects.filter(programme=programme_for(user)).select_related("created_by")


def proposal_for_user(user: Any, pk: int) -> Proposal:
    return get_object_or_404(proposals_for_user(user), pk=pk)


def allocations_for_user(user: Any) -> QuerySet[Allocation]:
    if not can_read_allocations(user):
        return Allocation.objects.none()
    return Allocation.objects.filter(park__programme=programme_for(user)).select_related(
        "enterprise", "park", "decided_by"
    )


def confirmed_allocation(enterprise: Enterprise) -> Allocation | None:
    return (
        Allocation.objects.filter(enterprise=enterprise, status=AllocationStatus.CONFIRMED)
        .select_related("park")
        .first()
    )


# ---------------------------------------------------------------- procedures


def procedure_items_for_user(user: Any) -> QuerySet[ProcedureItem]:
    qs = ProcedureItem.objects.select_related("enterprise", "responsible_unit", "allocation__park")
    if is_hq(user):
        return qs.filter(enterprise__programme=programme_for(user))
    if is_unit_member(user) and getattr(user, "unit_id", None):
        return qs.filter(responsible_unit_id=user.unit_id)
    if is_enterprise_contact(user):
        return qs.filter(enterprise__contacts__user=user)
    return qs.none()


def procedure_item_for_user(user: Any, pk: int) -> ProcedureItem:
    return get_object_or_404(procedure_items_for_user(user).prefetch_related("documents"), pk=pk)


def attention_items(qs: QuerySet[ProcedureItem], today: dt.date | None = None) -> QuerySet[ProcedureItem]:
    """Blocked items, and open items past their due date."""
    today = today or timezone.localdate()
    return qs.filter(Q(status=ProcedureStatus.BLOCKED) | (Q(due_on__lt=today) & ~Q(status=ProcedureStatus.DONE)))


# ---------------------------------------------------------------- incentives


def policies_for_user(user: Any) -> QuerySet[Policy]:
    if not can_read_incentives(user):
        return Policy.objects.none()
    return Policy.objects.filter(programme=programme_for(user))


def policy_for_user(user: Any, pk: int) -> Policy:
    return get_object_or_404(policies_for_user(user), pk=pk)


def grants_for_user(user: Any) -> QuerySet[Grant]:
    if not can_read_incentives(user):
        return Grant.objects.none()
    return Grant.objects.filter(policy__programme=programme_for(user)).select_related(
        "policy", "enterprise", "created_by", "approved_by"
    )


def totals_by_policy(policy_ids: list[int]) -> dict[int, dict[str, Decimal]]:
    """Per policy: committed (approved or paid grants), pending approval, paid
    (payments made) and outstanding. Two queries for any number of policies."""
    from relocation.parks.models import Payment

    result = {
        pk: {"committed": Decimal(0), "pending": Decimal(0), "paid": Decimal(0), "outstanding": Decimal(0)}
        for pk in policy_ids
    }
    rows = Grant.objects.filter(policy_id__in=policy_ids).values("policy_id", "status").annotate(s=Sum("amount"))
    for row in rows:
        if row["status"] in (GrantStatus.APPROVED, GrantStatus.PAID):
            result[row["policy_id"]]["committed"] += row["s"] or 0
        elif row["status"] == GrantStatus.PENDING:
            result[row["policy_id"]]["pending"] += row["s"] or 0
    paid = Payment.objects.filter(grant__policy_id__in=policy_ids).values("grant__policy_id").annotate(s=Sum("amount"))
    for row in paid:
        result[row["grant__policy_id"]]["paid"] = row["s"] or Decimal(0)
    for totals in result.values():
        totals["outstanding"] = totals["committed"] - totals["paid"]
    return result


def policy_totals(policy: Policy) -> dict[str, Decimal]:
    return totals_by_policy([policy.pk])[policy.pk]
