"""Writes on tasks. Other apps create tasks through `task_create` only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from relocation.core import audit
from relocation.core.errors import ServiceError
from relocation.core.notifications import notify
from relocation.organisation.models import Unit
from relocation.supervision.models import Task, TaskSource


def task_create(
    *,
    actor: Any,
    title: str,
    lead_unit: Unit,
    deadline: dt.date,
    description: str = "",
    co_units: Iterable[Unit] = (),
    responsible: Any = None,
    source: str = TaskSource.MANUAL,
    subject: models.Model | None = None,
    enterprise_id: int | None = None,
    dedupe_key: str = "",
) -> Task:
    """Create a task for a unit and tell its people.

    Idempotent when `dedupe_key` is given: a second call returns the task the
    first one created. `subject` links the task to the object that caused it.
    """
    if not title.strip():
        raise ServiceError(_("任务名称不能为空。"))
    programme = lead_unit.programme
    if dedupe_key:
        existing = Task.objects.filter(programme=programme, dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            task = Task.objects.create(
                programme=programme,
                title=title.strip()[:300],
                description=description,
                lead_unit=lead_unit,
                responsible=responsible,
                deadline=deadline,
                source=source,
                subject_type=subject._meta.label_lower if subject is not None else "",
                subject_id=str(subject.pk) if subject is not None else "",
                enterprise_id=enterprise_id,
                dedupe_key=dedupe_key,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            co = [u for u in co_units if u.pk != lead_unit.pk]
            if co:
                task.co_units.set(co)
            audit.record(
                actor=actor,
                action="task.created",
                obj=task,
                enterprise_id=enterprise_id,
                summary=_("交办任务：%(title)s（%(unit)s，%(deadline)s 前）")
                % {"title": task.title, "unit": lead_unit, "deadline": deadline.isoformat()},
                changes=audit.snapshot(task),
            )
            recipients = list(lead_unit.users.filter(is_active=True, role__in=["unit_leader", "unit_liaison"]))
            if responsible is not None:
                recipients.append(responsible)
            notify(
                recipients=recipients,
                verb="task.assigned",
                title=_("新任务：%(title)s") % {"title": task.title},
                body=_("完成时限：%(d)s") % {"d": deadline.isoformat()},
                url=f"/supervision/tasks/{task.pk}/",
                dedupe_key=f"task.assigned:{task.pk}",
            )
    except IntegrityError:
        # A concurrent call with the same dedupe_key won the race.
        existing = Task.objects.filter(programme=programme, dedupe_key=dedupe_key).first()
        if existing is None:
            raise
        return existing
    return task
