"""Writes on coordination meetings. Every function checks who acts, guards the
meeting's state, writes inside one transaction with its audit event, and sends
notifications only after commit (core.notifications does that)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from relocation.core import audit, workflow
from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.notifications import notify
from relocation.core.roles import Role, is_hq_editor, role_of
from relocation.meetings import official, richtext, selectors, sources, transitions
from relocation.meetings.models import (
    AgendaItem,
    AgendaSource,
    Attendance,
    AttendanceStatus,
    Decision,
    Meeting,
    MeetingKind,
    MeetingRequest,
    MeetingStatus,
    MeetingStatusChange,
    RequestStatus,
)
from relocation.organisation.models import Programme, Unit
from relocation.organisation.selectors import people_in_roles

MINUTES_TEMPLATE_CODE = "meetings.minutes"
# 发文字号 prefix: part of the number, so never translated.
MINUTES_PREFIX = "搬迁会纪"


def _require_hq(actor: Any) -> None:
    if actor is not None and not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有现场指挥部可以管理会商会议。"))


def _history(meeting: Meeting, *, actor: Any, from_status: str, to_status: str, reason: str = "") -> None:
    MeetingStatusChange.objects.create(
        meeting=meeting,
        from_status=from_status,
        to_status=to_status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        at=timezone.now(),
        reason=reason[:300],
    )


def _unit_people(units: Iterable[Unit]) -> list[Any]:
    from django.contrib.auth import get_user_model

    return list(
        get_user_model().objects.filter(
            unit__in=list(units), is_active=True, role__in=[Role.UNIT_LEADER, Role.UNIT_LIAISON]
        )
    )


def _group_leaders(programme: Programme) -> list[Any]:
    return list(people_in_roles(programme, Role.GROUP_LEADER))


def _member_units(programme: Programme) -> list[Unit]:
    return list(Unit.objects.filter(programme=programme).exclude(kind=Unit.Kind.HEADQUARTERS))


# ----------------------------------------------------------------------------- scheduling


def monthly_meeting_time(period: dt.date) -> dt.datetime:
    """When a month's meeting is held by default: the n-th working day of the
    month (settings MEETINGS_MONTHLY_WORKDAY, default 5) at MEETINGS_MONTHLY_HOUR
    (default 15:00), so a holiday such as Spring Festival pushes it later."""
    n = int(getattr(settings, "MEETINGS_MONTHLY_WORKDAY", 5))
    hour = int(getattr(settings, "MEETINGS_MONTHLY_HOUR", 15))
    day = sources.nth_workday_of_month(period.year, period.month, n)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def meeting_schedule_monthly(*, actor: Any, programme: Programme, period: dt.date) -> Meeting:
    """Put the month's coordination meeting on the calendar. Idempotent: one
    monthly meeting per programme and month (a database constraint), and a
    meeting HQ moved is never moved back."""
    _require_hq(actor)
    period = period.replace(day=1)
    existing = Meeting.objects.filter(programme=programme, kind=MeetingKind.MONTHLY, period=period).first()
    if existing is not None:
        return existing
    when = monthly_meeting_time(period)
    with translation.override(settings.LANGUAGE_CODE):  # stored text: the programme's language
        title = _("%(year)s年%(month)s月搬迁工作定期会商会议") % {"year": period.year, "month": period.month}
        place = getattr(settings, "MEETINGS_DEFAULT_PLACE", "") or _("现场指挥部会议室")
    try:
        with transaction.atomic():
            meeting = Meeting.objects.create(
                programme=programme,
                kind=MeetingKind.MONTHLY,
                period=period,
                title=title,
                scheduled_at=when,
                place=place,
                convened_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            _history(meeting, actor=actor, from_status="", to_status=MeetingStatus.SCHEDULED)
            audit.record(
                actor=actor,
                action="meeting.scheduled",
                obj=meeting,
                summary=_("安排会商会议：%(title)s（%(when)s）")
                % {"title": meeting.title, "when": timezone.localtime(when).strftime("%Y-%m-%d %H:%M")},
                changes=audit.snapshot(meeting, ["kind", "period", "scheduled_at", "place"]),
            )
            _announce(meeting, verb="meeting.scheduled")
    except IntegrityError:  # a concurrent run of the job scheduled it first
        return Meeting.objects.get(programme=programme, kind=MeetingKind.MONTHLY, period=period)
    return meeting


def schedule_upcoming_monthly_meetings(*, today: dt.date | None = None) -> list[Meeting]:
    """The job's work: this month's and next month's meetings for every active programme."""
    today = today or timezone.localdate()
    this_month = today.replace(day=1)
    next_month = (this_month + dt.timedelta(days=32)).replace(day=1)
    result = []
    for programme in Programme.objects.filter(is_active=True):
        for period in (this_month, next_month):
            result.append(meeting_schedule_monthly(actor=None, programme=programme, period=period))
    return result


