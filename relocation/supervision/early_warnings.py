"""The early-warning scan (预警、催办、督办、升级), run daily by huey and
callable directly (tests pass `today`).

Every effect is keyed so that running the scan twice on the same day — a
retry, a second worker, a restart — changes and sends nothing the second time:
reminders by notification dedupe keys, notices by (task, deadline), escalations
by (task, level, deadline).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit, workdays
from relocation.core.notifications import notify
from relocation.core.roles import Role
from relocation.organisation.models import Programme
from relocation.organisation.selectors import people_in_roles
from relocation.supervision.models import Escalation, SupervisionNotice, Task, WarningLevel
from relocation.supervision.notices import notice_issue
from relocation.supervision.services import settings_for, task_url, unit_people
from relocation.supervision.transitions import UNIT_OWES


@dataclass
class ScanResult:
    yellow: int = 0
    red: int = 0
    reminders: int = 0
    notices: list[str] = field(default_factory=list)
    escalations: int = 0


def warning_level(deadline: dt.date, today: dt.date, yellow_threshold: dt.date) -> str:
    """Red once the deadline has passed; yellow when it falls within the
    configured number of working days."""
    if deadline < today:
        return WarningLevel.RED
    if deadline <= yellow_threshold:
        return WarningLevel.YELLOW
    return WarningLevel.NONE


def yellow_threshold(programme: Programme, today: dt.date) -> dt.date:
    return workdays.add_workdays(today, settings_for(programme).yellow_workdays)


def _remind(task: Task, level: str) -> int:
    recipients: list[Any] = unit_people(task.lead_unit, roles=(Role.UNIT_LIAISON,))
    if task.responsible is not None:
        recipients.append(task.responsible)
    if level == WarningLevel.YELLOW:
        title = _("临期提醒：%(title)s") % {"title": task.title}
        body = _("完成时限 %(d)s 临近，请抓紧办理。") % {"d": task.deadline.isoformat()}
    else:
        title = _("逾期催办：%(title)s") % {"title": task.title}
        body = _("任务已超过完成时限 %(d)s，请立即办理并报告。") % {"d": task.deadline.isoformat()}
    return len(
        notify(
            recipients=recipients,
            verb=f"task.{level}",
            title=title,
            body=body,
            url=task_url(task),
            dedupe_key=f"task.{level}:{task.pk}:{task.deadline.isoformat()}",
        )
    )


def _escalate(task: Task, level: int, recipients: list[Any]) -> bool:
    try:
        with transaction.atomic():
            Escalation.objects.create(task=task, level=level, deadline=task.deadline)
            label = Escalation.Level(level).label
            audit.record(
                actor=None,
                action="task.escalated",
                obj=task,
                enterprise_id=task.enterprise_id,
                summary=_("逾期任务%(label)s：%(title)s（%(unit)s）")
                % {"label": label, "title": task.title, "unit": task.lead_unit},
            )
            notify(
                recipients=recipients,
                verb="task.escalated",
                title=_("%(label)s：%(title)s") % {"label": label, "title": task.title},
                body=_("%(unit)s 承办的任务逾期未办结（完成时限 %(d)s）。")
                % {"unit": task.lead_unit, "d": task.deadline.isoformat()},
                url=task_url(task),
                dedupe_key=f"task.escalated:{task.pk}:{level}:{task.deadline.isoformat()}",
            )
    except IntegrityError:
        return False
    return True


def scan_tasks(*, today: dt.date | None = None, programme: Programme | None = None, only: Any = None) -> ScanResult:
    """Colour every open task, remind, issue notices and escalate. `only`
    (a Q object) narrows the scan, e.g. to the demo's own tasks."""
    today = today or timezone.localdate()
    result = ScanResult()
    programmes = [programme] if programme else list(Programme.objects.filter(is_active=True))
    for prog in programmes:
        commanders = list(people_in_roles(prog, Role.HQ_COMMANDER))
        group = list(people_in_roles(prog, Role.GROUP_LEADER))
        conf = settings_for(prog)
        threshold = workdays.add_workdays(today, conf.yellow_workdays)
        open_tasks = Task.objects.filter(programme=prog, status__in=UNIT_OWES)
        if only is not None:
            open_tasks = open_tasks.filter(only)
        # Tasks that left the warning zone (deadline moved, finished) go back to normal.
        Task.objects.filter(programme=prog).exclude(status__in=UNIT_OWES).exclude(warning_level="none").update(
            warning_level="none", red_since=None
        )
        open_tasks.filter(deadline__gt=threshold).exclude(warning_level="none").update(
            warning_level="none", red_since=None
        )
        due = open_tasks.filter(deadline__lte=threshold).select_related("lead_unit", "responsible", "programme")
        for task in due.iterator(chunk_size=500):
            level = warning_level(task.deadline, today, threshold)
            if level == WarningLevel.RED:
                result.red += 1
                if task.warning_level != WarningLevel.RED or task.red_since is None:
                    task.warning_level, task.red_since = WarningLevel.RED, today
                    Task.objects.filter(pk=task.pk).update(warning_level=WarningLevel.RED, red_since=today)
                with transaction.atomic():
                    result.reminders += _remind(task, WarningLevel.RED)
                    had_notice = SupervisionNotice.objects.filter(task=task, deadline=task.deadline).exists()
                    notice = notice_issue(actor=None, task=task, today=today)
                    if not had_notice:
                        result.notices.append(notice.number)
                # Counted from the deadline, so a scan that did not run for a few days escalates on time.
                red_days = workdays.workdays_between(task.deadline, today)
                if red_days >= conf.escalate_commander_workdays:
                    result.escalations += _escalate(task, Escalation.Level.COMMANDER, commanders)
                if red_days >= conf.escalate_group_workdays:
                    result.escalations += _escalate(task, Escalation.Level.GROUP, group)
            else:
                result.yellow += 1
                if task.warning_level != WarningLevel.YELLOW:
                    Task.objects.filter(pk=task.pk).update(warning_level=WarningLevel.YELLOW, red_since=None)
                with transaction.atomic():
                    result.reminders += _remind(task, WarningLevel.YELLOW)
    return result
