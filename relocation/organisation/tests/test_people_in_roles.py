"""Notifications addressed to HQ, the commanders or the group leaders reach
only the people of the programme they concern."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import TestCase

from relocation.conftest import make_unit, make_user
from relocation.core.models import Notification
from relocation.core.roles import Role
from relocation.organisation.models import Programme
from relocation.organisation.selectors import people_in_roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_hq(db):
    """HQ staff, a commander and a group leader of a second programme."""
    other = Programme.objects.create(
        code="other", name="另一项目", zone_name="另一区域", city="另一市", deadline=dt.date(2023, 12, 31)
    )
    hq = make_unit(other, "zb", "另一专班", "headquarters")
    return {
        "programme": other,
        "staff": make_user("other_hq", Role.HQ_STAFF, hq),
        "commander": make_user("other_commander", Role.HQ_COMMANDER, hq),
        "leader": make_user("other_leader", Role.GROUP_LEADER, hq),
    }


def test_it_lists_the_programmes_own_people_in_those_roles(programme, hq_staff, hq_commander, liaison, other_hq):
    city_leader = make_user("city_leader", Role.GROUP_LEADER)  # no unit: over several zones
    assert set(people_in_roles(programme, Role.HQ_STAFF, Role.HQ_COMMANDER)) == {hq_staff, hq_commander}
    assert set(people_in_roles(other_hq["programme"], Role.GROUP_LEADER)) == {other_hq["leader"], city_leader}
    assert set(people_in_roles(programme.pk, Role.UNIT_LIAISON)) == {liaison}
    assert not people_in_roles(None, Role.HQ_STAFF).exists()


def test_it_leaves_out_inactive_accounts(programme, hq_staff):
    hq_staff.is_active = False
    hq_staff.save()
    assert not people_in_roles(programme, Role.HQ_STAFF).exists()


def test_a_task_reported_done_tells_only_its_programmes_hq(units, hq_staff, liaison, other_hq):
    from relocation.supervision import services

    with TestCase.captureOnCommitCallbacks(execute=True):
        task = services.task_create(
            actor=hq_staff, title="摸底", lead_unit=units["humen"], deadline=dt.date(2030, 1, 10), source="manual"
        )
        services.task_sign_for(actor=liaison, task=task)
        services.task_report_done(actor=liaison, task=task, note="完成")
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert "hq_staff" in told and "other_hq" not in told


def test_the_monthly_review_tells_only_its_programmes_hq(programme, hq_staff, hq_commander, other_hq):
    from relocation.supervision import reviews

    with TestCase.captureOnCommitCallbacks(execute=True):
        reviews.review_generate(actor=hq_staff, programme=programme, month=dt.date(2022, 3, 1))
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert {"hq_staff", "hq_commander"} <= told
    assert not told & {"other_hq", "other_commander"}


def test_a_portal_report_tells_only_its_programmes_hq(programme, units, hq_staff, other_hq):
    from relocation.portal import services

    with TestCase.captureOnCommitCallbacks(execute=True):
        services.inquiry_submit_public(
            programme=programme, kind="complaint", subject="夜间偷排", text="夜里有异味", phone="13812345678"
        )
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert "hq_staff" in told and "other_hq" not in told
