"""Writes on parks, demand, allocation proposals and relocation procedures.

Pages, the API, the command line, the background job and the demo seeder all
go through these functions. Incentives live in incentives.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit
from relocation.core.errors import ConflictError, PermissionDeniedError, ServiceError
from relocation.core.roles import is_hq_editor
from relocation.core.uploads import store_upload
from relocation.core.workdays import add_workdays
from relocation.core.workflow import move, save_if_unchanged
from relocation.enterprises.models import Enterprise
from relocation.organisation.functions import UnitFunction
from relocation.organisation.models import Programme, Unit
from relocation.parks import allocation as optimiser
from relocation.parks import lifecycle_port, selectors, streams, transitions
from relocation.parks.models import (
    Allocation,
    AllocationStatus,
    BuildStatus,
    EiaMilestone,
    EnterpriseDemand,
    Factory,
    HeavyMetalQuota,
    MilestoneStatus,
    Park,
    ProcedureDocument,
    ProcedureItem,
    ProcedureKind,
    ProcedureStatus,
    Proposal,
    ProposalStatus,
    StatusChange,
    TreatmentFacility,
)


def _require_hq_editor(actor: Any, message: str) -> None:
    if actor is not None and not is_hq_editor(actor):
        raise PermissionDeniedError(message)


def history_record(subject_type: str, subject_id: int, old: str, new: str, actor: Any, reason: str = "") -> None:
    StatusChange.objects.create(
        subject_type=subject_type,
        subject_id=subject_id,
        from_status=old,
        to_status=new,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        reason=reason,
    )


# ---------------------------------------------------------------- parks


def park_create(
    *,
    actor: Any,
    programme: Programme,
    code: str,
    name: str,
    town_unit: Unit,
    industries: list[str],
    land_area_m2: Decimal,
    latitude: float | None = None,
    longitude: float | None = None,
    factories: Iterable[dict[str, Any]] = (),
    facilities: Iterable[dict[str, Any]] = (),
    quotas: dict[str, Decimal] | None = None,
    milestones: Iterable[dict[str, Any]] = (),
    notes: str = "",
) -> Park:
    """Register a receiving park with its factory units, treatment lines,
    heavy-metal quotas and planning-EIA milestones, all or nothing."""
    _require_hq_editor(actor, _("只有指挥部可以登记承接园区。"))
    code = (code or "").strip()
    if not code:
        raise ServiceError(_("请填写园区代码。"), code="code")
    clean = _clean_park_values(
        programme,
        {
            "name": name,
            "town_unit": town_unit,
            "industries": industries,
            "land_area_m2": land_area_m2,
            "latitude": latitude,
            "longitude": longitude,
        },
    )
    if Park.objects.filter(programme=programme, code=code).exists():
        raise ServiceError(_("园区代码 %(code)s 已存在。") % {"code": code}, code="code")
    with transaction.atomic():
        park = Park.objects.create(programme=programme, code=code, notes=notes, **clean)
        _save_lines(actor=actor, park=park, model=Factory, fields=FACTORY_FIELDS, rows=factories)
        _save_lines(actor=actor, park=park, model=TreatmentFacility, fields=FACILITY_FIELDS, rows=facilities)
        for metal, kg in (quotas or {}).items():
            HeavyMetalQuota.objects.create(park=park, metal=metal, kg_per_year=kg)
        for n, m in enumerate(milestones):
            EiaMilestone.objects.create(park=park, order=n, **m)
        audit.record(
            actor=actor,
            action="park.created",
            obj=park,
            summary=_("登记承接园区：%(name)s") % {"name": park.name},
            changes=audit.snapshot(park),
        )
    return park


# The park's own fields HQ edits; the code is its identity in proposals and
# the optimiser's files, so it is fixed once registered.
PARK_FIELDS = ["name", "town_unit", "industries", "land_area_m2", "latitude", "longitude", "notes"]
FACTORY_FIELDS = ["code", "area_m2", "expected_delivery_on", "delivered_on"]
FACILITY_FIELDS = ["name", "stream", "capacity_t_per_day", "expected_commission_on", "commissioned_on"]


def _clean_park_values(programme: Programme, values: dict[str, Any]) -> dict[str, Any]:
    from relocation.enterprises.models import Industry

    clean = {k: values[k] for k in PARK_FIELDS if k in values}
    if "name" in clean:
        clean["name"] = str(clean["name"] or "").strip()
        if not clean["name"]:
            raise ServiceError(_("请填写园区名称。"), code="name")
    if "town_unit" in clean and clean["town_unit"].programme_id != programme.pk:
        raise ServiceError(_("所在镇不属于本项目。"), code="town_unit")
    if "industries" in clean:
        industries = list(dict.fromkeys(clean["industries"] or []))
        if not industries or any(i not in Industry.values for i in industries):
            raise ServiceError(_("请选择承接行业。"), code="industries")
        clean["industries"] = industries
    if "land_area_m2" in clean and Decimal(clean["land_area_m2"] or 0) < 0:
        raise ServiceError(_("用地面积不能为负数。"), code="land_area_m2")
    for name, limit in (("latitude", 90), ("longitude", 180)):
        if clean.get(name) is not None and not -limit <= float(clean[name]) <= limit:
            raise ServiceError(_("坐标超出范围。"), code=name)
    return clean


def _check_capacity_covers_commitments(park: Park) -> None:
    """A park may not shrink below what is already used or committed to
    enterprises whose allocation is confirmed."""
    cap = selectors.capacity_of([park], deadline=park.programme.deadline)[park.pk]
    for fig in cap.rows():
        taken = fig.used + fig.committed
        if taken > fig.capacity:
            raise ServiceError(
                _("%(what)s总量 %(cap)s %(unit)s，少于已确认承接的 %(taken)s %(unit)s，不能保存。")
                % {"what": fig.label, "cap": fig.capacity, "unit": fig.unit, "taken": taken},
                code="capacity",
            )


def _save_lines(
    *,
    actor: Any,
    park: Park,
    model: type[Factory] | type[TreatmentFacility],
    fields: list[str],
    rows: Iterable[dict[str, Any]],
) -> dict[str, Any]:
    """Create or edit the park's factory units or treatment lines. A row with
    an `id` edits that line (keys it leaves out keep their value); its status
    moves only forward, through the BUILD table, with a history row.
    Returns the audit changes."""
    is_factory = model is Factory
    size_field = "area_m2" if is_factory else "capacity_t_per_day"
    actual_field = "delivered_on" if is_factory else "commissioned_on"
    existing = {obj.pk: obj for obj in model.objects.select_for_update().filter(park=park)}
    changes: dict[str, Any] = {}
    for row in rows:
        obj = None
        if row.get("id"):
            obj = existing.get(int(row["id"]))
            if obj is None:
                raise ServiceError(_("该园区没有这条记录，请刷新页面。"), code="id")
        values = {f: row[f] if f in row else getattr(obj, f, None) for f in fields}
        status = row.get("status") or (obj.status if obj is not None else BuildStatus.PLANNED)
        if status not in BuildStatus.values:
            raise ServiceError(_("建设状态不正确。"), code="status")
        if values[size_field] is None or Decimal(values[size_field]) <= 0:
            raise ServiceError(_("厂房面积必须大于零。") if is_factory else _("处理能力必须大于零。"), code=size_field)
        if not is_factory and values["stream"] not in streams.STREAMS:
            raise ServiceError(_("请选择废水类别。"), code="stream")
        label = str(values["code"] if is_factory else values["name"] or "").strip()
        if not label:
            raise ServiceError(_("请填写厂房编号。") if is_factory else _("请填写设施名称。"))
        duplicate = is_factory and model.objects.filter(park=park, code=label).exclude(pk=getattr(obj, "pk", None))
        if duplicate and duplicate.exists():
            raise ServiceError(_("厂房编号 %(code)s 已存在。") % {"code": label}, code="code")
        if obj is None:
            obj = model.objects.create(park=park, status=status, **values)
            history_record(model._meta.model_name, obj.pk, "", status, actor, _("园区资料编辑"))
            changes[f"{model._meta.model_name}:{label}"] = [None, audit.snapshot(obj, [*fields, "status"])]
            continue
        if status == BuildStatus.DELIVERED and obj.status != status and not values[actual_field]:
            # Same rule as the progress report: a delivery has its date.
            raise ServiceError(_("请填写实际交付（投运）日期。"), code=actual_field)
        before = audit.snapshot(obj, [*fields, "status"])
        for k, v in values.items():
            setattr(obj, k, v)
        obj.save(update_fields=[*fields, "updated_at"])
        if status != obj.status:
            old = move(obj, field="status", target=status, allowed=transitions.BUILD, labels=BuildStatus)
            history_record(model._meta.model_name, obj.pk, old, status, actor, _("园区资料编辑"))
        diff = audit.diff(before, audit.snapshot(obj, [*fields, "status"]))
        if diff:
            changes[f"{model._meta.model_name}:{label}"] = diff
    return changes


def park_update(
    *,
    actor: Any,
    park: Park,
    expected_version: int,
    values: dict[str, Any],
    factories: Iterable[dict[str, Any]] = (),
    facilities: Iterable[dict[str, Any]] = (),
    quotas: dict[str, Decimal | None] | None = None,
) -> Park:
    """HQ edits a park: its own fields (town, name, industries, land, position,
    notes), its factory units and treatment lines (capacity per resource and
    wastewater stream, build status forward only) and its heavy-metal quotas
    (None removes one). All or nothing; refused when someone saved the park
    since the user loaded `expected_version`, and when the new capacity would
    fall below what confirmed allocations already use or hold."""
    _require_hq_editor(actor, _("只有指挥部可以修改承接园区。"))
    clean = _clean_park_values(park.programme, values)
    with transaction.atomic():
        # Work on a fresh row so a refused edit leaves the caller's object as it was.
        park = Park.objects.select_related("programme").get(pk=park.pk)
        before = audit.snapshot(park, PARK_FIELDS)
        for k, v in clean.items():
            setattr(park, k, v)
        save_if_unchanged(park, expected_version=expected_version, fields=PARK_FIELDS)
        changes = audit.diff(before, audit.snapshot(park, PARK_FIELDS))
        changes.update(_save_lines(actor=actor, park=park, model=Factory, fields=FACTORY_FIELDS, rows=factories))
        changes.update(
            _save_lines(actor=actor, park=park, model=TreatmentFacility, fields=FACILITY_FIELDS, rows=facilities)
        )
        for metal, kg in (quotas or {}).items():
            old = HeavyMetalQuota.objects.filter(park=park, metal=metal).first()
            old_kg = str(old.kg_per_year) if old else None
            if kg is None or kg == "":
                if old is not None:
                    old.delete()
                    changes[f"quota:{metal}"] = [old_kg, None]
                continue
            kg = Decimal(kg)
            if kg < 0:
                raise ServiceError(_("重金属总量指标不能为负数。"), code=f"quota_{metal}")
            if old is None:
                HeavyMetalQuota.objects.create(park=park, metal=metal, kg_per_year=kg)
            elif old.kg_per_year != kg:
                HeavyMetalQuota.objects.filter(pk=old.pk).update(kg_per_year=kg, updated_at=timezone.now())
            if old_kg is None or Decimal(old_kg) != kg:
                changes[f"quota:{metal}"] = [old_kg, str(kg)]
        _check_capacity_covers_commitments(park)
        if changes:
            audit.record(
                actor=actor,
                action="park.updated",
                obj=park,
                summary=_("修改承接园区：%(name)s") % {"name": park.name},
                changes=changes,
            )
    park.refresh_from_db()
    return park


def can_update_park(actor: Any, park: Park) -> bool:
    """HQ, or the receiving town's own people, report a park's progress."""
    return is_hq_editor(actor) or (
        getattr(actor, "unit_id", None) is not None
        and actor.unit_id == park.town_unit_id
        and getattr(actor, "role", "") in {"unit_leader", "unit_liaison"}
    )


def _progress(
    *, actor: Any, obj: Factory | TreatmentFacility, target: str, actual: dt.date | None, expected: dt.date | None
) -> None:
    park = obj.park
    if not can_update_park(actor, park):
        raise PermissionDeniedError(_("只有指挥部或园区所在镇可以更新园区建设进度。"))
    actual_field, expected_field = (
        ("delivered_on", "expected_delivery_on")
        if isinstance(obj, Factory)
        else ("commissioned_on", "expected_commission_on")
    )
    if target == BuildStatus.DELIVERED and actual is None:
        raise ServiceError(_("请填写实际交付（投运）日期。"), code=actual_field)
    with transaction.atomic():
        before = audit.snapshot(obj, ["status", actual_field, expected_field])
        extra: dict[str, Any] = {}
        if expected is not None:
            extra[expected_field] = expected
        if target == BuildStatus.DELIVERED:
            extra[actual_field] = actual
        if target != obj.status:
            move(obj, field="status", target=target, allowed=transitions.BUILD, labels=BuildStatus, extra=extra)
            history_record(obj._meta.model_name, obj.pk, before["status"], target, actor)
        elif extra:
            type(obj).objects.filter(pk=obj.pk).update(**extra, updated_at=timezone.now())
            for k, v in extra.items():
                setattr(obj, k, v)
        changes = audit.diff(before, audit.snapshot(obj, ["status", actual_field, expected_field]))
        if changes:
            audit.record(
                actor=actor,
                action=f"park.{obj._meta.model_name}_updated",
                obj=obj,
                summary=_("更新园区建设进度：%(obj)s（%(status)s）") % {"obj": obj, "status": obj.get_status_display()},
                changes=changes,
            )


def factory_update(
    *,
    actor: Any,
    factory: Factory,
    status: str,
    delivered_on: dt.date | None = None,
    expected_on: dt.date | None = None,
) -> Factory:
    """Report a factory unit's progress (planned → under construction → delivered)."""
    _progress(actor=actor, obj=factory, target=status, actual=delivered_on, expected=expected_on)
    return factory