def _announce(meeting: Meeting, *, verb: str) -> None:
    when = timezone.localtime(meeting.scheduled_at).strftime("%Y-%m-%d %H:%M")
    notify(
        recipients=_unit_people(_member_units(meeting.programme)),
        verb=verb,
        title=_("会商会议：%(title)s") % {"title": meeting.title},
        body=_("时间：%(when)s；地点：%(place)s") % {"when": when, "place": meeting.place},
        url=f"/meetings/{meeting.pk}/",
        dedupe_key=f"{verb}:{meeting.pk}:{meeting.scheduled_at.isoformat()}",
    )


def meeting_schedule_extra(
    *, actor: Any, programme: Programme, title: str, scheduled_at: dt.datetime, place: str = ""
) -> Meeting:
    """Call an extra (专题) meeting."""
    _require_hq(actor)
    if not title.strip():
        raise ServiceError(_("请填写会议名称。"), code="title")
    with transaction.atomic():
        meeting = Meeting.objects.create(
            programme=programme,
            kind=MeetingKind.EXTRA,
            title=title.strip()[:200],
            scheduled_at=scheduled_at,
            place=place.strip()[:200],
            convened_by=actor,
        )
        _history(meeting, actor=actor, from_status="", to_status=MeetingStatus.SCHEDULED)
        audit.record(
            actor=actor,
            action="meeting.scheduled",
            obj=meeting,
            summary=_("召集专题会商：%(title)s") % {"title": meeting.title},
            changes=audit.snapshot(meeting, ["kind", "scheduled_at", "place"]),
        )
        _announce(meeting, verb="meeting.scheduled")
    return meeting


def meeting_reschedule(
    *, actor: Any, meeting: Meeting, scheduled_at: dt.datetime, place: str | None = None, reason: str = ""
) -> Meeting:
    """Move a scheduled meeting to another time (and place)."""
    _require_hq(actor)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.status != MeetingStatus.SCHEDULED:
            raise ServiceError(_("只有尚未召开的会议可以调整时间。"))
        before = audit.snapshot(meeting, ["scheduled_at", "place"])
        meeting.scheduled_at = scheduled_at
        if place is not None and place.strip():
            meeting.place = place.strip()[:200]
        meeting.version += 1
        meeting.save(update_fields=["scheduled_at", "place", "version", "updated_at"])
        _history(meeting, actor=actor, from_status=meeting.status, to_status=meeting.status, reason=reason)
        audit.record(
            actor=actor,
            action="meeting.rescheduled",
            obj=meeting,
            summary=_("调整会商会议时间：%(title)s → %(when)s")
            % {"title": meeting.title, "when": timezone.localtime(scheduled_at).strftime("%Y-%m-%d %H:%M")},
            changes=audit.diff(before, audit.snapshot(meeting, ["scheduled_at", "place"])),
        )
        _announce(meeting, verb="meeting.rescheduled")
    return meeting


def _move(meeting: Meeting, *, actor: Any, target: str, reason: str = "", extra: dict | None = None) -> None:
    previous = workflow.move(
        meeting,
        field="status",
        target=target,
        allowed=transitions.MEETING,
        labels=MeetingStatus,
        extra=extra,
    )
    _history(meeting, actor=actor, from_status=previous, to_status=target, reason=reason)
    audit.record(
        actor=actor,
        action=f"meeting.{target}",
        obj=meeting,
        summary=_("会商会议“%(title)s”：%(status)s") % {"title": meeting.title, "status": MeetingStatus(target).label},
        changes={"status": [previous, target]},
    )


def meeting_mark_held(*, actor: Any, meeting: Meeting) -> Meeting:
    _require_hq(actor)
    with transaction.atomic():
        _move(meeting, actor=actor, target=MeetingStatus.HELD)
    return meeting


