"""Writes on the ledger. The web form, the API, the Excel import and the demo
seeder all go through these functions, so one rule has one home."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from relocation.core import audit, credit_code
from relocation.core.crypto import blind_index
from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.roles import is_hq_editor
from relocation.core.workflow import save_if_unchanged
from relocation.enterprises import production
from relocation.enterprises.models import Enterprise, Intention, Visit
from relocation.enterprises.selectors import can_edit_enterprise
from relocation.organisation.models import Programme

# Fields a person may edit on the ledger (the lifecycle status moves only by transitions).
EDITABLE_FIELDS = [
    "name",
    "credit_code",
    "legal_representative",
    "contact_person",
    "contact_phone",
    "address",
    "territorial_unit",
    "latitude",
    "longitude",
    "parcel",
    "industry",
    "processes",
    "capital_background",
    "is_key_polluter",
    "workers_count",
    "floor_area_m2",
    "wastewater_t_per_day",
    "discharge_permit_no",
    "permit_expires_on",
    "property_owner_type",
    "lease_ends_on",
    "production_status",
    "notes",
]


def _clean_credit_code(value: str) -> str:
    code = credit_code.normalise(value)
    reason = credit_code.problem(code)
    if reason:
        raise ServiceError(reason, code="credit_code")
    return code


def _check_unique_code(programme: Programme, code: str, exclude_pk: int | None = None) -> None:
    qs = Enterprise.objects.filter(programme=programme, credit_code=code)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    other = qs.first()
    if other is not None:
        raise ServiceError(
            _("统一社会信用代码 %(code)s 已被“%(name)s”使用。") % {"code": code, "name": other.name}, code="duplicate"
        )


_FIELDS = {name: Enterprise._meta.get_field(name) for name in EDITABLE_FIELDS}
_PERSONAL = frozenset(name for name, field in _FIELDS.items() if getattr(field, "personal_data", False))
_ALL_FIELDS = [f.name for f in Enterprise._meta.fields]


def _audit_value(name: str, value: Any) -> Any:
    """A value as the audit log stores it (same shapes as audit.snapshot, but
    cheap enough for a 10,000-row import): personal data masked."""
    if name in _PERSONAL:
        return f"{audit.MASK}{blind_index(value)[:8]}" if value else ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _raw_values(enterprise: Enterprise) -> dict[str, Any]:
    return {name: getattr(enterprise, field.attname) for name, field in _FIELDS.items()}


def enterprise_prepare(
    *, programme: Programme, data: dict[str, Any], instance: Enterprise | None = None
) -> tuple[Enterprise, dict[str, list[Any]]]:
    """Apply `data` to a new (instance=None) or existing enterprise in memory
    and check every ledger rule except uniqueness against the database.
    Returns the enterprise and its field changes ({field: [old, new]}, personal
    data masked, as the audit log stores them); writes nothing.

    The form, the API and the Excel import all pass through here, so a rule
    added here holds everywhere. Raises ServiceError or ValidationError."""
    values = {k: v for k, v in data.items() if k in EDITABLE_FIELDS}
    if "credit_code" in values or instance is None:
        values["credit_code"] = _clean_credit_code(values.get("credit_code", ""))
    if "name" in values or instance is None:
        values["name"] = str(values.get("name") or "").strip()
        if not values["name"]:
            raise ServiceError(_("企业名称不能为空。"), code="name")
    if instance is None:
        enterprise = Enterprise(programme=programme)
        before: dict[str, Any] = {}
    else:
        enterprise = instance
        before = _raw_values(enterprise)
    for key, value in values.items():
        setattr(enterprise, key, value)
    for key in ("floor_area_m2", "wastewater_t_per_day", "workers_count"):
        value = getattr(enterprise, key)
        if value is not None and value < 0:
            raise ServiceError(
                _("%(field)s不能为负数。") % {"field": Enterprise._meta.get_field(key).verbose_name}, code=key
            )
    # Only the fields being set need checking (the others were valid already,
    # or are defaults). Constraints are checked above in Python and by the
    # database on write; skipping validate_constraints saves a query per row.
    enterprise.full_clean(
        exclude=[name for name in _ALL_FIELDS if name not in values],
        validate_unique=False,
        validate_constraints=False,
    )
    enterprise.search_text = enterprise.build_search_text()
    after = _raw_values(enterprise)
    if instance is None:
        changes = {k: [None, _audit_value(k, v)] for k, v in after.items() if v not in (None, "", [], {})}
    else:
        changes = {
            k: [_audit_value(k, before[k]), _audit_value(k, after[k])] for k in sorted(after) if before[k] != after[k]
        }
    return enterprise, changes


def update_summary(changes: dict[str, Any]) -> str:
    return _("修改台账：%(fields)s") % {
        "fields": "、".join(str(Enterprise._meta.get_field(f).verbose_name) for f in changes)
    }


def enterprise_create(*, actor: Any, programme: Programme, data: dict[str, Any]) -> Enterprise:
    """Add an enterprise to the ledger. HQ editors only (or set-up, actor=None)."""
    if actor is not None and not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部可以新增企业。"))
    enterprise, changes = enterprise_prepare(programme=programme, data=data)
    with transaction.atomic():
        _check_unique_code(programme, enterprise.credit_code)
        enterprise.save()
        audit.record(
            actor=actor,
            action="enterprise.created",
            obj=enterprise,
            enterprise_id=enterprise.pk,
            summary=_("新增企业：%(name)s") % {"name": enterprise.name},
            changes=changes,
        )
    return enterprise


def enterprise_update(*, actor: Any, enterprise: Enterprise, data: dict[str, Any], expected_version: int) -> Enterprise:
    """Edit ledger fields. Refused with a conflict if someone saved the
    enterprise after the user loaded it (version check), never overwritten."""
    if actor is not None and not can_edit_enterprise(actor, enterprise):
        raise PermissionDeniedError(_("您无权修改该企业的台账信息。"))
    with transaction.atomic():
        enterprise, changes = enterprise_prepare(programme=enterprise.programme, data=data, instance=enterprise)
        if "credit_code" in changes:
            _check_unique_code(enterprise.programme, enterprise.credit_code, exclude_pk=enterprise.pk)
        if not changes:
            return enterprise
        save_if_unchanged(enterprise, expected_version=expected_version, fields=[*changes.keys(), "search_text"])
        audit.record(
            actor=actor,
            action="enterprise.updated",
            obj=enterprise,
            enterprise_id=enterprise.pk,
            summary=update_summary(changes),
            changes=changes,
        )
    return enterprise


def visit_record(
    *,
    actor: Any,
    enterprise: Enterprise,
    visited_on: dt.date,
    visitors: str,
    production_status_seen: str,
    intention: str,
    demands: str = "",
    notes: str = "",
    advance_stage: bool = True,
) -> Visit:
    """Record a visit (走访). The enterprise's production status and intention
    follow what the latest visit saw, so recording one needs the same right as changing the
    production status directly (HQ editors, or the territorial unit's people).

    A latest visit that records a decided intention (park, out of the city,
    closure) also moves the stage to 已登记意向 when the lifecycle allows it
    (from 已摸排, or a holdout giving in) and the visitor may make that move,
    so the clerk does not enter it twice. `advance_stage=False` is for the demo,
    whose plan sets the stages itself."""
    if actor is not None and not production.can_change(actor, enterprise):
        raise PermissionDeniedError(_("您无权登记走访记录。"))
    if intention not in Intention.values:
        raise ServiceError(_("未知的搬迁意向。"))
    with transaction.atomic():
        locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        visit = Visit.objects.create(
            enterprise=locked,
            visited_on=visited_on,
            visitors=visitors,
            production_status_seen=production_status_seen,
            intention=intention,
            demands=demands,
            notes=notes,
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        latest = locked.visits.order_by("-visited_on", "-id").first()
        if latest is not None and latest.pk == visit.pk:
            Enterprise.objects.filter(pk=locked.pk).update(
                production_status=production_status_seen, intention=intention, version=locked.version + 1
            )
        if advance_stage and latest is not None and latest.pk == visit.pk:
            _advance_to_intention(actor=actor, enterprise=locked, intention=intention)
        audit.record(
            actor=actor,
            action="enterprise.visit_recorded",
            obj=visit,
            enterprise_id=locked.pk,
            summary=_("走访：%(status)s，意向 %(intention)s")
            % {"status": visit.get_production_status_seen_display(), "intention": visit.get_intention_display()},
            changes=audit.snapshot(visit),
        )
    return visit


# Intentions that are not yet an intention to relocate or close.
UNDECIDED_INTENTIONS = frozenset({Intention.UNDECIDED, Intention.REFUSES})


def _advance_to_intention(*, actor: Any, enterprise: Enterprise, intention: str) -> None:
    from relocation.enterprises import lifecycle
    from relocation.enterprises.models import LifecycleStatus
    from relocation.enterprises.transitions import ALLOWED

    target = LifecycleStatus.INTENTION_RECORDED
    if intention in UNDECIDED_INTENTIONS or target not in ALLOWED.get(enterprise.status, ()):
        return
    if not lifecycle.can_move(actor, enterprise, target):
        return
    enterprise.intention = intention
    lifecycle.enterprise_transition(
        actor=actor,
        enterprise=enterprise,
        target=target,
        reason=_("走访登记搬迁意向：%(intention)s") % {"intention": Intention(intention).label},
    )


def enterprise_mark_repeat_offender(*, actor: Any, enterprise: Enterprise, reason: str) -> None:
    """Flag the enterprise a repeat offender (屡禁不止): the programme's rule
    in enforcement found N violations in M days. A guarded one-column update,
    so marking twice records one audit event; the flag is never cleared here."""
    with transaction.atomic():
        updated = Enterprise.objects.filter(pk=enterprise.pk, is_repeat_offender=False).update(is_repeat_offender=True)
        if updated:
            audit.record(
                actor=actor,
                action="enterprise.repeat_offender_marked",
                obj=enterprise,
                enterprise_id=enterprise.pk,
                summary=_("列为屡禁不止企业，建议强制关停：%(reason)s") % {"reason": reason},
                changes={"is_repeat_offender": [False, True]},
            )
    enterprise.is_repeat_offender = True