def facility_update(
    *,
    actor: Any,
    facility: TreatmentFacility,
    status: str,
    commissioned_on: dt.date | None = None,
    expected_on: dt.date | None = None,
) -> TreatmentFacility:
    """Report a treatment line's progress (planned → under construction → commissioned)."""
    _progress(actor=actor, obj=facility, target=status, actual=commissioned_on, expected=expected_on)
    return facility


def milestone_update(
    *, actor: Any, milestone: EiaMilestone, status: str, actual_on: dt.date | None = None
) -> EiaMilestone:
    """Report a planning-EIA adjustment step; done needs its actual date."""
    if not can_update_park(actor, milestone.park):
        raise PermissionDeniedError(_("只有指挥部或园区所在镇可以更新规划环评进度。"))
    if status == MilestoneStatus.DONE and actual_on is None:
        raise ServiceError(_("请填写实际完成日期。"), code="actual_on")
    with transaction.atomic():
        old = milestone.status
        if status != old:
            move(
                milestone,
                field="status",
                target=status,
                allowed=transitions.MILESTONE,
                labels=MilestoneStatus,
                extra={"actual_on": actual_on if status == MilestoneStatus.DONE else None},
            )
            history_record("eiamilestone", milestone.pk, old, status, actor)
            audit.record(
                actor=actor,
                action="park.milestone_updated",
                obj=milestone,
                summary=_("规划环评调整：%(obj)s（%(status)s）")
                % {"obj": milestone, "status": milestone.get_status_display()},
                changes={"status": [old, status], "actual_on": [None, actual_on.isoformat() if actual_on else None]},
            )
    return milestone


