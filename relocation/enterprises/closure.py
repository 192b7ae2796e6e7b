"""Closure verification (两断三清): water and power cut off; raw materials,
equipment, and products and hazardous waste cleared.

Each item is confirmed by a person of the unit responsible for it, with at
least one photo; HQ can mark the closure verified only when all five are
confirmed (the guard in lifecycle.enterprise_transition).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit
from relocation.core.errors import ConflictError, PermissionDeniedError, ServiceError
from relocation.core.roles import is_unit_member
from relocation.enterprises.models import ClosureCheck, ClosureItemKind, Enterprise, LifecycleStatus
from relocation.organisation.functions import UnitFunction
from relocation.organisation.models import AssignedFunction, Unit

TERRITORIAL = "territorial"
# Who confirms each item: the programme's unit of a function, or the enterprise's territorial unit.
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
    """Item → the unit that confirms it (one query)."""
    wanted = {f for f in RESPONSIBLE_FUNCTION.values() if f != TERRITORIAL}
    by_function: dict[str, Unit] = {}
    rows = AssignedFunction.objects.filter(unit__programme_id=enterprise.programme_id, function__in=wanted)
    for row in rows.select_related("unit").order_by("unit__order", "unit__code"):
        by_function.setdefault(row.function, row.unit)
    return {
        item: (enterprise.territorial_unit if function == TERRITORIAL else by_function.get(function))
        for item, function in RESPONSIBLE_FUNCTION.items()
    }


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
        rows.append(
            {
                "item": kind.value,
                "label": kind.label,
                "unit": unit,
                "check": check,
                "photos": [p.file for p in check.photos.all()] if check else [],
                "can_confirm": check is None and open_for_checks and can_confirm(user, unit),
            }
        )
    return rows


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
