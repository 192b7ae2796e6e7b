"""Supervision tasks (督办): creating a task, its moves (sign for, start, report
done, verify, return, cancel, reassign, extend), progress updates, reminders
and attachments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit, workflow
from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.notifications import notify
from relocation.core.roles import Role
from relocation.organisation.models import Unit, User
from relocation.organisation.selectors import people_in_roles
from relocation.supervision import permissions, task_sources
from relocation.supervision.models import (
    Task,
    TaskAttachment,
    TaskSource,
    TaskStage,
    TaskStatus,
    TaskUpdate,
)
from relocation.supervision.services.configuration import _require_hq_editor
from relocation.supervision.transitions import (
    REASSIGN_TRANSITIONS,
    TASK_TRANSITIONS,
)


def task_url(task: Task) -> str:
    return f"/supervision/tasks/{task.pk}/"


def unit_people(unit: Unit, roles: Iterable[str] = (Role.UNIT_LEADER, Role.UNIT_LIAISON)) -> list[User]:
    return list(unit.users.filter(is_active=True, role__in=list(roles)))


def _open_stage(
    task: Task, *, actor: Any, from_status: str = "", reason: str = "", at: dt.datetime | None = None
) -> None:
    at = at or timezone.now()
    TaskStage.objects.filter(task=task, ended_at__isnull=True).update(ended_at=at)
    TaskStage.objects.create(
        task=task,
        status=task.status,
        from_status=from_status,
        holder_unit=task.lead_unit if task.status != TaskStatus.REPORTED_DONE else None,
        holder=task.responsible if task.status != TaskStatus.REPORTED_DONE else None,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        started_at=at,
        reason=reason[:500],
    )


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
    The task starts in its first stage ("assigned"), held by the lead unit.
    """
    if not title.strip():
        raise ServiceError(_("任务名称不能为空。"))
    if not task_sources.is_registered(source):
        raise ServiceError(_("未知的任务来源：%(source)s") % {"source": source}, code="source")
    if (
        responsible is not None
        and responsible.unit_id not in (lead_unit.pk, None)
        and responsible.role
        in (
            Role.UNIT_LEADER,
            Role.UNIT_LIAISON,
            Role.INSPECTOR,
        )
    ):
        raise ServiceError(_("责任人必须属于牵头单位。"))
    programme = lead_unit.programme
    co_units = list(co_units)
    # The task lives in the lead unit's programme: the acting user must work
    # there, and the co-units must belong to it (another programme's pk is refused).
    from relocation.organisation.selectors import programme_for

    acting_in = programme_for(actor) if getattr(actor, "is_authenticated", False) else None
    if (acting_in is not None and acting_in.pk != programme.pk) or any(
        u.programme_id != programme.pk for u in co_units
    ):
        raise ServiceError(_("单位不属于本项目。"), code="lead_unit")
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
            _open_stage(task, actor=actor)
            audit.record(
                actor=actor,
                action="task.created",
                obj=task,
                enterprise_id=enterprise_id,
                summary=_("交办任务：%(title)s（%(unit)s，%(deadline)s 前）")
                % {"title": task.title, "unit": lead_unit, "deadline": deadline.isoformat()},
                changes=audit.snapshot(task),
            )
            recipients = unit_people(lead_unit)
            if responsible is not None:
                recipients.append(responsible)
            notify(
                recipients=recipients,
                verb="task.assigned",
                title=_("新任务：%(title)s") % {"title": task.title},
                body=_("完成时限：%(d)s") % {"d": deadline.isoformat()},
                url=task_url(task),
                dedupe_key=f"task.assigned:{task.pk}",
            )
    except IntegrityError:
        # A concurrent call with the same dedupe_key won the race.
        existing = Task.objects.filter(programme=programme, dedupe_key=dedupe_key).first()
        if existing is None:
            raise
        return existing
    return task


def _locked(task: Task) -> Task:
    return Task.objects.select_for_update(of=("self",)).select_related("lead_unit", "responsible").get(pk=task.pk)


