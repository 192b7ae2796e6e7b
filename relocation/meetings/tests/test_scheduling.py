"""The monthly meeting goes on the calendar by itself, on a working day."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from relocation.meetings import services
from relocation.meetings.models import Meeting, MeetingKind
from relocation.meetings.tasks import schedule_monthly_meetings


@pytest.mark.django_db
def test_it_schedules_february_2022_after_spring_festival(programme, units):
    """Feb 2022: 1–6 are Spring Festival holidays, so the 5th working day is the 11th
    (counting weekdays alone would give the 7th)."""
    with time_machine.travel(dt.datetime(2022, 1, 20, 9, tzinfo=dt.UTC), tick=False):
        schedule_monthly_meetings.call_local()
    meetings = {m.period: m for m in Meeting.objects.filter(kind=MeetingKind.MONTHLY)}
    assert set(meetings) == {dt.date(2022, 1, 1), dt.date(2022, 2, 1)}
    assert timezone.localtime(meetings[dt.date(2022, 2, 1)].scheduled_at).date() == dt.date(2022, 2, 11)
    # January: the 1st–3rd are the New Year holiday; 4, 5, 6, 7, 10.
    assert timezone.localtime(meetings[dt.date(2022, 1, 1)].scheduled_at).date() == dt.date(2022, 1, 10)
    assert timezone.localtime(meetings[dt.date(2022, 2, 1)].scheduled_at).hour == 15


@pytest.mark.django_db
def test_it_is_idempotent_and_keeps_a_moved_meeting_where_hq_put_it(programme, units, hq_staff):
    with time_machine.travel(dt.datetime(2022, 1, 20, 9, tzinfo=dt.UTC), tick=False):
        schedule_monthly_meetings.call_local()
        feb = Meeting.objects.get(period=dt.date(2022, 2, 1))
        moved = timezone.make_aware(dt.datetime(2022, 2, 14, 9, 30))
        services.meeting_reschedule(actor=hq_staff, meeting=feb, scheduled_at=moved, reason="与市政府常务会冲突")
        schedule_monthly_meetings.call_local()
        schedule_monthly_meetings.call_local()
    assert Meeting.objects.filter(kind=MeetingKind.MONTHLY).count() == 2
    feb.refresh_from_db()
    assert feb.scheduled_at == moved
    assert feb.status_changes.filter(reason="与市政府常务会冲突").exists()


@pytest.mark.django_db
def test_it_tells_the_units_when_a_meeting_is_moved(programme, units, hq_staff, liaison, meeting):
    from relocation.core.models import Notification

    services.meeting_reschedule(
        actor=hq_staff, meeting=meeting, scheduled_at=timezone.make_aware(dt.datetime(2022, 2, 15, 10))
    )
    assert Notification.objects.filter(recipient=liaison, verb="meeting.rescheduled").count() == 1


@pytest.mark.django_db
def test_it_refuses_to_move_a_held_meeting(hq_staff, held_meeting):
    from relocation.core.errors import ServiceError

    with pytest.raises(ServiceError):
        services.meeting_reschedule(actor=hq_staff, meeting=held_meeting, scheduled_at=timezone.now())


@pytest.mark.django_db
def test_a_unit_cannot_schedule(programme, liaison):
    from relocation.core.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        services.meeting_schedule_monthly(actor=liaison, programme=programme, period=dt.date(2022, 3, 1))