# ---------------------------------------------------------------- demand

DEMAND_FIELDS = [*(f"{s}_t_per_day" for s in streams.STREAMS), "floor_area_m2"]


def demand_save(
    *,
    actor: Any,
    enterprise: Enterprise,
    values: dict[str, Decimal],
    preferred_parks: Iterable[Park] = (),
    expected_version: int | None = None,
) -> EnterpriseDemand:
    """HQ sets an enterprise's park demand (t/d per stream, floor area,
    preferred parks). Replaces the derived figures; refused if someone saved
    the row after the user read it."""
    _require_hq_editor(actor, _("只有指挥部可以修改入园需求。"))
    clean = {}
    for name in DEMAND_FIELDS:
        value = Decimal(values.get(name) or 0)
        if value < 0:
            raise ServiceError(_("%(field)s 不能为负数。") % {"field": name}, code=name)
        clean[name] = value
    preferred = list(preferred_parks)
    if any(p.programme_id != enterprise.programme_id for p in preferred):
        raise ServiceError(_("意向园区不属于本项目。"), code="preferred_parks")
    with transaction.atomic():
        row = EnterpriseDemand.objects.select_for_update().filter(enterprise=enterprise).first()
        if row is None:
            row = EnterpriseDemand.objects.create(enterprise=enterprise, is_derived=False, **clean)
            before: dict[str, Any] = {}
        else:
            before = audit.snapshot(row, DEMAND_FIELDS)
            for k, v in clean.items():
                setattr(row, k, v)
            row.is_derived = False
            save_if_unchanged(
                row, expected_version=expected_version or row.version, fields=[*DEMAND_FIELDS, "is_derived"]
            )
        old_preferred = sorted(p.code for p in row.preferred_parks.all())
        row.preferred_parks.set(preferred)
        changes = (
            audit.diff(before, audit.snapshot(row, DEMAND_FIELDS)) if before else audit.snapshot(row, DEMAND_FIELDS)
        )
        new_preferred = sorted(p.code for p in preferred)
        if new_preferred != old_preferred:
            changes["preferred_parks"] = [old_preferred, new_preferred]
        audit.record(
            actor=actor,
            action="park_demand.saved",
            obj=row,
            enterprise_id=enterprise.pk,
            summary=_("修改入园需求：%(name)s") % {"name": enterprise.name},
            changes=changes,
        )
    return row