def meeting_cancel(*, actor: Any, meeting: Meeting, reason: str) -> Meeting:
    _require_hq(actor)
    if not reason.strip():
        raise ServiceError(_("请说明取消会议的原因。"), code="reason")
    with transaction.atomic():
        _move(meeting, actor=actor, target=MeetingStatus.CANCELLED, reason=reason.strip())
    return meeting


# ----------------------------------------------------------------------------- agenda


def _require_open(meeting: Meeting) -> None:
    if meeting.status not in {MeetingStatus.SCHEDULED, MeetingStatus.HELD}:
        raise ServiceError(_("会议纪要已印发或会议已取消，不能再修改。"))


def agenda_assemble(*, actor: Any, meeting: Meeting) -> list[AgendaItem]:
    """Assemble the agenda: first the follow-up of the previous meeting's
    decisions, then the problems needing coordination that units reported and
    no meeting has settled yet, then accepted extra-meeting requests. Running it again
    adds only what is new (items are keyed by what they came from)."""
    _require_hq(actor)
    _require_open(meeting)
    previous = selectors.previous_meeting(meeting)
    wanted: list[dict[str, Any]] = []
    if previous is not None and previous.decisions.exists():
        wanted.append(
            {
                "source": AgendaSource.FOLLOW_UP,
                "source_ref": f"follow-up:{previous.pk}",
                "title": _("上次会议（%(title)s）议定事项落实情况") % {"title": previous.title},
                "unit": None,
                "description": "",
            }
        )
    # Every problem still open, however old: a problem leaves the agenda only when
    # the minutes of the meeting that dealt with it are issued (minutes_issue).
    for problem in sources.open_coordination_problems(meeting.programme):
        wanted.append(
            {
                "source": AgendaSource.UNIT_REPORT,
                "source_ref": problem.ref,
                "title": problem.text[:300],
                "unit_id": problem.unit_id,
                "description": problem.details,
            }
        )
    for request in meeting.requests.all():
        wanted.append(
            {
                "source": AgendaSource.REQUEST,
                "source_ref": f"request:{request.pk}",
                "title": request.problem,
                "unit_id": request.unit_id,
                "description": request.details,
            }
        )
    added: list[AgendaItem] = []
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        taken = set(meeting.agenda_items.exclude(source_ref="").values_list("source_ref", flat=True))
        order = (meeting.agenda_items.order_by("-order").values_list("order", flat=True).first() or 0) + 1
        for values in wanted:
            if values["source_ref"] in taken:
                continue
            taken.add(values["source_ref"])
            unit = values.pop("unit", None)
            item = AgendaItem.objects.create(meeting=meeting, order=order, unit=unit, **values)
            order += 1
            added.append(item)
        if added:
            audit.record(
                actor=actor,
                action="meeting.agenda_assembled",
                obj=meeting,
                summary=_("汇总会商议题 %(n)s 项：%(title)s") % {"n": len(added), "title": meeting.title},
                changes={"agenda": [None, [i.title for i in added]]},
            )
    return added


def agenda_item_add(
    *, actor: Any, meeting: Meeting, title: str, description: str = "", unit: Unit | None = None
) -> AgendaItem:
    """HQ's own agenda item."""
    _require_hq(actor)
    _require_open(meeting)
    if not title.strip():
        raise ServiceError(_("请填写议题。"), code="title")
    with transaction.atomic():
        order = (meeting.agenda_items.order_by("-order").values_list("order", flat=True).first() or 0) + 1
        item = AgendaItem.objects.create(
            meeting=meeting,
            order=order,
            source=AgendaSource.HQ,
            title=title.strip()[:300],
            description=description.strip(),
            unit=unit,
        )
        audit.record(
            actor=actor,
            action="meeting.agenda_item_added",
            obj=meeting,
            summary=_("增加议题：%(title)s") % {"title": item.title},
            changes={"agenda_item": [None, item.title]},
        )
    return item


def agenda_item_remove(*, actor: Any, item: AgendaItem) -> None:
    _require_hq(actor)
    _require_open(item.meeting)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="meeting.agenda_item_removed",
            obj=item.meeting,
            summary=_("删除议题：%(title)s") % {"title": item.title},
            changes={"agenda_item": [item.title, None]},
        )
        item.delete()


# ----------------------------------------------------------------------------- attendance