def _transition(
    *,
    actor: Any,
    task: Task,
    target: str,
    reason: str = "",
    extra: dict[str, Any] | None = None,
    action: str,
    allowed: dict[str, frozenset[str]] = TASK_TRANSITIONS,
) -> Task:
    previous = workflow.move(task, field="status", target=target, allowed=allowed, labels=TaskStatus, extra=extra or {})
    _open_stage(task, actor=actor, from_status=previous, reason=reason)
    audit.record(
        actor=actor,
        action=action,
        obj=task,
        enterprise_id=task.enterprise_id,
        summary=_("任务“%(title)s”：%(src)s → %(dst)s")
        % {
            "title": task.title,
            "src": TaskStatus(previous).label,
            "dst": TaskStatus(target).label,
        },
        changes={"status": [previous, target], **({"reason": ["", reason]} if reason else {})},
    )
    return task


def task_sign_for(*, actor: Any, task: Task) -> Task:
    """The lead unit signs for (签收) the task: its clock "assigned" stops."""
    with transaction.atomic():
        task = _locked(task)
        if not permissions.can_work_on_task(actor, task):
            raise PermissionDeniedError(_("只有牵头单位可以签收该任务。"))
        return _transition(
            actor=actor,
            task=task,
            target=TaskStatus.SIGNED_FOR,
            extra={"signed_for_at": timezone.now()},
            action="task.signed_for",
        )


def task_start(*, actor: Any, task: Task) -> Task:
    with transaction.atomic():
        task = _locked(task)
        if not permissions.can_work_on_task(actor, task):
            raise PermissionDeniedError(_("只有牵头单位可以办理该任务。"))
        return _transition(actor=actor, task=task, target=TaskStatus.IN_PROGRESS, action="task.started")


def task_update_add(*, actor: Any, task: Task, body: str, kind: str = "progress") -> TaskUpdate:
    """Add a message to the task's progress thread. Posting progress on a
    signed-for task moves it to "in progress"."""
    if not body.strip():
        raise ServiceError(_("进展内容不能为空。"))
    with transaction.atomic():
        task = _locked(task)
        if not permissions.can_post_update(actor, task):
            raise PermissionDeniedError(_("您不能在该任务中填报进展。"))
        if task.status in (TaskStatus.VERIFIED, TaskStatus.CANCELLED):
            raise ServiceError(_("任务已办结或撤销，不能再填报进展。"))
        update = TaskUpdate.objects.create(
            task=task, author=actor, unit=getattr(actor, "unit", None), kind=kind, body=body.strip()
        )
        audit.record(
            actor=actor,
            action="task.progress",
            obj=task,
            enterprise_id=task.enterprise_id,
            summary=_("填报任务进展：%(title)s") % {"title": task.title},
            changes={"progress": ["", body.strip()[:200]]},
        )
        if task.status == TaskStatus.SIGNED_FOR and permissions.can_work_on_task(actor, task):
            _transition(actor=actor, task=task, target=TaskStatus.IN_PROGRESS, action="task.started")
    return update


def task_report_done(*, actor: Any, task: Task, note: str = "") -> Task:
    """The unit reports the task done; HQ verifies it next."""
    with transaction.atomic():
        task = _locked(task)
        if not permissions.can_work_on_task(actor, task):
            raise PermissionDeniedError(_("只有牵头单位可以报办结。"))
        if note.strip():
            TaskUpdate.objects.create(task=task, author=actor, unit=actor.unit, kind="done", body=note.strip())
        _transition(
            actor=actor,
            task=task,
            target=TaskStatus.REPORTED_DONE,
            reason=note,
            extra={
                "reported_done_at": timezone.now(),
                "reported_on_time": timezone.localdate() <= task.deadline,
            },
            action="task.reported_done",
        )
        hq = list(people_in_roles(task.programme_id, Role.HQ_STAFF))
        if task.created_by is not None:
            hq.append(task.created_by)
        notify(
            recipients=hq,
            verb="task.reported_done",
            title=_("待核销：%(title)s") % {"title": task.title},
            body=_("%(unit)s 已报办结。") % {"unit": task.lead_unit},
            url=task_url(task),
            dedupe_key=f"task.reported_done:{task.pk}:{task.version}",
        )
        return task


