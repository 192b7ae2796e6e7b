"""Parks: registration, edits of the park and its lines (factories, treatment
facilities, quotas), progress of construction milestones; the shared status
history of the parks app."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit
from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.roles import is_hq_editor
from relocation.core.workflow import move, save_if_unchanged
from relocation.organisation.models import Programme, Unit
from relocation.parks import selectors, streams, transitions
from relocation.parks.models import (
    BuildStatus,
    EiaMilestone,
    Factory,
    HeavyMetalQuota,
    MilestoneStatus,
    Park,
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
