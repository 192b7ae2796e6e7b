"""One step where people think one step: a lifecycle move whose guard fails is
shown disabled with the reason (not offered and then refused), and a visit that
records a decided intention moves the stage when the lifecycle allows it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from relocation.enterprises import lifecycle, services
from relocation.enterprises.models import LifecycleStatus, StatusChange
from relocation.enterprises.tests.lifecycle_fixtures import put_in

S = LifecycleStatus
pytestmark = pytest.mark.django_db
VISIT = {"visitors": "甲、乙", "production_status_seen": "producing"}


def _page(client, user, enterprise) -> str:
    client.force_login(user)
    return client.get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()


def test_a_move_whose_guard_fails_is_disabled_with_the_reason(client, liaison, enterprise):
    put_in(enterprise, S.INTENTION_RECORDED)
    page = _page(client, liaison, enterprise)
    button = page[
        page.index('data-move="commitment_signed"') : page.index(">", page.index('data-move="commitment_signed"'))
    ]
    assert "disabled" in button
    assert 'id="blocked-commitment_signed"' in page
    assert "请先上传企业签署的关停搬迁承诺书" in page
    # The move with no guard stays offered.
    holdout = page[page.index('data-move="holdout"') : page.index(">", page.index('data-move="holdout"'))]
    assert "disabled" not in holdout


def test_the_reason_shown_is_the_one_the_service_refuses_with(enterprise):
    put_in(enterprise, S.INTENTION_RECORDED)
    reason = lifecycle.move_blocker(enterprise, S.COMMITMENT_SIGNED)
    assert reason
    with pytest.raises(Exception, match=reason):
        lifecycle.enterprise_transition(actor=None, enterprise=enterprise, target=S.COMMITMENT_SIGNED, reason="x")


def test_an_open_move_is_not_disabled(client, liaison, enterprise):
    enterprise.intention = "move_to_park"
    enterprise.save()
    page = _page(client, liaison, enterprise)
    button = page[
        page.index('data-move="intention_recorded"') : page.index(">", page.index('data-move="intention_recorded"'))
    ]
    assert "disabled" not in button
    assert "move-blocked" not in page


def test_a_visit_that_records_an_intention_moves_the_stage(client, liaison, enterprise):
    client.force_login(liaison)
    response = client.post(
        reverse("enterprises:visit_create", args=[enterprise.pk]),
        {**VISIT, "intention": "move_to_park", "visited_on": "2021-07-01"},
        follow=True,
    )
    enterprise.refresh_from_db()
    assert enterprise.status == S.INTENTION_RECORDED
    change = StatusChange.objects.get(enterprise=enterprise)
    assert change.from_status == S.SURVEYED and change.actor == liaison
    assert "搬迁进度已变更为“已登记意向”" in response.content.decode()


@pytest.mark.parametrize("intention", ["undecided", "refuses"])
def test_a_visit_without_a_decided_intention_leaves_the_stage(liaison, enterprise, intention):
    services.visit_record(
        actor=liaison, enterprise=enterprise, visited_on=dt.date(2021, 7, 1), intention=intention, **VISIT
    )
    enterprise.refresh_from_db()
    assert enterprise.status == S.SURVEYED
    assert not StatusChange.objects.exists()


def test_a_visit_later_in_the_road_does_not_move_back(hq_staff, enterprise):
    put_in(enterprise, S.COMMITMENT_SIGNED)
    services.visit_record(
        actor=hq_staff, enterprise=enterprise, visited_on=dt.date(2021, 7, 1), intention="close", **VISIT
    )
    enterprise.refresh_from_db()
    assert enterprise.status == S.COMMITMENT_SIGNED
    assert not StatusChange.objects.exists()


def test_an_older_visit_entered_late_does_not_move_the_stage(hq_staff, enterprise):
    services.visit_record(
        actor=hq_staff, enterprise=enterprise, visited_on=dt.date(2021, 8, 1), intention="undecided", **VISIT
    )
    services.visit_record(
        actor=hq_staff, enterprise=enterprise, visited_on=dt.date(2021, 7, 1), intention="close", **VISIT
    )
    enterprise.refresh_from_db()
    assert enterprise.status == S.SURVEYED
