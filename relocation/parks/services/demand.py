"""An enterprise's demand for a park place (floor area and streams)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from relocation.core import audit
from relocation.core.errors import ServiceError
from relocation.core.workflow import save_if_unchanged
from relocation.enterprises.models import Enterprise
from relocation.parks import streams
from relocation.parks.models import (
    EnterpriseDemand,
    Park,
)
from relocation.parks.services.parks import _require_hq_editor

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
