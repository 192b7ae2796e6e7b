"""My work from supervision: tasks a unit must sign for or report (with the
running stage's clock), the unit's report for the closed period, and for HQ the
tasks reported done to verify and the reports to review. Found by core.my_work."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relocation.core import my_work
from relocation.core.roles import Role, is_hq, is_hq_editor, role_of
from relocation.organisation.selectors import programme_for
from relocation.supervision.models import ReportStatus, Task, TaskStage, TaskStatus, UnitReport
from relocation.supervision.transitions import UNIT_OWES

TASK = gettext_lazy("督办任务")
REPORT = gettext_lazy("信息报送")
# What the unit does next in each status it owes, and whether the home's button does it at once.
NEXT_STEP = {
    TaskStatus.ASSIGNED: (gettext_lazy("签收"), "sign_for"),
    TaskStatus.SIGNED_FOR: (gettext_lazy("填报进展"), ""),
    TaskStatus.IN_PROGRESS: (gettext_lazy("报办结"), ""),
}


def _stage_clock(task: Task, now: dt.datetime) -> str:
    stage = task.open_stages[0] if task.open_stages else None
    if stage is None:
        return ""
    days = (timezone.localdate(now) - timezone.localdate(stage.started_at)).days
    return _("%(stage)s已 %(days)s 天") % {"stage": stage.get_status_display(), "days": days}


def _open_stages():
    from django.db.models import Prefetch

    return Prefetch("stages", queryset=TaskStage.objects.filter(ended_at__isnull=True), to_attr="open_stages")


def unit_tasks(user: Any, today: dt.date, limit: int) -> list[my_work.WorkItem]:
    """Tasks the user's unit leads (leader, liaison) or the user is responsible for, still owed."""
    programme = programme_for(user)
    if programme is None:
        return []
    mine = Q(responsible_id=user.pk)
    if role_of(user) in {Role.UNIT_LEADER, Role.UNIT_LIAISON} and user.unit_id:
        mine |= Q(lead_unit_id=user.unit_id)
    elif not (role_of(user) == Role.INSPECTOR or is_hq(user)):
        return []
    qs = (
        Task.objects.filter(mine, programme=programme, status__in=UNIT_OWES)
        .select_related("lead_unit")
        .prefetch_related(_open_stages())
        .order_by("deadline", "id")[:limit]
    )
    now = timezone.now()
    items = []
    for task in qs:
        label, post = NEXT_STEP[task.status]
        items.append(
            my_work.WorkItem(
                kind=TASK,
                title=task.title,
                action_label=label,
                action_url=reverse("supervision:task", args=[task.pk]),
                post=(("action", post),) if post else (),
                due=task.deadline,
                detail=" · ".join(p for p in [str(task.lead_unit), _stage_clock(task, now)] if p),
            )
        )
    return items


def hq_verifications(user: Any, today: dt.date, limit: int) -> list[my_work.WorkItem]:
    """Tasks a unit reported done: HQ verifies (核销) or sends them back."""
    if not is_hq_editor(user):
        return []
    programme = programme_for(user)
    if programme is None:
        return []
    qs = (
        Task.objects.filter(programme=programme, status=TaskStatus.REPORTED_DONE)
        .select_related("lead_unit")
        .order_by("deadline", "id")[:limit]
    )
    return [
        my_work.WorkItem(
            kind=TASK,
            title=task.title,
            action_label=gettext_lazy("核销"),
            action_url=reverse("supervision:task", args=[task.pk]),
            due=task.deadline,
            detail=_("%(unit)s已报办结") % {"unit": task.lead_unit},
        )
        for task in qs
    ]


def unit_report_due(user: Any, today: dt.date, limit: int) -> list[my_work.WorkItem]:
    """The unit's report on the last closed period, while it is not submitted."""
    if role_of(user) not in {Role.UNIT_LEADER, Role.UNIT_LIAISON} or not user.unit_id:
        return []
    programme = programme_for(user)
    if programme is None or user.unit.kind == user.unit.Kind.HEADQUARTERS:
        return []
    from relocation.supervision.reports import last_closed_period

    period = last_closed_period(programme, today)
    report = (
        UnitReport.objects.filter(programme=programme, unit_id=user.unit_id, period_start=period.start)
        .only("pk", "status")
        .first()
    )
    if report is not None and report.status != ReportStatus.DRAFT:
        return []
    return [
        my_work.WorkItem(
            kind=REPORT,
            title=_("%(start)s 至 %(end)s 的双周报告")
            % {"start": period.start.isoformat(), "end": period.end.isoformat()},
            action_label=gettext_lazy("填报"),
            action_url=reverse("supervision:report", args=[report.pk])
            if report is not None
            else reverse("supervision:report_open"),
            post=() if report is not None else (("period", period.start.isoformat()),),
            due=period.due_on,
            detail=_("草稿未提交") if report is not None else "",
        )
    ]


def hq_report_reviews(user: Any, today: dt.date, limit: int) -> list[my_work.WorkItem]:
    """Submitted unit reports HQ has not reviewed yet."""
    if not is_hq_editor(user):
        return []
    programme = programme_for(user)
    if programme is None:
        return []
    qs = (
        UnitReport.objects.filter(programme=programme, status=ReportStatus.SUBMITTED)
        .select_related("unit")
        .only("pk", "due_on", "period_start", "period_end", "unit__name", "unit__short_name")
        .order_by("due_on", "id")[:limit]
    )
    return [
        my_work.WorkItem(
            kind=REPORT,
            title=_("%(unit)s %(start)s 至 %(end)s 的双周报告")
            % {"unit": r.unit, "start": r.period_start.isoformat(), "end": r.period_end.isoformat()},
            action_label=gettext_lazy("审阅"),
            action_url=reverse("supervision:report", args=[r.pk]),
            due=r.due_on,
        )
        for r in qs
    ]


my_work.register("supervision.tasks", unit_tasks)
my_work.register("supervision.verify", hq_verifications)
my_work.register("supervision.report", unit_report_due)
my_work.register("supervision.review", hq_report_reviews)
