"""督办单: issuing the numbered supervision notice for a red task."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit, documents, workdays
from relocation.core.errors import ServiceError
from relocation.core.notifications import notify
from relocation.core.official_layout import official_date
from relocation.core.roles import Role
from relocation.supervision.models import SupervisionNotice, Task, TaskStatus
from relocation.supervision.services import settings_for, task_url, unit_people
from relocation.supervision.transitions import OPEN_STATUSES

NOTICE_TEMPLATE = Path(__file__).resolve().parent / "docx" / "supervision_notice.docx"


def _cn_date(d: dt.date) -> str:
    return official_date(d)


def _estimated(day: dt.date, today: dt.date) -> str:
    """A date for the notice's text, saying so when it was counted through a year
    whose official holidays are not entered yet (a signed notice must not mislead)."""
    return _cn_date(day) + workdays.estimate_note(day, since=today)


def notice_context(task: Task, *, number: str, issuer: str, today: dt.date) -> dict[str, Any]:
    liaison = unit_people(task.lead_unit, roles=(Role.UNIT_LIAISON,))
    return {
        "issuer": issuer,
        "number": number,
        "unit_name": task.lead_unit.name,
        "task_title": task.title,
        "description": task.description or "",
        "assigned_on": _cn_date(timezone.localdate(task.created_at)),
        "deadline": _estimated(task.deadline, today),
        "overdue_workdays": max(workdays.workdays_between(task.deadline, today), 0),
        "status": TaskStatus(task.status).label,
        "reply_by": _estimated(workdays.add_workdays(today, 3), today),
        "issued_on": _cn_date(today),
        "contact": str(task.responsible or (liaison[0] if liaison else "")),
    }


def notice_issue(*, actor: Any, task: Task, today: dt.date | None = None) -> SupervisionNotice:
    """Issue the supervision notice for an overdue task, once per task and
    deadline (a second call returns the first notice), and send it to the
    lead unit's leader. The number comes from the issuer's yearly sequence."""
    today = today or timezone.localdate()
    if task.status not in OPEN_STATUSES or task.deadline >= today:
        raise ServiceError(_("只有逾期未办结的任务才能下发督办单。"))
    existing = SupervisionNotice.objects.filter(task=task, deadline=task.deadline).first()
    if existing is not None:
        return existing
    conf = settings_for(task.programme)
    try:
        with transaction.atomic():
            serial, number = documents.next_document_number(conf.notice_prefix, today.year)
            context = notice_context(task, number=number, issuer=conf.notice_issuer, today=today)
            content = documents.render_docx("supervision_notice", NOTICE_TEMPLATE, context)
            notice = SupervisionNotice.objects.create(
                task=task,
                unit=task.lead_unit,
                year=today.year,
                serial=serial,
                number=number,
                deadline=task.deadline,
                issued_by=actor if getattr(actor, "is_authenticated", False) else None,
                document=content,
            )
            audit.record(
                actor=actor,
                action="task.notice_issued",
                obj=task,
                enterprise_id=task.enterprise_id,
                summary=_("下发督办单 %(number)s：%(title)s") % {"number": number, "title": task.title},
                changes={"notice": ["", number]},
            )
            notify(
                recipients=unit_people(task.lead_unit, roles=(Role.UNIT_LEADER,)),
                verb="task.notice",
                title=_("督办单 %(number)s：%(title)s") % {"number": number, "title": task.title},
                body=_("任务已逾期，请于三个工作日内办结并书面报告。"),
                url=task_url(task),
                dedupe_key=f"task.notice:{task.pk}:{task.deadline.isoformat()}",
            )
    except IntegrityError:
        existing = SupervisionNotice.objects.filter(task=task, deadline=task.deadline).first()
        if existing is None:
            raise
        return existing
    return notice