def attendance_record(*, actor: Any, meeting: Meeting, entries: Sequence[dict[str, Any]]) -> list[Attendance]:
    """Record who attended, per unit: present, deputy (with the deputy's name) or absent.
    Each entry: {"unit": Unit, "status": str, "attendee": str, "note": str}."""
    _require_hq(actor)
    _require_open(meeting)
    result = []
    with transaction.atomic():
        for entry in entries:
            unit = entry["unit"]
            status = entry.get("status") or ""
            if unit.programme_id != meeting.programme_id:
                raise ServiceError(_("单位“%(unit)s”不属于本项目。") % {"unit": unit}, code="unit")
            if status not in AttendanceStatus.values:
                raise ServiceError(_("“%(unit)s”的出席情况无效。") % {"unit": unit}, code="status")
            attendee = (entry.get("attendee") or "").strip()[:100]
            if status == AttendanceStatus.DEPUTY and not attendee:
                raise ServiceError(_("“%(unit)s”委托出席，请填写出席人姓名。") % {"unit": unit}, code="attendee")
            row, _created = Attendance.objects.update_or_create(
                meeting=meeting,
                unit=unit,
                defaults={"status": status, "attendee": attendee, "note": (entry.get("note") or "").strip()[:200]},
            )
            result.append(row)
        audit.record(
            actor=actor,
            action="meeting.attendance_recorded",
            obj=meeting,
            summary=_("登记会议出席情况：%(title)s（%(n)s 个单位）") % {"title": meeting.title, "n": len(result)},
            changes={"attendance": [None, {str(r.unit_id): r.status for r in result}]},
        )
    return result


# ----------------------------------------------------------------------------- minutes


def minutes_save(*, actor: Any, meeting: Meeting, minutes: str, expected_version: int) -> Meeting:
    """Save the draft minutes (sanitised rich text). Refuses a stale version."""
    _require_hq(actor)
    _require_open(meeting)
    clean = richtext.sanitise(minutes)
    with transaction.atomic():
        before = meeting.minutes
        meeting.minutes = clean
        workflow.save_if_unchanged(meeting, expected_version=expected_version, fields=["minutes"])
        audit.record(
            actor=actor,
            action="meeting.minutes_saved",
            obj=meeting,
            summary=_("修改会议纪要：%(title)s") % {"title": meeting.title},
            changes={"minutes": [len(before), len(clean)]},
        )
    return meeting


def minutes_document(
    meeting: Meeting, *, number: str = "", issued_on: dt.date | None = None
) -> official.OfficialDocument:
    """The minutes as an official document: the text HQ wrote, the attendance and the decisions."""
    issued_on = issued_on or timezone.localdate()
    programme = meeting.programme
    blocks = richtext.to_blocks(meeting.minutes)
    attendance = list(meeting.attendance.select_related("unit"))
    if attendance:
        blocks.append(official.Block("heading1", _("出席单位")))
        rows: list[list[object]] = [[_("单位"), _("参会人"), _("出席情况")]]
        rows += [[a.unit.name, a.attendee, a.get_status_display()] for a in attendance]
        blocks.append(official.Block("table", rows=rows))
    decisions = list(meeting.decisions.select_related("lead_unit").prefetch_related("co_units"))
    if decisions:
        blocks.append(official.Block("heading1", _("议定事项")))
        for i, d in enumerate(decisions, 1):
            co = "、".join(u.name for u in d.co_units.all())
            line = _("%(n)s. %(text)s（牵头单位：%(lead)s%(co)s；完成时限：%(deadline)s）") % {
                "n": i,
                "text": d.text,
                "lead": d.lead_unit.name,
                "co": _("；配合单位：%(co)s") % {"co": co} if co else "",
                "deadline": official.chinese_date(d.deadline),
            }
            blocks.append(official.Block("paragraph", line))
    hq = Unit.objects.filter(programme=programme, kind=Unit.Kind.HEADQUARTERS).first()
    issuer = hq.name if hq else _("现场指挥部")
    return official.OfficialDocument(
        authority=_("%(zone)s关停搬迁会议纪要") % {"zone": programme.zone_name},
        document_number=number,
        title=meeting.title + _("纪要") if not meeting.title.endswith(_("纪要")) else meeting.title,
        recipients=_("各成员单位"),
        blocks=blocks,
        signer=issuer,
        date_text=official.chinese_date(issued_on),
        show_seal=False,  # 纪要 carry no seal (GB/T 9704-2012 10.2)
        copy_to=_("搬迁协调工作小组各位领导"),
        printed_by=issuer,
        printed_on=official.chinese_date(issued_on),
    )


