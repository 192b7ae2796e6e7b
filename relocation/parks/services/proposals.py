"""Allocation proposals (the optimiser's run) and the allocations HQ confirms
or rejects; confirming one moves the enterprise's lifecycle."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit
from relocation.core.errors import ConflictError, ServiceError
from relocation.core.workflow import move
from relocation.organisation.models import Programme
from relocation.parks import allocation as optimiser
from relocation.parks import lifecycle_port, selectors, transitions
from relocation.parks.models import (
    Allocation,
    AllocationStatus,
    Park,
    Proposal,
    ProposalStatus,
)
from relocation.parks.services.parks import _require_hq_editor, history_record
from relocation.parks.services.procedures import procedures_create


def proposal_start(*, actor: Any, programme: Programme, time_limit: float = 60.0, background: bool = True) -> Proposal:
    """Queue a run of the optimiser on the database (huey job; `background=False`
    runs it at once, for the demo seeder). Proposes only: nothing is allocated
    until a person confirms."""
    _require_hq_editor(actor, _("只有指挥部可以运行分配测算。"))
    time_limit = min(max(float(time_limit), 1.0), 600.0)
    with transaction.atomic():
        proposal = Proposal.objects.create(
            programme=programme, created_by=actor, params={"time_limit": time_limit, "mip_rel_gap": 0.001}
        )
        audit.record(
            actor=actor,
            action="proposal.started",
            obj=proposal,
            summary=_("发起园区分配测算 #%(id)s") % {"id": proposal.pk},
        )

        def enqueue() -> None:
            from relocation.parks.tasks import run_proposal

            run_proposal(proposal.pk)

        if background:
            transaction.on_commit(enqueue)
    if not background:
        proposal = proposal_execute(proposal.pk)
    return proposal


def proposal_execute(proposal_id: int) -> Proposal:
    """The job: solve on the database's open demand, store the result and one
    proposed Allocation per assignment. A failure is recorded on the proposal."""
    proposal = Proposal.objects.select_related("programme").get(pk=proposal_id)
    if proposal.status != ProposalStatus.RUNNING:
        return proposal
    try:
        data = selectors.allocation_input(proposal.programme)
        result = optimiser.solve(
            data,
            time_limit=proposal.params.get("time_limit", 60.0),
            mip_rel_gap=proposal.params.get("mip_rel_gap", 0.001),
        )
    except Exception as exc:  # noqa: BLE001 - any failure must end the run visibly, not leave it "running"
        Proposal.objects.filter(pk=proposal.pk, status=ProposalStatus.RUNNING).update(
            status=ProposalStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        proposal.refresh_from_db()
        return proposal
    names = {e["id"]: e["name"] for e in data["enterprises"]}
    park_names = {p["id"]: p["name"] for p in data["parks"]}
    for u in result["unplaced"]:
        u["name"] = names.get(u["enterprise"], u["enterprise"])
    parks = {p.code: p for p in Park.objects.filter(programme=proposal.programme)}
    with transaction.atomic():
        for a in result["assignments"]:
            reason = _("意向园区") if a["preferred"] else _("按容量与通勤距离测算")
            Allocation.objects.create(
                proposal=proposal,
                enterprise_id=int(a["enterprise"]),
                park=parks[a["park"]],
                reason=f"{reason}（{park_names[a['park']]}，{a['distance_km']} km）",
                is_preferred=a["preferred"],
                distance_km=Decimal(str(a["distance_km"])),
            )
        move(
            proposal,
            field="status",
            target=ProposalStatus.DONE,
            allowed={ProposalStatus.RUNNING: {ProposalStatus.DONE}},
            labels=ProposalStatus,
            extra={"result": result, "finished_at": timezone.now()},
        )
        audit.record(
            actor=proposal.created_by,
            action="proposal.done",
            obj=proposal,
            summary=_("园区分配测算 #%(id)s 完成：安置 %(placed)s 家，未安置 %(unplaced)s 家")
            % {"id": proposal.pk, "placed": len(result["assignments"]), "unplaced": len(result["unplaced"])},
        )
    return proposal


# ---------------------------------------------------------------- allocations


def _check_room(allocation: Allocation) -> None:
    demand = selectors.demand_of(allocation.enterprise)
    cap = selectors.capacity_of([allocation.park], deadline=allocation.park.programme.deadline)[allocation.park.pk]
    for resource, needed in demand.items():
        fig = cap.figures[resource]
        if needed > 0 and needed > fig.free:
            raise ServiceError(
                _("%(park)s %(what)s剩余 %(free)s %(unit)s，%(name)s 需 %(need)s %(unit)s，不能确认。")
                % {
                    "park": allocation.park.name,
                    "what": fig.label,
                    "free": fig.free.quantize(Decimal("0.01")),
                    "unit": fig.unit,
                    "name": allocation.enterprise.name,
                    "need": needed,
                },
                code="capacity",
            )


def transitions_check_move(current: str) -> None:
    from relocation.core.workflow import check_move

    check_move(transitions.ALLOCATION, current, AllocationStatus.CONFIRMED, AllocationStatus)


def allocation_confirm(
    *, actor: Any, allocation: Allocation, reason: str = "", start: dt.date | None = None
) -> Allocation:
    """HQ confirms one proposed allocation: the park's capacity is committed,
    the enterprise's destination is recorded in its lifecycle and its
    relocation procedures are created. Confirmations of the same park are
    serialised by locking the park row, so two people cannot overbook it."""
    _require_hq_editor(actor, _("只有指挥部可以确认园区分配。"))
    with transaction.atomic():
        Park.objects.select_for_update().filter(pk=allocation.park_id).first()
        allocation = Allocation.objects.select_related("enterprise", "park", "park__programme").get(pk=allocation.pk)
        transitions_check_move(allocation.status)
        if Allocation.objects.filter(enterprise=allocation.enterprise, status=AllocationStatus.CONFIRMED).exists():
            raise ConflictError(
                _("%(name)s 已有确认的承接园区。") % {"name": allocation.enterprise.name}, code="already_allocated"
            )
        _check_room(allocation)
        move(
            allocation,
            field="status",
            target=AllocationStatus.CONFIRMED,
            allowed=transitions.ALLOCATION,
            labels=AllocationStatus,
            extra={"decided_by": actor, "decided_at": timezone.now()},
        )
        history_record(
            "allocation", allocation.pk, AllocationStatus.PROPOSED, AllocationStatus.CONFIRMED, actor, reason
        )
        lifecycle_port.destination_confirm(
            actor=actor,
            enterprise=allocation.enterprise,
            park=allocation.park,
            reason=reason or _("指挥部确认园区分配：%(park)s") % {"park": allocation.park.name},
        )
        audit.record(
            actor=actor,
            action="allocation.confirmed",
            obj=allocation,
            enterprise_id=allocation.enterprise_id,
            summary=_("确认承接园区：%(name)s → %(park)s")
            % {"name": allocation.enterprise.name, "park": allocation.park.name},
            changes={
                "status": [AllocationStatus.PROPOSED, AllocationStatus.CONFIRMED],
                "park": [None, allocation.park.code],
            },
        )
        procedures_create(actor=actor, allocation=allocation, start=start)
    return allocation


def allocation_reject(*, actor: Any, allocation: Allocation, reason: str) -> Allocation:
    """HQ turns a proposed allocation down (with a reason)."""
    _require_hq_editor(actor, _("只有指挥部可以否决园区分配。"))
    if not reason.strip():
        raise ServiceError(_("请填写否决理由。"), code="reason")
    with transaction.atomic():
        move(
            allocation,
            field="status",
            target=AllocationStatus.REJECTED,
            allowed=transitions.ALLOCATION,
            labels=AllocationStatus,
            extra={"decided_by": actor, "decided_at": timezone.now()},
        )
        history_record("allocation", allocation.pk, AllocationStatus.PROPOSED, AllocationStatus.REJECTED, actor, reason)
        audit.record(
            actor=actor,
            action="allocation.rejected",
            obj=allocation,
            enterprise_id=allocation.enterprise_id,
            summary=_("否决园区分配：%(name)s → %(park)s（%(reason)s）")
            % {"name": allocation.enterprise.name, "park": allocation.park.name, "reason": reason},
        )
    return allocation


def allocations_confirm_bulk(
    *, actor: Any, allocations: Iterable[Allocation], reason: str = "", start: dt.date | None = None
) -> tuple[list[Allocation], list[str]]:
    """Confirm several; each in its own transaction, so one refusal (no room
    left, already allocated) does not undo the others. Returns (confirmed, errors)."""
    _require_hq_editor(actor, _("只有指挥部可以确认园区分配。"))
    done, errors = [], []
    for allocation in allocations:
        try:
            done.append(allocation_confirm(actor=actor, allocation=allocation, reason=reason, start=start))
        except ServiceError as exc:
            errors.append(f"{allocation.enterprise.name}：{exc.message}")
    return done, errors
