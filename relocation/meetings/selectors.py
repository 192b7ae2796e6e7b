"""Reads on meetings, scoped to the user.

Meetings are the programme's: HQ, the group leaders and every member unit's
people see them (units attend and carry out the decisions). Extra-meeting
requests are seen by HQ and by the unit that made them."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from relocation.core.roles import is_hq, is_staff_member
from relocation.meetings.models import Decision, Meeting, MeetingRequest, MeetingStatus
from relocation.organisation.selectors import programme_for


def can_read(user: Any) -> bool:
    return is_staff_member(user)


def meetings_for_user(user: Any) -> QuerySet[Meeting]:
    if not can_read(user):
        return Meeting.objects.none()
    programme = programme_for(user)
    qs = Meeting.objects.filter(programme=programme) if programme else Meeting.objects.none()
    return (
        qs.select_related("convened_by")
        .defer("minutes_docx", "minutes_pdf")
        .annotate(decision_count=Count("decisions", distinct=True), agenda_count=Count("agenda_items", distinct=True))
        .order_by("-scheduled_at", "-id")
    )


def meeting_for_user(user: Any, pk: int) -> Meeting:
    meeting = meetings_for_user(user).select_related("programme").filter(pk=pk).first() if can_read(user) else None
    if meeting is None:
        raise Http404
    return meeting


def meeting_document_for_user(user: Any, pk: int) -> Meeting:
    """The meeting with its issued files loaded (for downloads)."""
    meeting_for_user(user, pk)
    return Meeting.objects.get(pk=pk)


def next_meeting(programme: Any) -> Meeting | None:
    return (
        Meeting.objects.filter(programme=programme, status=MeetingStatus.SCHEDULED, scheduled_at__gte=timezone.now())
        .defer("minutes_docx", "minutes_pdf")
        .order_by("scheduled_at")
        .first()
    )


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The last meeting held before this one: its decisions are followed up first."""
    return (
        Meeting.objects.filter(
            programme_id=meeting.programme_id,
            scheduled_at__lt=meeting.scheduled_at,
            status__in=[MeetingStatus.HELD, MeetingStatus.MINUTES_ISSUED],
        )
        .exclude(pk=meeting.pk)
        .defer("minutes_docx", "minutes_pdf")
        .order_by("-scheduled_at")
        .first()
    )


def decisions_of(meeting: Meeting) -> QuerySet[Decision]:
    return Decision.objects.filter(meeting=meeting).select_related("lead_unit", "task").prefetch_related("co_units")


def follow_up(meeting: Meeting) -> tuple[Meeting | None, list[Decision]]:
    """The previous meeting and its decisions with their tasks' status."""
    previous = previous_meeting(meeting)
    if previous is None:
        return None, []
    return previous, list(decisions_of(previous))


def meeting_detail(meeting: Meeting) -> dict[str, Any]:
    previous, follow = follow_up(meeting)
    return {
        "agenda": list(meeting.agenda_items.select_related("unit")),
        "attendance": list(meeting.attendance.select_related("unit")),
        "decisions": list(decisions_of(meeting)),
        "previous": previous,
        "follow_up": follow,
        "history": list(meeting.status_changes.select_related("actor")),
        "requests": list(meeting.requests.select_related("unit")),
    }


def requests_for_user(user: Any) -> QuerySet[MeetingRequest]:
    qs = MeetingRequest.objects.select_related("unit", "requested_by").prefetch_related(
        Prefetch("meeting", queryset=Meeting.objects.defer("minutes_docx", "minutes_pdf"))
    )
    if is_hq(user):
        programme = programme_for(user)
        return qs.filter(programme=programme) if programme else qs.none()
    if is_staff_member(user) and getattr(user, "unit_id", None):
        return qs.filter(unit_id=user.unit_id)
    return qs.none()


def request_for_user(user: Any, pk: int) -> MeetingRequest:
    request = requests_for_user(user).filter(pk=pk).first()
    if request is None:
        raise Http404
    return request
