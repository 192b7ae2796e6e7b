"""The relocation procedures that follow a confirmed allocation: one item per
procedure, owned by a unit by its function, with documents."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit
from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.roles import is_hq_editor
from relocation.core.uploads import store_upload
from relocation.core.workdays import add_workdays
from relocation.core.workflow import move
from relocation.organisation.functions import UnitFunction
from relocation.parks import transitions
from relocation.parks.models import (
    Allocation,
    ProcedureDocument,
    ProcedureItem,
    ProcedureKind,
    ProcedureStatus,
)
from relocation.parks.services.parks import history_record

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
                    source="procedure",
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
