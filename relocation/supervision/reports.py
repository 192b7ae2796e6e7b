"""信息报送: biweekly unit reports — periods, drafts pre-filled from the
system, submission, HQ review, and the problems raised for coordination."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit, workdays, workflow
from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.notifications import notify
from relocation.core.roles import Role, is_hq_editor
from relocation.organisation.models import Programme, Unit
from relocation.organisation.selectors import people_in_roles
from relocation.supervision import permissions
from relocation.supervision.models import (
    CoordinationProblem,
    ReportStatus,
    Task,
    TaskStatus,
    UnitReport,
)
from relocation.supervision.services import settings_for, unit_people
from relocation.supervision.transitions import OPEN_STATUSES

REPORT_TRANSITIONS: dict[str, frozenset[str]] = {
    ReportStatus.DRAFT: frozenset({ReportStatus.SUBMITTED}),
    ReportStatus.SUBMITTED: frozenset({ReportStatus.REVIEWED}),
    ReportStatus.REVIEWED: frozenset(),
}


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    due_on: dt.date


def period_containing(programme: Programme, day: dt.date) -> Period:
    """The reporting period that contains `day`. Periods run back to back from
    the configured anchor (default: the programme's first phase start); the
    report is due a few working days after the period ends."""
    conf = settings_for(programme)
    anchor = conf.report_anchor or _first_phase_start(programme) or dt.date(day.year, 1, 1)
    return _period(anchor, conf, day)


def _period(anchor: dt.date, conf: Any, day: dt.date) -> Period:
    length = conf.report_period_days
    index = (day - anchor).days // length
    start = anchor + dt.timedelta(days=index * length)
    end = start + dt.timedelta(days=length - 1)
    return Period(start, end, workdays.add_workdays(end, conf.report_due_workdays))


def _first_phase_start(programme: Programme) -> dt.date | None:
    phase = programme.phases.order_by("starts_on").first()
    return phase.starts_on if phase else None


def last_closed_period(programme: Programme, today: dt.date) -> Period:
    """The most recent period that has ended: the one units report on now."""
    conf = settings_for(programme)
    anchor = conf.report_anchor or _first_phase_start(programme) or dt.date(today.year, 1, 1)
    # The anchor and length of the period containing today, read once (the home page asks per request).
    length = conf.report_period_days
    current_start = anchor + dt.timedelta(days=((today - anchor).days // length) * length)
    return _period(anchor, conf, current_start - dt.timedelta(days=1))


def periods_between(programme: Programme, start: dt.date, end: dt.date) -> list[Period]:
    conf = settings_for(programme)
    anchor = conf.report_anchor or _first_phase_start(programme) or dt.date(start.year, 1, 1)
    length = dt.timedelta(days=conf.report_period_days)
    first = anchor + ((start - anchor).days // length.days) * length
    starts = []
    while first <= end:
        starts.append(first)
        first += length
    # One calendar query for every period's due date.
    ends = [s + length - dt.timedelta(days=1) for s in starts]
    dues = workdays.add_workdays_each(ends, conf.report_due_workdays)
    return [Period(s, e, d) for s, e, d in zip(starts, ends, dues, strict=True)]


def reporting_units(programme: Programme):
    """Every member unit reports, HQ itself excepted."""
    return Unit.objects.filter(programme=programme).exclude(kind=Unit.Kind.HEADQUARTERS)


def prefill_progress(unit: Unit, period: Period) -> str:
    """The system's view of the unit's tasks in the period, as a starting text."""
    lines = []
    tasks = Task.objects.filter(lead_unit=unit).exclude(status=TaskStatus.CANCELLED)
    done = tasks.filter(reported_done_at__date__gte=period.start, reported_done_at__date__lte=period.end)
    for t in done[:30]:
        lines.append(_("【已报办结】%(title)s（时限 %(d)s）") % {"title": t.title, "d": t.deadline.isoformat()})
    for t in tasks.filter(status__in=OPEN_STATUSES).exclude(status=TaskStatus.REPORTED_DONE)[:30]:
        state = _("已逾期") if t.deadline < period.end else TaskStatus(t.status).label
        last = t.updates.order_by("-created_at").first()
        lines.append(
            _("【%(state)s】%(title)s（时限 %(d)s）%(last)s")
            % {
                "state": state,
                "title": t.title,
                "d": t.deadline.isoformat(),
                "last": f"：{last.body[:80]}" if last else "",
            }
        )
    return "\n".join(lines) or _("本周期无督办任务。")


def report_open(*, actor: Any, unit: Unit, period_start: dt.date) -> UnitReport:
    """Open (or return) the unit's report for the period, pre-filled from the system."""
    if not (is_hq_editor(actor) or permissions.acts_for_unit(actor, unit.pk)):
        raise PermissionDeniedError(_("只能为本单位填写信息报送。"))
    period = period_containing(unit.programme, period_start)
    existing = UnitReport.objects.filter(unit=unit, period_start=period.start).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            report = UnitReport.objects.create(
                programme=unit.programme,
                unit=unit,
                period_start=period.start,
                period_end=period.end,
                due_on=period.due_on,
                progress=prefill_progress(unit, period),
            )
            audit.record(
                actor=actor,
                action="report.opened",
                obj=report,
                summary=_("%(unit)s 开始填写 %(start)s 至 %(end)s 信息报送")
                % {"unit": unit, "start": period.start.isoformat(), "end": period.end.isoformat()},
            )
    except IntegrityError:
        return UnitReport.objects.get(unit=unit, period_start=period.start)
    return report


def report_save(
    *,
    actor: Any,
    report: UnitReport,
    progress: str,
    next_steps: str,
    suggestions: str,
    problems: list[dict[str, Any]] | None = None,
    expected_version: int | None = None,
) -> UnitReport:
    """Save the draft. `problems` (title, detail, is_urgent) replaces the
    draft's list of problems needing coordination."""
    if not permissions.acts_for_unit(actor, report.unit_id) and not is_hq_editor(actor):
        raise PermissionDeniedError(_("只能修改本单位的信息报送。"))
    if report.status != ReportStatus.DRAFT:
        raise ServiceError(_("信息报送已报送，不能再修改。"))
    for i, p in enumerate(problems or [], start=1):
        if not str(p.get("title", "")).strip():
            raise ServiceError(_("第 %(n)d 个需协调问题缺少标题。") % {"n": i})
    with transaction.atomic():
        before = audit.snapshot(report, ["progress", "next_steps", "suggestions"])
        report.progress, report.next_steps, report.suggestions = progress, next_steps, suggestions
        workflow.save_if_unchanged(
            report,
            expected_version=report.version if expected_version is None else expected_version,
            fields=["progress", "next_steps", "suggestions"],
        )
        if problems is not None:
            report.problems.all().delete()
            CoordinationProblem.objects.bulk_create(
                [
                    CoordinationProblem(
                        report=report,
                        unit=report.unit,
                        title=str(p["title"]).strip()[:300],
                        detail=str(p.get("detail", "")),
                        is_urgent=bool(p.get("is_urgent")),
                    )
                    for p in problems
                ]
            )
        audit.record(
            actor=actor,
            action="report.saved",
            obj=report,
            summary=_("保存信息报送草稿：%(unit)s %(start)s") % {"unit": report.unit, "start": report.period_start},
            changes=audit.diff(before, audit.snapshot(report, ["progress", "next_steps", "suggestions"])),
        )
    return report


def report_submit(*, actor: Any, report: UnitReport) -> UnitReport:
    if not permissions.acts_for_unit(actor, report.unit_id):
        raise PermissionDeniedError(_("只能由本单位报送。"))
    if not report.progress.strip():
        raise ServiceError(_("请填写工作进展后再报送。"))
    with transaction.atomic():
        now = timezone.now()
        workflow.move(
            report,
            field="status",
            target=ReportStatus.SUBMITTED,
            allowed=REPORT_TRANSITIONS,
            labels=ReportStatus,
            extra={"submitted_at": now, "submitted_by": actor},
        )
        audit.record(
            actor=actor,
            action="report.submitted",
            obj=report,
            summary=_("%(unit)s 报送 %(start)s 至 %(end)s 信息")
            % {"unit": report.unit, "start": report.period_start, "end": report.period_end},
        )
        urgent = list(report.problems.filter(is_urgent=True))
        if urgent:
            notify(
                recipients=people_in_roles(report.programme_id, Role.HQ_COMMANDER, Role.HQ_STAFF),
                verb="report.urgent_problem",
                title=_("%(unit)s 提出紧急协调问题：%(title)s") % {"unit": report.unit, "title": urgent[0].title},
                url=f"/supervision/reports/{report.pk}/",
                dedupe_key=f"report.urgent:{report.pk}",
            )
    return report


def report_review(*, actor: Any, report: UnitReport, comment: str) -> UnitReport:
    """HQ reviews a submitted report with a comment; the unit is told."""
    if not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部工作人员可以审阅信息报送。"))
    with transaction.atomic():
        workflow.move(
            report,
            field="status",
            target=ReportStatus.REVIEWED,
            allowed=REPORT_TRANSITIONS,
            labels=ReportStatus,
            extra={"reviewed_at": timezone.now(), "reviewed_by": actor, "review_comment": comment},
        )
        audit.record(
            actor=actor,
            action="report.reviewed",
            obj=report,
            summary=_("审阅 %(unit)s %(start)s 信息报送") % {"unit": report.unit, "start": report.period_start},
            changes={"review_comment": ["", comment]},
        )
        notify(
            recipients=unit_people(report.unit),
            verb="report.reviewed",
            title=_("信息报送已审阅：%(start)s 至 %(end)s") % {"start": report.period_start, "end": report.period_end},
            body=comment,
            url=f"/supervision/reports/{report.pk}/",
            dedupe_key=f"report.reviewed:{report.pk}",
        )
    return report


def problem_resolve(*, actor: Any, problem: CoordinationProblem, resolution: str) -> CoordinationProblem:
    """Close a problem needing coordination (a meeting decided on it)."""
    if not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部工作人员可以办结协调问题。"))
    with transaction.atomic():
        updated = CoordinationProblem.objects.filter(pk=problem.pk, status=CoordinationProblem.Status.OPEN).update(
            status=CoordinationProblem.Status.RESOLVED, resolution=resolution, resolved_at=timezone.now()
        )
        if updated != 1:
            raise ServiceError(_("该问题已协调办结。"))
        problem.refresh_from_db()
        audit.record(
            actor=actor,
            action="report.problem_resolved",
            obj=problem,
            summary=_("协调办结：%(title)s") % {"title": problem.title},
            changes={"resolution": ["", resolution]},
        )
    return problem


def remind_reports(*, today: dt.date | None = None) -> int:
    """Remind units whose report for the last closed period is not in, from
    N working days before the due date (once per unit and period); on the day
    after the due date, tell HQ which are missing (once per period)."""
    today = today or timezone.localdate()
    sent = 0
    for programme in Programme.objects.filter(is_active=True):
        conf = settings_for(programme)
        period = last_closed_period(programme, today)
        submitted = set(
            UnitReport.objects.filter(unit__programme=programme, period_start=period.start)
            .exclude(status=ReportStatus.DRAFT)
            .values_list("unit_id", flat=True)
        )
        missing = [u for u in reporting_units(programme) if u.pk not in submitted]
        if workdays.add_workdays(today, conf.report_remind_workdays) >= period.due_on and today <= period.due_on:
            for unit in missing:
                sent += len(
                    notify(
                        recipients=unit_people(unit),
                        verb="report.reminder",
                        title=_("请于 %(d)s 前报送 %(start)s 至 %(end)s 工作信息")
                        % {"d": period.due_on.isoformat(), "start": period.start, "end": period.end},
                        url="/supervision/reports/",
                        dedupe_key=f"report.reminder:{unit.pk}:{period.start.isoformat()}",
                    )
                )
        elif today > period.due_on and missing:
            sent += len(
                notify(
                    recipients=people_in_roles(programme, Role.HQ_STAFF),
                    verb="report.missing",
                    title=_("%(n)d 个单位未按时报送 %(start)s 至 %(end)s 工作信息")
                    % {"n": len(missing), "start": period.start, "end": period.end},
                    body="、".join(str(u) for u in missing),
                    url=f"/supervision/reports/?period={period.start.isoformat()}",
                    dedupe_key=f"report.missing:{programme.pk}:{period.start.isoformat()}",
                )
            )
    return sent