def task_verify(*, actor: Any, task: Task, note: str = "") -> Task:
    """HQ verifies (核销) a reported task: it is done."""
    _require_hq_editor(actor)
    with transaction.atomic():
        task = _locked(task)
        _transition(
            actor=actor,
            task=task,
            target=TaskStatus.VERIFIED,
            reason=note,
            extra={"completed_at": timezone.now(), "warning_level": "none", "red_since": None},
            action="task.verified",
        )
        TaskStage.objects.filter(task=task, ended_at__isnull=True).update(ended_at=task.completed_at)
        notify(
            recipients=unit_people(task.lead_unit) + ([task.responsible] if task.responsible else []),
            verb="task.verified",
            title=_("任务已核销：%(title)s") % {"title": task.title},
            url=task_url(task),
            dedupe_key=f"task.verified:{task.pk}",
        )
        return task


def task_return(*, actor: Any, task: Task, reason: str) -> Task:
    """HQ sends a reported task back: the unit must continue."""
    _require_hq_editor(actor)
    if not reason.strip():
        raise ServiceError(_("请填写退回理由。"))
    with transaction.atomic():
        task = _locked(task)
        _transition(
            actor=actor,
            task=task,
            target=TaskStatus.IN_PROGRESS,
            reason=reason,
            extra={"reported_done_at": None, "reported_on_time": None},
            action="task.returned",
        )
        TaskUpdate.objects.create(task=task, author=actor, unit=actor.unit, kind="returned", body=reason.strip())
        notify(
            recipients=unit_people(task.lead_unit),
            verb="task.returned",
            title=_("任务被退回：%(title)s") % {"title": task.title},
            body=reason,
            url=task_url(task),
            dedupe_key=f"task.returned:{task.pk}:{task.version}",
        )
        return task


def task_cancel(*, actor: Any, task: Task, reason: str) -> Task:
    _require_hq_editor(actor)
    if not reason.strip():
        raise ServiceError(_("请填写撤销理由。"))
    with transaction.atomic():
        task = _locked(task)
        _transition(actor=actor, task=task, target=TaskStatus.CANCELLED, reason=reason, action="task.cancelled")
        TaskStage.objects.filter(task=task, ended_at__isnull=True).update(ended_at=timezone.now())
        return task


def task_reassign(
    *,
    actor: Any,
    task: Task,
    lead_unit: Unit,
    responsible: Any = None,
    reason: str = "",
    deadline: dt.date | None = None,
) -> Task:
    """Give the task to another unit (or person). It goes back to "assigned"
    for the new owner to sign for; both the old and the new owner are told."""
    _require_hq_editor(actor)
    if responsible is not None and responsible.unit_id != lead_unit.pk:
        raise ServiceError(_("责任人必须属于新的牵头单位。"))
    with transaction.atomic():
        task = _locked(task)
        if task.lead_unit_id == lead_unit.pk and task.responsible_id == getattr(responsible, "pk", None):
            raise ServiceError(_("新的承办单位和责任人与原来相同。"))
        old_unit, old_responsible = task.lead_unit, task.responsible
        extra: dict[str, Any] = {"lead_unit": lead_unit, "responsible": responsible, "signed_for_at": None}
        if deadline is not None:
            extra["deadline"] = deadline
        previous = workflow.move(
            task,
            field="status",
            target=TaskStatus.ASSIGNED,
            allowed=REASSIGN_TRANSITIONS,
            labels=TaskStatus,
            extra=extra,
        )
        task.co_units.remove(lead_unit)
        _open_stage(task, actor=actor, from_status=previous, reason=reason)
        audit.record(
            actor=actor,
            action="task.reassigned",
            obj=task,
            enterprise_id=task.enterprise_id,
            summary=_("任务“%(title)s”改由 %(new)s 承办（原 %(old)s）")
            % {"title": task.title, "new": lead_unit, "old": old_unit},
            changes={
                "lead_unit": [str(old_unit), str(lead_unit)],
                "responsible": [str(old_responsible or ""), str(responsible or "")],
                "reason": ["", reason],
            },
        )
        key = f"task.reassigned:{task.pk}:{task.version}"
        notify(
            recipients=unit_people(old_unit) + ([old_responsible] if old_responsible else []),
            verb="task.reassigned_away",
            title=_("任务已改派：%(title)s") % {"title": task.title},
            body=_("该任务已改由 %(new)s 承办。%(reason)s") % {"new": lead_unit, "reason": reason},
            url=task_url(task),
            dedupe_key=key + ":old",
        )
        notify(
            recipients=unit_people(lead_unit) + ([responsible] if responsible else []),
            verb="task.assigned",
            title=_("改派给您的任务：%(title)s") % {"title": task.title},
            body=_("完成时限：%(d)s") % {"d": task.deadline.isoformat()},
            url=task_url(task),
            dedupe_key=key + ":new",
        )
        return task


