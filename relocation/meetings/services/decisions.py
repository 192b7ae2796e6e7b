"""A meeting's decisions (议定事项) and the supervision tasks made from them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit
from relocation.core.errors import ServiceError
from relocation.meetings.models import (
    Decision,
    Meeting,
    MeetingStatus,
)
from relocation.meetings.services.agenda import _require_open
from relocation.meetings.services.schedule import _require_hq
from relocation.organisation.models import Unit


def decision_add(
    *,
    actor: Any,
    meeting: Meeting,
    text: str,
    lead_unit: Unit,
    deadline: dt.date,
    co_units: Iterable[Unit] = (),
    make_task: bool = False,
) -> Decision:
    """Record a decision; with `make_task` it becomes a task in the same step."""
    _require_hq(actor)
    _require_open(meeting)
    if not text.strip():
        raise ServiceError(_("请填写议定事项。"), code="text")
    if lead_unit.programme_id != meeting.programme_id:
        raise ServiceError(_("牵头单位不属于本项目。"), code="lead_unit")
    co = [u for u in co_units if u.pk != lead_unit.pk]
    with transaction.atomic():
        order = (meeting.decisions.order_by("-order").values_list("order", flat=True).first() or 0) + 1
        decision = Decision.objects.create(
            meeting=meeting, order=order, text=text.strip(), lead_unit=lead_unit, deadline=deadline
        )
        if co:
            decision.co_units.set(co)
        audit.record(
            actor=actor,
            action="meeting.decision_added",
            obj=decision,
            summary=_("会议议定：%(text)s（%(unit)s）") % {"text": decision.text[:120], "unit": lead_unit.name},
            changes=audit.snapshot(decision, ["text", "lead_unit", "deadline"]),
        )
        if make_task:
            decision_make_task(actor=actor, decision=decision)
    return decision


def decision_remove(*, actor: Any, decision: Decision) -> None:
    _require_hq(actor)
    _require_open(decision.meeting)
    if decision.task_id:
        raise ServiceError(_("该议定事项已转为任务，不能删除；请在任务中撤销。"))
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="meeting.decision_removed",
            obj=decision,
            summary=_("删除议定事项：%(text)s") % {"text": decision.text[:120]},
            changes={"text": [decision.text, None]},
        )
        decision.delete()


def decision_make_task(*, actor: Any, decision: Decision):
    """Turn a decision into a task for its lead unit (co-units, deadline kept).
    Idempotent: the task's dedupe key is the decision, and a decision that has
    a task returns it."""
    _require_hq(actor)
    from relocation.supervision.services import task_create

    with transaction.atomic():
        decision = Decision.objects.select_for_update().select_related("meeting", "lead_unit").get(pk=decision.pk)
        if decision.meeting.status == MeetingStatus.CANCELLED:
            raise ServiceError(_("会议已取消，议定事项不能转为任务。"))
        if decision.task_id:
            return decision.task
        task = task_create(
            actor=actor,
            title=decision.text[:300],
            description=_("来源：%(meeting)s") % {"meeting": decision.meeting.title},
            lead_unit=decision.lead_unit,
            co_units=list(decision.co_units.all()),
            deadline=decision.deadline,
            source="meeting",
            subject=decision,
            dedupe_key=f"meeting.decision:{decision.pk}",
        )
        Decision.objects.filter(pk=decision.pk).update(task=task, updated_at=timezone.now())
        decision.task = task
        audit.record(
            actor=actor,
            action="meeting.decision_tasked",
            obj=decision,
            summary=_("议定事项转为任务：%(text)s") % {"text": decision.text[:120]},
            changes={"task": [None, task.pk]},
        )
    return task


def decisions_make_tasks(*, actor: Any, meeting: Meeting) -> int:
    """Every decision of the meeting that has no task yet becomes one."""
    count = 0
    for decision in meeting.decisions.filter(task__isnull=True):
        decision_make_task(actor=actor, decision=decision)
        count += 1
    return count
