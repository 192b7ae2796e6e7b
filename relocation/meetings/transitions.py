"""Allowed status moves of meetings and extra-meeting requests."""

from relocation.meetings.models import MeetingStatus, RequestStatus

MEETING = {
    MeetingStatus.SCHEDULED: {MeetingStatus.HELD, MeetingStatus.CANCELLED},
    MeetingStatus.HELD: {MeetingStatus.MINUTES_ISSUED},
    MeetingStatus.MINUTES_ISSUED: set(),
    MeetingStatus.CANCELLED: set(),
}

REQUEST = {
    RequestStatus.PENDING: {RequestStatus.ACCEPTED, RequestStatus.DECLINED},
    RequestStatus.ACCEPTED: set(),
    RequestStatus.DECLINED: set(),
}