def minutes_issue(*, actor: Any, meeting: Meeting) -> Meeting:
    """Number the minutes, render them as Word and PDF, freeze them on the meeting,
    mark the units' problems on its agenda as coordinated, and tell the member
    units (the group leaders in copy). Only once, only after the meeting was held
    and with some minutes written."""
    _require_hq(actor)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("programme").get(pk=meeting.pk)
        if meeting.status != MeetingStatus.HELD:
            raise ServiceError(_("会议召开后才能印发纪要。"))
        if not richtext.to_blocks(meeting.minutes):
            raise ServiceError(_("请先填写会议纪要。"), code="minutes")
        today = timezone.localdate()
        _n, number = official.next_number(
            getattr(settings, "MEETINGS_MINUTES_PREFIX", "") or MINUTES_PREFIX,
            today.year,
        )
        doc = minutes_document(meeting, number=number, issued_on=today)
        docx = official.render_word(doc, template_code=MINUTES_TEMPLATE_CODE)
        pdf = official.render_pdf(doc)
        _move(
            meeting,
            actor=actor,
            target=MeetingStatus.MINUTES_ISSUED,
            extra={
                "minutes_number": number,
                "minutes_issued_at": timezone.now(),
                "minutes_docx": docx,
                "minutes_pdf": pdf,
            },
        )
        refs = list(meeting.agenda_items.filter(source=AgendaSource.UNIT_REPORT).values_list("source_ref", flat=True))
        with translation.override(settings.LANGUAGE_CODE):
            resolution = _("已提交%(title)s研究，见会议纪要%(number)s。") % {"title": meeting.title, "number": number}
        sources.resolve_problems(actor=actor, refs=refs, resolution=resolution)
        recipients = _unit_people(_member_units(meeting.programme)) + _group_leaders(meeting.programme)
        notify(
            recipients=recipients,
            verb="meeting.minutes_issued",
            title=_("会议纪要已印发：%(title)s") % {"title": meeting.title},
            body=number,
            url=f"/meetings/{meeting.pk}/",
            dedupe_key=f"meeting.minutes_issued:{meeting.pk}",
        )
    return meeting


# ----------------------------------------------------------------------------- decisions


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


# ----------------------------------------------------------------------------- extra-meeting requests


def request_create(*, actor: Any, problem: str, details: str = "") -> MeetingRequest:
    """A unit leader or liaison asks HQ for an extra meeting about an urgent problem."""
    if role_of(actor) not in {Role.UNIT_LEADER, Role.UNIT_LIAISON} or actor.unit_id is None:
        raise PermissionDeniedError(_("只有成员单位负责人或联络员可以申请专题会商。"))
    if not problem.strip():
        raise ServiceError(_("请填写需要协调的紧急问题。"), code="problem")
    with transaction.atomic():
        request = MeetingRequest.objects.create(
            programme=actor.unit.programme,
            unit=actor.unit,
            requested_by=actor,
            problem=problem.strip()[:300],
            details=details.strip(),
        )
        audit.record(
            actor=actor,
            action="meeting.request_created",
            obj=request,
            summary=_("%(unit)s申请专题会商：%(problem)s") % {"unit": actor.unit.name, "problem": request.problem},
            changes=audit.snapshot(request, ["unit", "problem"]),
        )
        notify(
            recipients=people_in_roles(request.programme_id, Role.HQ_COMMANDER, Role.HQ_STAFF),
            verb="meeting.requested",
            title=_("专题会商申请：%(problem)s") % {"problem": request.problem},
            body=actor.unit.name,
            url="/meetings/requests/",
            dedupe_key=f"meeting.requested:{request.pk}",
        )
    return request


