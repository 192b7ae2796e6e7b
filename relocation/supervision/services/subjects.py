"""Tasks another app created for one of its records (the subject): marking the
open task done when that app's own workflow confirms the work, or cancelling
it when the subject is withdrawn."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core.errors import ServiceError
from relocation.core.notifications import notify
from relocation.supervision.models import (
    Task,
    TaskStage,
    TaskStatus,
)
from relocation.supervision.services.tasks import _transition, task_url, unit_people
from relocation.supervision.transitions import (
    OPEN_STATUSES,
    SUBJECT_DONE_TRANSITIONS,
)


def task_complete_for_subject(*, actor: Any, subject: models.Model, dedupe_key: str, note: str) -> Task | None:
    """Mark done the task another app created for `subject` (with
    `dedupe_key`), because that app's own workflow has just confirmed the work
    — an enforcement order closed by the re-inspection that found it fixed.

    The owning app has checked that `actor` may close its subject, and that
    check is the verification; this service only accepts the task linked to
    that very subject, so it cannot be used to close anything else. The task
    goes straight to verified (reported now if it was not, on time when today
    is within its deadline), with its stage history and audit event, in the
    caller's transaction. Returns None when there is no open task to close.
    """
    if not note.strip():
        raise ServiceError(_("请说明办结依据。"))
    with transaction.atomic():
        task = _open_subject_task(subject, dedupe_key)
        if task is None:
            return None
        now = timezone.now()
        extra: dict[str, Any] = {"completed_at": now, "warning_level": "none", "red_since": None}
        if task.reported_done_at is None:
            extra.update(reported_done_at=now, reported_on_time=timezone.localdate() <= task.deadline)
        _transition(
            actor=actor,
            task=task,
            target=TaskStatus.VERIFIED,
            reason=note.strip(),
            extra=extra,
            action="task.verified",
            allowed=SUBJECT_DONE_TRANSITIONS,
        )
        TaskStage.objects.filter(task=task, ended_at__isnull=True).update(ended_at=now)
        notify(
            recipients=unit_people(task.lead_unit) + ([task.responsible] if task.responsible else []),
            verb="task.verified",
            title=_("任务已核销：%(title)s") % {"title": task.title},
            body=note.strip(),
            url=task_url(task),
            dedupe_key=f"task.verified:{task.pk}",
        )
        return task


def _open_subject_task(subject: models.Model, dedupe_key: str) -> Task | None:
    """The open task another app created for `subject` with `dedupe_key`,
    locked; matching both keeps these services from reaching any other task."""
    return (
        Task.objects.select_for_update(of=("self",))
        .select_related("lead_unit", "responsible")
        .filter(
            dedupe_key=dedupe_key,
            subject_type=subject._meta.label_lower,
            subject_id=str(subject.pk),
            status__in=list(OPEN_STATUSES),
        )
        .first()
    )


def task_cancel_for_subject(
    *, actor: Any, subject: models.Model, dedupe_key: str, reason: str, action: str = "task.cancelled"
) -> Task | None:
    """Cancel the task another app created for `subject`, because that app's
    own workflow has made the work moot: an enforcement order revoked, or
    escalated and superseded by a renewed order with its own task.

    As with `task_complete_for_subject`, the owning app has checked the
    actor's right over its subject (the escalation job runs without one);
    only the task linked to that subject with that key is touched. The task
    goes to cancelled with the reason in its stage history, an audit event
    (`action`, e.g. ``task.superseded``) and a notice to the unit, in the
    caller's transaction. Returns None when there is no open task."""
    if not reason.strip():
        raise ServiceError(_("请填写撤销理由。"))
    with transaction.atomic():
        task = _open_subject_task(subject, dedupe_key)
        if task is None:
            return None
        _transition(actor=actor, task=task, target=TaskStatus.CANCELLED, reason=reason.strip(), action=action)
        TaskStage.objects.filter(task=task, ended_at__isnull=True).update(ended_at=timezone.now())
        notify(
            recipients=unit_people(task.lead_unit) + ([task.responsible] if task.responsible else []),
            verb="task.cancelled",
            title=_("任务已撤销：%(title)s") % {"title": task.title},
            body=reason.strip(),
            url=task_url(task),
            dedupe_key=f"task.cancelled:{task.pk}",
        )
        return task