def task_extend(*, actor: Any, task: Task, deadline: dt.date, reason: str) -> Task:
    """HQ moves a task's deadline (e.g. after a meeting agreed to it)."""
    _require_hq_editor(actor)
    if not reason.strip():
        raise ServiceError(_("请填写调整完成时限的理由。"))
    with transaction.atomic():
        task = _locked(task)
        if task.status in (TaskStatus.VERIFIED, TaskStatus.CANCELLED):
            raise ServiceError(_("任务已办结或撤销，不能调整完成时限。"))
        old = task.deadline
        expected = task.version
        task.deadline = deadline
        task.warning_level = "none"
        task.red_since = None
        if task.reported_done_at is not None:
            task.reported_on_time = timezone.localdate(task.reported_done_at) <= deadline
        workflow.save_if_unchanged(
            task, expected_version=expected, fields=["deadline", "warning_level", "red_since", "reported_on_time"]
        )
        audit.record(
            actor=actor,
            action="task.deadline_changed",
            obj=task,
            enterprise_id=task.enterprise_id,
            summary=_("调整任务“%(title)s”完成时限：%(old)s → %(new)s")
            % {"title": task.title, "old": old.isoformat(), "new": deadline.isoformat()},
            changes={"deadline": [old.isoformat(), deadline.isoformat()], "reason": ["", reason]},
        )
        return task


def task_remind(*, actor: Any, task: Task, note: str = "") -> int:
    """催办 by hand: remind the responsible person and the unit's liaison (once per day)."""
    _require_hq_editor(actor)
    recipients = unit_people(task.lead_unit, roles=(Role.UNIT_LIAISON,))
    if task.responsible is not None:
        recipients.append(task.responsible)
    with transaction.atomic():
        sent = notify(
            recipients=recipients,
            verb="task.reminder",
            title=_("催办：%(title)s") % {"title": task.title},
            body=note or _("请抓紧办理，完成时限 %(d)s。") % {"d": task.deadline.isoformat()},
            url=task_url(task),
            dedupe_key=f"task.remind.manual:{task.pk}:{timezone.localdate().isoformat()}",
        )
        audit.record(
            actor=actor,
            action="task.reminded",
            obj=task,
            enterprise_id=task.enterprise_id,
            summary=_("催办任务：%(title)s") % {"title": task.title},
        )
    return len(sent)


ATTACHMENT_PURPOSE = "supervision.task"


def task_attach(*, actor: Any, task: Task, uploaded_file: Any, update: TaskUpdate | None = None) -> TaskAttachment:
    """Attach a PDF or photo to the task (type checked by content, size limited,
    SHA-256 kept and re-checked on download)."""
    from relocation.core.uploads import store_upload

    if not permissions.can_post_update(actor, task):
        raise PermissionDeniedError(_("您不能在该任务中上传附件。"))
    with transaction.atomic():
        stored = store_upload(
            actor=actor,
            uploaded_file=uploaded_file,
            kinds=("pdf", "jpeg", "png"),
            enterprise_id=task.enterprise_id,
            purpose=ATTACHMENT_PURPOSE,
        )
        attachment = TaskAttachment.objects.create(task=task, update=update, file=stored, uploaded_by=actor)
        audit.record(
            actor=actor,
            action="task.attachment_added",
            obj=task,
            enterprise_id=task.enterprise_id,
            summary=_("任务“%(title)s”上传附件：%(name)s") % {"title": task.title, "name": stored.original_name},
            changes={"attachment": ["", f"{stored.original_name} sha256={stored.sha256}"]},
        )
    return attachment
