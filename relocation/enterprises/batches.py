"""Batches (分批搬迁): writes. Progress and the overdue flag are read in
lifecycle_selectors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from relocation.core import audit
from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.roles import is_hq_editor
from relocation.enterprises.models import Batch, Enterprise, RelocationPlan
from relocation.organisation.models import Programme


def batch_create(
    *,
    actor: Any,
    programme: Programme,
    name: str,
    deadline: dt.date,
    order: int = 0,
    description: str = "",
) -> Batch:
    """Add a batch with its shutdown deadline. HQ editors only (or the system)."""
    if actor is not None and not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部可以设置搬迁批次。"))
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("批次名称不能为空。"), code="name")
    if deadline is None:
        raise ServiceError(_("请填写批次的关停时限。"), code="deadline")
    with transaction.atomic():
        if Batch.objects.filter(programme=programme, name=name).exists():
            raise ServiceError(_("批次“%(name)s”已存在。") % {"name": name}, code="name")
        batch = Batch.objects.create(
            programme=programme, name=name, deadline=deadline, order=order, description=description
        )
        audit.record(
            actor=actor,
            action="enterprise.batch_created",
            obj=batch,
            summary=_("新增搬迁批次：%(name)s（%(deadline)s 前关停）")
            % {"name": name, "deadline": deadline.isoformat()},
            changes=audit.snapshot(batch),
        )
    return batch


def batch_assign(*, actor: Any, batch: Batch | None, enterprises: Iterable[Enterprise]) -> int:
    """Put enterprises into `batch` (None takes them out of any batch).
    Returns how many changed; each change is on the enterprise's timeline."""
    if actor is not None and not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部可以分配搬迁批次。"))
    changed = 0
    with transaction.atomic():
        for enterprise in enterprises:
            if batch is not None and enterprise.programme_id != batch.programme_id:
                raise ServiceError(_("企业“%(name)s”不属于该批次的项目。") % {"name": enterprise.name})
            plan, _created = RelocationPlan.objects.select_for_update().get_or_create(enterprise=enterprise)
            if plan.batch_id == (batch.pk if batch else None):
                continue
            old = plan.batch.name if plan.batch is not None else None
            plan.batch = batch
            plan.save(update_fields=["batch", "updated_at"])
            changed += 1
            audit.record(
                actor=actor,
                action="enterprise.batch_assigned",
                obj=plan,
                enterprise_id=enterprise.pk,
                summary=(_("列入搬迁批次：%(name)s") % {"name": batch.name} if batch else _("移出搬迁批次")),
                changes={"batch": [old, batch.name if batch else None]},
            )
    return changed