# ---------------------------------------------------------------- proposals


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


# ---------------------------------------------------------------- procedures

# core.uploads purpose of procedure documents (its download check is in apps.py).
DOCUMENT_PURPOSE = "parks.procedure"

# (kind, function of the unit responsible (None = the park's town), working days after confirmation)
PROCEDURE_PLAN: list[tuple[str, str | None, int]] = [
    (ProcedureKind.LEASE, None, 10),
    (ProcedureKind.CONSTRUCTION_PERMIT, UnitFunction.HOUSING, 30),
    (ProcedureKind.EIA, UnitFunction.ENVIRONMENT, 40),
    (ProcedureKind.DISCHARGE_PERMIT_TRANSFER, UnitFunction.ENVIRONMENT, 60),
    (ProcedureKind.FIRE_ACCEPTANCE, UnitFunction.FIRE, 70),
    (ProcedureKind.UTILITY_CONNECTION, UnitFunction.POWER_SUPPLY, 75),
    (ProcedureKind.TRIAL_PRODUCTION, None, 90),
    (ProcedureKind.ACCEPTANCE, UnitFunction.ENVIRONMENT, 110),
]


def procedures_create(*, actor: Any, allocation: Allocation, start: dt.date | None = None) -> list[ProcedureItem]:
    """The checklist of an enterprise moving to its confirmed park, with a
    task for each responsible unit. Idempotent: existing items are kept."""
    from relocation.supervision.models import TaskSource
    from relocation.supervision.services import task_create

    start = start or timezone.localdate()
    park = allocation.park
    from relocation.organisation.selectors import unit_with_function

    by_function = {f: unit_with_function(park.programme_id, f) for _k, f, _d in PROCEDURE_PLAN if f is not None}
    existing = {i.kind: i for i in ProcedureItem.objects.filter(enterprise_id=allocation.enterprise_id)}
    items = []
    with transaction.atomic():
        for order, (kind, function, days) in enumerate(PROCEDURE_PLAN):
            item = existing.get(kind)
            if item is None:
                item = ProcedureItem.objects.create(
                    enterprise_id=allocation.enterprise_id,
                    allocation=allocation,
                    kind=kind,
                    order=order,
                    responsible_unit=(by_function.get(function) if function else None) or park.town_unit,
                    due_on=add_workdays(start, days),
                )
                task = task_create(
                    actor=actor,
                    title=_("%(name)s：%(kind)s（%(park)s）")
                    % {"name": allocation.enterprise.name, "kind": item.get_kind_display(), "park": park.name},
                    lead_unit=item.responsible_unit,
                    deadline=item.due_on,
                    source=TaskSource.PROCEDURE,
                    subject=item,
                    enterprise_id=allocation.enterprise_id,
                    dedupe_key=f"procedure:{allocation.enterprise_id}:{kind}",
                )
                item.task_id = task.pk
                item.save(update_fields=["task_id", "updated_at"])
            items.append(item)
        if len(existing) < len(PROCEDURE_PLAN):
            audit.record(
                actor=actor,
                action="procedures.created",
                obj=allocation,
                enterprise_id=allocation.enterprise_id,
                summary=_("生成搬迁手续清单（%(park)s，%(n)s 项）") % {"park": park.name, "n": len(PROCEDURE_PLAN)},
            )
    return items


