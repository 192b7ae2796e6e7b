"""Writes on coordination meetings. Every function checks who acts, guards the
meeting's state, writes inside one transaction with its audit event, and sends
notifications only after commit (core.notifications does that).

One module per area (schedule, agenda and attendance, minutes, decisions,
extra-meeting requests), all importable from here:
`from relocation.meetings import services`.
"""

from __future__ import annotations

from relocation.meetings.services.agenda import (
    agenda_assemble,
    agenda_item_add,
    agenda_item_remove,
    attendance_record,
)
from relocation.meetings.services.decisions import (
    decision_add,
    decision_make_task,
    decision_remove,
    decisions_make_tasks,
)
from relocation.meetings.services.minutes import (
    MINUTES_PREFIX,
    MINUTES_TEMPLATE_CODE,
    minutes_document,
    minutes_issue,
    minutes_save,
)
from relocation.meetings.services.requests import (
    request_accept,
    request_create,
    request_decline,
    requests_from_urgent_problems,
)
from relocation.meetings.services.schedule import (
    meeting_cancel,
    meeting_mark_held,
    meeting_reschedule,
    meeting_schedule_extra,
    meeting_schedule_monthly,
    monthly_meeting_time,
    schedule_upcoming_monthly_meetings,
)

__all__ = [
    "MINUTES_PREFIX",
    "MINUTES_TEMPLATE_CODE",
    "agenda_assemble",
    "agenda_item_add",
    "agenda_item_remove",
    "attendance_record",
    "decision_add",
    "decision_make_task",
    "decision_remove",
    "decisions_make_tasks",
    "meeting_cancel",
    "meeting_mark_held",
    "meeting_reschedule",
    "meeting_schedule_extra",
    "meeting_schedule_monthly",
    "minutes_document",
    "minutes_issue",
    "minutes_save",
    "monthly_meeting_time",
    "request_accept",
    "request_create",
    "request_decline",
    "requests_from_urgent_problems",
    "schedule_upcoming_monthly_meetings",
]
