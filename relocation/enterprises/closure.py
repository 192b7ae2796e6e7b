"""Closure verification (两断三清): water and power cut off; raw materials,
equipment, and products and hazardous waste cleared.

Each item is confirmed by a person of the unit responsible for it, with at
least one photo; HQ can mark the closure verified only when all five are
confirmed (the guard in lifecycle.enterprise_transition).

An item, and the verification, is also refused while an open finding holds
against it (core.guards evidence holds: monitoring's "still using water"
alert against "water cut off", say). HQ may override a hold with a reason
(`closure_hold_override`); the override is kept and audited, and waives
only the findings open at that moment.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit, guards
from relocation.core.errors import ConflictError, PermissionDeniedError, ServiceError
from relocation.core.roles import is_hq_editor, is_unit_member
from relocation.enterprises.models import ClosureCheck, ClosureItemKind, ClosureOverride, Enterprise, LifecycleStatus
from relocation.organisation.functions import UnitFunction
from relocation.organisation.models import Unit
from relocation.organisation.selectors import unit_with_function

TERRITORIAL = "territorial"
# Who confirms each item: the programme's unit with that function, or the enterprise's territorial unit.
RESPONSIBLE_FUNCTION: dict[str, str] = {
    ClosureItemKind.WATER_CUT: UnitFunction.WATER_SUPPLY,
    ClosureItemKind.POWER_CUT: UnitFunction.POWER_SUPPLY,
    ClosureItemKind.MATERIALS_CLEARED: TERRITORIAL,
    ClosureItemKind.EQUIPMENT_CLEARED: TERRITORIAL,
    ClosureItemKind.WASTE_CLEARED: UnitFunction.ENVIRONMENT,
}
PHOTO_KINDS = {"jpeg", "png"}
PHOTO_MAX_BYTES = 15 * 1024 * 1024


def responsible_units(enterprise: Enterprise) -> dict[str, Unit | None]:
    """Item → the unit that confirms it."""
    by_function = {
        f: unit_with_function(enterprise.programme_id, f) for f in set(RESPONSIBLE_FUNCTION.values()) - {TERRITORIAL}
    }
    return {
        item: (enterprise.territorial_unit if f == TERRITORIAL else by_function[f])
        for item, f in RESPONSIBLE_FUNCTION.items()
    }


STEPS = frozenset({guards.VERIFICATION, *ClosureItemKind.values})


def step_label(step: str) -> str:
    return str(_("关停核验") if step == guards.VERIFICATION else ClosureItemKind(step).label)


def open_holds(enterprise: Enterprise, step: str) -> list[guards.EvidenceHold]:
    """The findings against `step` that no HQ override has waived."""
    waived: set[str] = set()
    for keys in ClosureOverride.objects.filter(enterprise=enterprise, step=step).values_list("hold_keys", flat=True):
        waived.update(keys or ())
    return [h for h in guards.evidence_holds(enterprise, step) if h.key not in waived]


def holds_message(step: str, holds: list[guards.EvidenceHold]) -> str:
    return _("“%(step)s”暂不能确认：%(reasons)s。如确属误报，由指挥部填写理由后放行。") % {
        "step": step_label(step),
        "reasons": "；".join(h.reason for h in holds),
    }


def closure_hold_override(*, actor: Any, enterprise: Enterprise, step: str, reason: str) -> ClosureOverride:
    """HQ lets `step` go ahead despite the findings open against it now.

    Invariants: HQ editors only; a reason is required; there must be
    something to override; the override names the findings it waives and is
    audited on the enterprise's timeline; a finding that appears afterwards
    holds again.
    """
    if not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部可以放行关停核验。"))
    if step not in STEPS:
        raise ServiceError(_("未知的核验项目。"), code="step")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("请填写放行理由。"), code="reason")
    with transaction.atomic():
        Enterprise.objects.select_for_update().filter(pk=enterprise.pk).first()
        holds = open_holds(enterprise, step)
        if not holds:
            raise ServiceError(_("“%(step)s”没有需要放行的预警。") % {"step": step_label(step)}, code="step")
        override = ClosureOverride.objects.create(
            enterprise=enterprise,
            step=step,
            hold_keys=[h.key for h in holds],
            holds_text="；".join(h.reason for h in holds),
            reason=reason,
            granted_by=actor,
            granted_at=timezone.now(),
        )
        audit.record(
            actor=actor,
            action="enterprise.closure_hold_overridden",
            obj=override,
            enterprise_id=enterprise.pk,
            summary=_("指挥部放行“%(step)s”：%(reason)s（预警：%(holds)s）")
            % {"step": step_label(step), "reason": reason[:200], "holds": override.holds_text[:300]},
            changes={"step": [None, step], "holds": [None, override.hold_keys], "reason": [None, reason]},
        )
    return override


def missing_items(enterprise: Enterprise) -> list[Any]:
    """Labels of the items not yet confirmed, in checklist order."""
    done = set(ClosureCheck.objects.filter(enterprise=enterprise).values_list("item", flat=True))
    return [kind.label for kind in ClosureItemKind if kind.value not in done]


def checklist(enterprise: Enterprise, user: Any = None) -> list[dict[str, Any]]:
    """The five items with their unit, confirmation and photos, for the page."""
    units = responsible_units(enterprise)
    checks = {
        c.item: c
        for c in ClosureCheck.objects.filter(enterprise=enterprise)
        .select_related("unit", "confirmed_by")
        .prefetch_related("photos__file")
    }
    open_for_checks = enterprise.status in {LifecycleStatus.PRODUCTION_STOPPED}
    rows = []
    for kind in ClosureItemKind:
        unit = units[kind.value]
        check = checks.get(kind.value)
        holds = open_holds(enterprise, kind.value) if check is None and open_for_checks else []
        rows.append(
            {
                "item": kind.value,
                "label": kind.label,
                "unit": unit,
                "check": check,
                "photos": [p.file for p in check.photos.all()] if check else [],
                "holds": holds,
                "can_confirm": check is None and open_for_checks and not holds and can_confirm(user, unit),
                "can_override": bool(holds) and is_hq_editor(user),
            }
        )
    return rows


def verification_holds(enterprise: Enterprise) -> list[guards.EvidenceHold]:
    """The findings against verifying the closure, for the page (only while it waits for it)."""
    if enterprise.status != LifecycleStatus.PRODUCTION_STOPPED:
        return []
    return open_holds(enterprise, guards.VERIFICATION)


def can_confirm(user: Any, unit: Unit | None) -> bool:
    return unit is not None and is_unit_member(user) and user.unit_id == unit.pk


def closure_item_confirm(
    *,
    actor: Any,
    enterprise: Enterprise,
    item: str,
    photos: Iterable[Any],
    note: str = "",
) -> ClosureCheck:
    """Confirm one checklist item with photos (JPEG/PNG, EXIF time and place kept).

    Invariants: only a person of the responsible unit confirms; the enterprise
    has stopped production; each item is confirmed once (a second confirmation
    is refused, also under concurrency, by the unique constraint); photos and
    the confirmation are written together or not at all.
    """
    from relocation.core import uploads
    from relocation.enterprises.models import ClosureCheckPhoto

    if item not in ClosureItemKind.values:
        raise ServiceError(_("未知的核验项目。"), code="item")
    unit = responsible_units(enterprise)[item]
    if unit is None or not can_confirm(actor, unit):
        raise PermissionDeniedError(
            _("“%(item)s”应由%(unit)s确认。") % {"item": ClosureItemKind(item).label, "unit": unit or _("责任单位")}
        )
    if enterprise.status != LifecycleStatus.PRODUCTION_STOPPED:
        raise ServiceError(_("企业停产后才能进行两断三清核验。"), code="status")
    holds = open_holds(enterprise, item)
    if holds:
        raise ServiceError(holds_message(item, holds), code="holds")
    photos = [p for p in photos if p]
    if not photos:
        raise ServiceError(_("请至少上传一张现场照片。"), code="photos")
    try:
        with transaction.atomic():
            check = ClosureCheck.objects.create(
                enterprise=enterprise,
                item=item,
                unit=unit,
                confirmed_by=actor,
                confirmed_at=timezone.now(),
                note=note.strip(),
            )
            stored = [
                uploads.store_upload(
                    actor=actor,
                    uploaded_file=photo,
                    kinds=PHOTO_KINDS,
                    max_bytes=PHOTO_MAX_BYTES,
                    enterprise_id=enterprise.pk,
                    purpose="closure_check",
                )
                for photo in photos
            ]
            ClosureCheckPhoto.objects.bulk_create([ClosureCheckPhoto(closure_check=check, file=f) for f in stored])
            audit.record(
                actor=actor,
                action="enterprise.closure_item_confirmed",
                obj=check,
                enterprise_id=enterprise.pk,
                summary=_("两断三清：%(unit)s确认“%(item)s”（%(n)s 张照片）")
                % {"unit": unit, "item": ClosureItemKind(item).label, "n": len(stored)},
                changes={"item": [None, item], "photos": [None, [f.sha256 for f in stored]]},
            )
    except IntegrityError:
        raise ConflictError(_("“%(item)s”已被确认。") % {"item": ClosureItemKind(item).label})
    return check
