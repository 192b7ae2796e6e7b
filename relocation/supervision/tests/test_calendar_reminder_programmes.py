"""The missing-calendar reminder reaches each programme's HQ with a notice of
its own programme: never the people of another programme, never one notice
shared by all."""

from __future__ import annotations

import datetime as dt

import pytest

from relocation.conftest import make_user
from relocation.core.models import Notification
from relocation.core.roles import Role
from relocation.organisation.tests.second_programme import load_second_programme
from relocation.supervision import calendar_reminder

pytestmark = pytest.mark.django_db


def test_each_programmes_hq_is_reminded_of_its_own_programme(programme, hq_staff, liaison):
    other, units = load_second_programme()
    other_hq = make_user("jh_hq", Role.HQ_STAFF, units["zb"])
    city_leader_hq = make_user("wide_hq", Role.HQ_STAFF)  # installation-wide: works in both

    assert calendar_reminder.remind_missing_calendar(dt.date(2026, 11, 2)) == 4

    (ours,) = Notification.objects.filter(recipient=hq_staff)
    (theirs,) = Notification.objects.filter(recipient=other_hq)
    assert programme.name in ours.body and other.name not in ours.body
    assert other.name in theirs.body and programme.name not in theirs.body
    wide = Notification.objects.filter(recipient=city_leader_hq)
    assert sorted(n.body.count(programme.name) + 2 * n.body.count(other.name) for n in wide) == [1, 2]
    assert not Notification.objects.filter(recipient=liaison).exists()
    # Once a week per programme.
    assert calendar_reminder.remind_missing_calendar(dt.date(2026, 11, 3)) == 0