def can_work_on_item(actor: Any, item: ProcedureItem) -> bool:
    return is_hq_editor(actor) or (
        getattr(actor, "unit_id", None) is not None
        and actor.unit_id == item.responsible_unit_id
        and getattr(actor, "role", "") in {"unit_leader", "unit_liaison", "inspector"}
    )


def procedure_item_move(*, actor: Any, item: ProcedureItem, target: str, note: str = "") -> ProcedureItem:
    """Move a procedure item (start, block with a reason, finish, reopen).
    HQ or the responsible unit only."""
    if not can_work_on_item(actor, item):
        raise PermissionDeniedError(_("只有指挥部或责任单位可以办理该事项。"))
    if target == ProcedureStatus.BLOCKED and not note.strip():
        raise ServiceError(_("请说明受阻原因。"), code="note")
    with transaction.atomic():
        extra: dict[str, Any] = {"completed_on": timezone.localdate() if target == ProcedureStatus.DONE else None}
        if note.strip():
            extra["note"] = note.strip()
        old = move(
            item, field="status", target=target, allowed=transitions.PROCEDURE, labels=ProcedureStatus, extra=extra
        )
        history_record("procedure_item", item.pk, old, target, actor, note)
        audit.record(
            actor=actor,
            action="procedure.moved",
            obj=item,
            enterprise_id=item.enterprise_id,
            summary=_("搬迁手续“%(kind)s”：%(old)s → %(new)s")
            % {
                "kind": item.get_kind_display(),
                "old": ProcedureStatus(old).label,
                "new": ProcedureStatus(target).label,
            },
            changes={"status": [old, target]},
        )
    return item


def procedure_document_add(
    *, actor: Any, item: ProcedureItem, uploaded_file: Any, title: str = ""
) -> ProcedureDocument:
    """Attach a document (PDF or image; type, size and hash checked by core.uploads)."""
    if not can_work_on_item(actor, item):
        raise PermissionDeniedError(_("只有指挥部或责任单位可以上传该事项的材料。"))
    with transaction.atomic():
        stored = store_upload(
            actor=actor,
            uploaded_file=uploaded_file,
            kinds={"pdf", "jpeg", "png"},
            enterprise_id=item.enterprise_id,
            purpose=DOCUMENT_PURPOSE,
        )
        doc = ProcedureDocument.objects.create(
            item=item, file=stored, title=(title or getattr(uploaded_file, "name", ""))[:200], uploaded_by=actor
        )
        audit.record(
            actor=actor,
            action="procedure.document_added",
            obj=item,
            enterprise_id=item.enterprise_id,
            summary=_("上传搬迁手续材料：%(kind)s · %(title)s") % {"kind": item.get_kind_display(), "title": doc.title},
        )
    return doc
