"""Reads of tasks, clocks and unit reports, scoped to the user. Other apps
(meetings, reporting) read through `open_coordination_problems`,
`reports_for_period` and `scorecards.task_stats`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from relocation.core import workdays
from relocation.core.roles import is_hq, is_staff_member
from relocation.organisation.models import Programme, Unit
from relocation.organisation.selectors import programme_for
from relocation.supervision.models import (
    CoordinationProblem,
    MonthlyReview,
    ReportStatus,
    SupervisionNotice,
    Task,
    TaskStage,
    TaskStatus,
    UnitReport,
    WarningLevel,
)
from relocation.supervision.transitions import OPEN_STATUSES, UNIT_OWES


def tasks_for_user(user: Any) -> QuerySet[Task]:
    """HQ and the group see every task of their programme (the one an installation-wide
    account picked, for those); a unit sees the tasks it leads or co-handles."""
    base = Task.objects.select_related("lead_unit", "responsible")
    if is_hq(user):
        programme = programme_for(user)
        return base.filter(programme=programme) if programme is not None else base.none()
    if is_staff_member(user) and user.unit_id:
        co = Task.co_units.through.objects.filter(unit_id=user.unit_id).values("task_id")
        return base.filter(Q(lead_unit_id=user.unit_id) | Q(pk__in=co))
    return base.none()


def task_for_user(user: Any, pk: int) -> Task:
    return get_object_or_404(tasks_for_user(user).select_related("programme"), pk=pk)


def filter_tasks(
    qs: QuerySet[Task], params: dict[str, str], *, today: dt.date, yellow_until: dt.date
) -> QuerySet[Task]:
    status = params.get("status", "")
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status in TaskStatus.values:
        qs = qs.filter(status=status)
    if params.get("unit", "").isdigit():
        qs = qs.filter(lead_unit_id=int(params["unit"]))
    if params.get("source"):
        qs = qs.filter(source=params["source"])
    warning = params.get("warning")
    if warning == WarningLevel.RED:
        qs = qs.filter(status__in=UNIT_OWES, deadline__lt=today)
    elif warning == WarningLevel.YELLOW:
        qs = qs.filter(status__in=UNIT_OWES, deadline__gte=today, deadline__lte=yellow_until)
    if params.get("q"):
        qs = qs.filter(title__icontains=params["q"])
    if params.get("mine") == "1" and params.get("_user_id"):
        qs = qs.filter(responsible_id=int(params["_user_id"]))
    return qs


def colour(task: Task, today: dt.date, yellow_until: dt.date) -> str:
    if task.status not in UNIT_OWES:
        return WarningLevel.NONE
    if task.deadline < today:
        return WarningLevel.RED
    if task.deadline <= yellow_until:
        return WarningLevel.YELLOW
    return WarningLevel.NONE


@dataclass
class StageClock:
    stage: TaskStage
    hours: float
    workdays: int
    running: bool


def stage_clocks(task: Task, now: dt.datetime | None = None) -> list[StageClock]:
    """How long each stage lasted and who held it; the running one up to now."""
    now = now or timezone.now()
    result = []
    for stage in task.stages.select_related("holder_unit", "holder", "actor"):
        end = stage.ended_at or now
        result.append(
            StageClock(
                stage=stage,
                hours=round((end - stage.started_at).total_seconds() / 3600, 1),
                workdays=max(
                    workdays.workdays_between(timezone.localdate(stage.started_at), timezone.localdate(end)), 0
                ),
                running=stage.ended_at is None,
            )
        )
    return result


def task_detail_parts(task: Task) -> dict[str, Any]:
    return {
        "co_units": list(task.co_units.all()),
        "updates": list(task.updates.select_related("author", "unit")),
        "notices": list(task.notices.defer("document")),
        "escalations": list(task.escalations.all()),
    }


def notice_for_user(user: Any, pk: int) -> SupervisionNotice:
    visible = tasks_for_user(user).values("pk")
    return get_object_or_404(SupervisionNotice.objects.filter(task_id__in=visible).select_related("task"), pk=pk)


# ---- reports -------------------------------------------------------------


def reports_for_user(user: Any) -> QuerySet[UnitReport]:
    base = UnitReport.objects.select_related("unit", "submitted_by", "reviewed_by")
    if is_hq(user):
        return base
    if is_staff_member(user) and user.unit_id:
        return base.filter(unit_id=user.unit_id)
    return base.none()


def report_for_user(user: Any, pk: int) -> UnitReport:
    return get_object_or_404(reports_for_user(user).prefetch_related("problems"), pk=pk)


def reports_for_period(programme: Programme, start: dt.date, end: dt.date) -> QuerySet[UnitReport]:
    """Submitted (or reviewed) unit reports whose period overlaps [start, end],
    with their coordination problems — for the bulletin's highlights."""
    return (
        UnitReport.objects.filter(programme=programme, period_start__lte=end, period_end__gte=start)
        .exclude(status=ReportStatus.DRAFT)
        .select_related("unit")
        .prefetch_related("problems")
        .order_by("period_start", "unit__order")
    )


def open_coordination_problems(programme: Programme, since: dt.date | None = None) -> QuerySet[CoordinationProblem]:
    """Problems units raised in submitted reports that no meeting has settled
    yet — the monthly meeting's agenda. Resolve one with reports.problem_resolve."""
    qs = CoordinationProblem.objects.filter(
        report__programme=programme, status=CoordinationProblem.Status.OPEN
    ).exclude(report__status=ReportStatus.DRAFT)
    if since is not None:
        qs = qs.filter(report__submitted_at__date__gte=since)
    return qs.select_related("unit", "report").order_by("-is_urgent", "created_at", "id")


def missing_reports(programme: Programme, period_start: dt.date) -> QuerySet[Unit]:
    from relocation.supervision.reports import reporting_units

    submitted = (
        UnitReport.objects.filter(programme=programme, period_start=period_start)
        .exclude(status=ReportStatus.DRAFT)
        .values("unit_id")
    )
    return reporting_units(programme).exclude(pk__in=submitted)


def reviews(programme: Programme) -> QuerySet[MonthlyReview]:
    from django.db.models import Count

    return MonthlyReview.objects.filter(programme=programme).annotate(
        n_items=Count("items"), n_reviewed=Count("items", filter=Q(items__reviewed=True))
    )


def review_items(review: MonthlyReview):
    from relocation.supervision.models import MonthlyReviewItem

    return MonthlyReviewItem.objects.filter(review=review).select_related(
        "task__lead_unit", "task__responsible", "reviewed_by"
    )


def stage_prefetch() -> Prefetch:
    return Prefetch("stages", queryset=TaskStage.objects.filter(ended_at__isnull=True), to_attr="open_stages")


def task_attachments(task: Task) -> list[Any]:
    """Files attached to the task (progress evidence), oldest first."""
    from relocation.supervision.models import TaskAttachment

    return list(TaskAttachment.objects.filter(task=task).select_related("file", "uploaded_by"))


def can_download_attachment(user: Any, stored: Any) -> bool:
    """core.uploads asks this before serving a task attachment: whoever may see the task."""
    from relocation.supervision.models import TaskAttachment

    task_ids = TaskAttachment.objects.filter(file=stored).values("task_id")
    return tasks_for_user(user).filter(pk__in=task_ids).exists()


def task_stats(programme: Programme, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Task figures for the monthly bulletin (on-time rate per unit, overdue list);
    see scorecards.task_stats for the shape."""
    from relocation.supervision.scorecards import task_stats as compute

    return compute(programme, start, end)
