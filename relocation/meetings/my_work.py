"""My work from meetings: decisions (议定事项) assigned to the user's unit that no
task carries yet (once a task does, the task is the work), and for HQ the
decisions still to turn into tasks and the units' requests for an extra
meeting. Found by core.my_work."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy

from relocation.core import my_work
from relocation.core.roles import Role, is_hq_editor, role_of
from relocation.meetings.models import Decision, MeetingRequest, MeetingStatus, RequestStatus
from relocation.organisation.selectors import programme_for

DECISION = gettext_lazy("议定事项")
REQUEST = gettext_lazy("会商申请")


def decisions_assigned(user: Any, today: dt.date, limit: int) -> list[my_work.WorkItem]:
    hq = is_hq_editor(user)
    if not hq and not (role_of(user) in {Role.UNIT_LEADER, Role.UNIT_LIAISON} and user.unit_id):
        return []
    programme = programme_for(user)
    if programme is None:
        return []
    qs = Decision.objects.filter(
        meeting__programme=programme,
        meeting__status__in=[MeetingStatus.HELD, MeetingStatus.MINUTES_ISSUED],
        task__isnull=True,
    )
    if not hq:
        qs = qs.filter(lead_unit_id=user.unit_id)
    rows = qs.order_by("deadline", "id").values(
        "id", "text", "deadline", "meeting_id", "meeting__title", "lead_unit__name"
    )[:limit]
    return [
        my_work.WorkItem(
            kind=DECISION,
            title=row["text"][:80],
            action_label=gettext_lazy("转为督办任务") if hq else gettext_lazy("查看纪要"),
            action_url=reverse("meetings:detail", args=[row["meeting_id"]]),
            due=row["deadline"],
            detail=f"{row['meeting__title']} · {row['lead_unit__name']}",
        )
        for row in rows
    ]


def requests_pending(user: Any, today: dt.date, limit: int) -> list[my_work.WorkItem]:
    if not is_hq_editor(user):
        return []
    programme = programme_for(user)
    if programme is None:
        return []
    rows = (
        MeetingRequest.objects.filter(programme=programme, status=RequestStatus.PENDING)
        .order_by("created_at", "id")
        .values("id", "problem", "created_at", "unit__name")[:limit]
    )
    return [
        my_work.WorkItem(
            kind=REQUEST,
            title=row["problem"],
            action_label=gettext_lazy("受理"),
            action_url=reverse("meetings:requests"),
            due=row["created_at"],
            detail=row["unit__name"],
        )
        for row in rows
    ]


my_work.register("meetings.decisions", decisions_assigned)
my_work.register("meetings.requests", requests_pending)
