"""The escalation ladder: a failed or overdue rectification order moves up a
rung (and is renewed below the top rung)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit
from relocation.enforcement.models import (
    Inspection,
    InspectionStatus,
    Measure,
    MeasureKind,
    MeasureStatus,
)
from relocation.enforcement.services.measures import _follow_up_task_cancel, _ladder, _measure_move, measure_issue


def _escalate(*, actor: Any, order: Measure, reason: str, today: dt.date | None = None) -> Measure | None:
    """Move an order in force to "escalated", draft the next rung of the
    ladder (awaiting approval) and, below the top rung, renew the order with
    a fresh deadline so the follow-up never stops. Call inside atomic()."""
    _measure_move(actor, order, MeasureStatus.ESCALATED, reason)
    Inspection.objects.filter(follow_up_of=order, status=InspectionStatus.SCHEDULED).delete()
    ladder = _ladder(order.programme_id)
    taken = (
        Measure.objects.filter(violation_id=order.violation_id)
        .exclude(status__in=[MeasureStatus.REJECTED, MeasureStatus.REVOKED])
        .aggregate(m=Max("level"))["m"]
        or order.level
    )
    next_step = next((s for s in ladder if s.level > taken), None)
    audit.record(
        actor=actor,
        action="enforcement.order_escalated",
        obj=order,
        enterprise_id=order.enterprise_id,
        summary=_("整改令升级（%(r)s）：%(next)s")
        % {"r": reason, "next": next_step.get_kind_display() if next_step else _("已到最高级别")},
    )
    if next_step is None:
        _follow_up_task_cancel(
            actor=actor,
            order=order,
            reason=_("整改令升级（%(r)s），已到最高级别，不再复查") % {"r": reason},
            action="task.superseded",
        )
        return None
    stronger = measure_issue(
        actor=None,
        violation=order.violation,
        kind=next_step.kind,
        team=order.team,
        content=_("因%(r)s，依升级阶梯拟采取：%(k)s") % {"r": reason, "k": next_step.get_kind_display()},
        amount=Decimal("10000") if next_step.kind == MeasureKind.FINE else None,
        escalated_from=order,
    )
    # The renewed order carries the follow-up from here (with its own task,
    # see measure_issue); the escalated order's task is superseded by it.
    renewed = None
    if next_step.kind != MeasureKind.BAN and next_step.rectification_workdays:
        renewed = measure_issue(
            actor=None,
            violation=order.violation,
            kind=MeasureKind.RECTIFICATION,
            team=order.team,
            content=order.content,
            workdays=next_step.rectification_workdays,
            escalated_from=order,
            today=today,
        )
    _follow_up_task_cancel(
        actor=actor,
        order=order,
        reason=(
            _("整改令升级（%(r)s）为%(k)s，由新整改令（%(d)s 前）接续复查")
            % {"r": reason, "k": next_step.get_kind_display(), "d": renewed.deadline}
            if renewed is not None
            else _("整改令升级（%(r)s）为%(k)s，不再复查") % {"r": reason, "k": next_step.get_kind_display()}
        ),
        action="task.superseded",
    )
    return stronger


def escalate_overdue(*, today: dt.date | None = None) -> int:
    """Escalate every rectification order still in force after its deadline.
    Idempotent: an escalated order is no longer "in force", so running twice
    (or on two workers) escalates each order once. Returns how many moved."""
    from relocation.core.errors import ConflictError

    today = today or timezone.localdate()
    # At most 1,000 per run (each in its own transaction); the next quarter-hour takes the rest.
    due = list(
        Measure.objects.filter(
            kind=MeasureKind.RECTIFICATION, status=MeasureStatus.IN_FORCE, deadline__lt=today
        ).values_list("pk", flat=True)[:1000]
    )
    moved = 0
    for pk in due:
        try:
            with transaction.atomic():
                order = Measure.objects.select_for_update().select_related("violation", "team", "enterprise").get(pk=pk)
                if order.status != MeasureStatus.IN_FORCE:
                    continue
                _escalate(actor=None, order=order, reason=_("逾期未整改"), today=today)
                moved += 1
        except ConflictError:
            continue
    return moved
