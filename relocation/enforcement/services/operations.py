"""Joint operations (联合执法行动): planned by HQ, done when over."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit
from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.roles import is_hq_editor
from relocation.enforcement.models import (
    EnforcementTeam,
    JointOperation,
    OperationStatus,
)
from relocation.enterprises.models import Enterprise
from relocation.organisation.models import Programme


def operation_create(
    *,
    actor: Any,
    programme: Programme,
    name: str,
    planned_on: dt.date,
    targets: Iterable[Enterprise] = (),
    teams: Iterable[EnforcementTeam] = (),
    notes: str = "",
) -> JointOperation:
    """Plan a joint operation (联合执法行动). HQ editors only."""
    if actor is not None and not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部可以部署联合执法行动。"))
    if not name.strip():
        raise ServiceError(_("行动名称不能为空。"), code="name")
    targets, teams = list(targets), list(teams)
    if not teams:
        raise ServiceError(_("请至少选择一个参与执法组。"), code="teams")
    if any(t.programme_id != programme.pk for t in teams) or any(e.programme_id != programme.pk for e in targets):
        raise ServiceError(_("执法组或目标企业不属于本项目。"))
    with transaction.atomic():
        op = JointOperation.objects.create(
            programme=programme,
            name=name.strip(),
            planned_on=planned_on,
            notes=notes,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        op.targets.set(targets)
        op.teams.set(teams)
        audit.record(
            actor=actor,
            action="enforcement.operation_planned",
            obj=op,
            summary=_("部署联合执法行动：%(name)s（%(d)s，%(n)s 家企业）")
            % {"name": op.name, "d": planned_on.isoformat(), "n": len(targets)},
        )
    return op


def operation_complete(*, actor: Any, operation: JointOperation) -> JointOperation:
    if actor is not None and not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部可以结束联合执法行动。"))
    with transaction.atomic():
        updated = JointOperation.objects.filter(pk=operation.pk, status=OperationStatus.PLANNED).update(
            status=OperationStatus.DONE, updated_at=timezone.now()
        )
        if updated != 1:
            raise ServiceError(_("该行动不是“计划中”状态。"))
        operation.status = OperationStatus.DONE
        audit.record(
            actor=actor,
            action="enforcement.operation_done",
            obj=operation,
            summary=_("联合执法行动已完成：%(n)s") % {"n": operation.name},
        )
    return operation
