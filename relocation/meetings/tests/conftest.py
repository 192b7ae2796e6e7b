from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone


@pytest.fixture
def meeting(programme, hq_staff):
    from relocation.meetings import services

    return services.meeting_schedule_monthly(actor=hq_staff, programme=programme, period=dt.date(2022, 2, 1))


@pytest.fixture
def held_meeting(meeting, hq_staff):
    from relocation.meetings import services

    return services.meeting_mark_held(actor=hq_staff, meeting=meeting)


def aware(*args: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))