def requests_from_urgent_problems(*, programme: Programme) -> list[MeetingRequest]:
    """A unit that marks a problem in its report as urgent is asking for an extra
    meeting: raise the request in its name (once per problem) and tell HQ."""
    from django.contrib.auth import get_user_model

    created = []
    for problem in sources.open_coordination_problems(programme):
        if not problem.is_urgent or problem.unit_id is None or problem.raised_by_id is None:
            continue
        if MeetingRequest.objects.filter(programme=programme, source_ref=problem.ref).exists():
            continue
        requester = get_user_model().objects.filter(pk=problem.raised_by_id).first()
        if requester is None:
            continue
        try:
            with transaction.atomic():
                request = MeetingRequest.objects.create(
                    programme=programme,
                    unit_id=problem.unit_id,
                    requested_by=requester,
                    problem=problem.text[:300],
                    details=problem.details,
                    source_ref=problem.ref,
                )
                audit.record(
                    actor=None,
                    action="meeting.request_created",
                    obj=request,
                    summary=_("成员单位报送紧急问题，申请专题会商：%(problem)s") % {"problem": request.problem},
                    changes=audit.snapshot(request, ["unit", "problem", "source_ref"]),
                )
                notify(
                    recipients=people_in_roles(programme, Role.HQ_COMMANDER, Role.HQ_STAFF),
                    verb="meeting.requested",
                    title=_("专题会商申请：%(problem)s") % {"problem": request.problem},
                    body=_("来自单位报送的紧急问题"),
                    url="/meetings/requests/",
                    dedupe_key=f"meeting.requested:{request.pk}",
                )
        except IntegrityError:  # another run raised it first
            continue
        created.append(request)
    return created


def request_accept(
    *, actor: Any, request: MeetingRequest, scheduled_at: dt.datetime, place: str = "", title: str = ""
) -> Meeting:
    """Accept a request: call the extra meeting with the problem on its agenda."""
    _require_hq(actor)
    with transaction.atomic():
        request = MeetingRequest.objects.select_for_update().select_related("unit").get(pk=request.pk)
        meeting = meeting_schedule_extra(
            actor=actor,
            programme=request.programme,
            title=title.strip() or _("关于“%(problem)s”的专题会商会议") % {"problem": request.problem[:80]},
            scheduled_at=scheduled_at,
            place=place,
        )
        workflow.move(
            request,
            field="status",
            target=RequestStatus.ACCEPTED,
            allowed=transitions.REQUEST,
            labels=RequestStatus,
            extra={"meeting": meeting, "decided_by": actor, "decided_at": timezone.now()},
        )
        AgendaItem.objects.create(
            meeting=meeting,
            order=1,
            source=AgendaSource.REQUEST,
            source_ref=f"request:{request.pk}",
            title=request.problem,
            description=request.details,
            unit=request.unit,
        )
        audit.record(
            actor=actor,
            action="meeting.request_accepted",
            obj=request,
            summary=_("受理专题会商申请：%(problem)s") % {"problem": request.problem},
            changes={"status": [RequestStatus.PENDING, RequestStatus.ACCEPTED], "meeting": [None, meeting.pk]},
        )
        notify(
            recipients=[request.requested_by],
            verb="meeting.request_accepted",
            title=_("专题会商申请已受理：%(problem)s") % {"problem": request.problem},
            body=timezone.localtime(scheduled_at).strftime("%Y-%m-%d %H:%M"),
            url=f"/meetings/{meeting.pk}/",
            dedupe_key=f"meeting.request_accepted:{request.pk}",
        )
    return meeting


def request_decline(*, actor: Any, request: MeetingRequest, reply: str) -> MeetingRequest:
    _require_hq(actor)
    if not reply.strip():
        raise ServiceError(_("请填写不予安排的理由。"), code="reply")
    with transaction.atomic():
        workflow.move(
            request,
            field="status",
            target=RequestStatus.DECLINED,
            allowed=transitions.REQUEST,
            labels=RequestStatus,
            extra={"decided_by": actor, "decided_at": timezone.now(), "reply": reply.strip()[:300]},
        )
        audit.record(
            actor=actor,
            action="meeting.request_declined",
            obj=request,
            summary=_("不予安排专题会商：%(problem)s") % {"problem": request.problem},
            changes={"status": [RequestStatus.PENDING, RequestStatus.DECLINED]},
        )
        notify(
            recipients=[request.requested_by],
            verb="meeting.request_declined",
            title=_("专题会商申请未安排：%(problem)s") % {"problem": request.problem},
            body=reply.strip(),
            url="/meetings/requests/",
            dedupe_key=f"meeting.request_declined:{request.pk}",
        )
    return request
