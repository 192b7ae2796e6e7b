"""The meeting itself: who is invited, the monthly and extra meetings, their
rescheduling, holding and cancelling (status moves with history)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from relocation.core import audit, workflow
from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.notifications import notify
from relocation.core.roles import Role, is_hq_editor
from relocation.meetings import sources, transitions
from relocation.meetings.models import (
    Meeting,
    MeetingKind,
    MeetingStatus,
    MeetingStatusChange,
)
from relocation.organisation.models import Programme, Unit


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
    from relocation.organisation.selectors import people_in_roles

    return list(people_in_roles(programme, Role.GROUP_LEADER))


def _member_units(programme: Programme) -> list[Unit]:
    return list(Unit.objects.filter(programme=programme).exclude(kind=Unit.Kind.HEADQUARTERS))


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
