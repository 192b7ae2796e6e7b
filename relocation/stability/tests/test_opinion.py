"""Public-opinion events: the owner unit by default, the response deadline by
level (clock hours, from data), transitions, and the overdue flag."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from relocation.core.errors import ConflictError, PermissionDeniedError, ServiceError, TransitionError
from relocation.core.models import Notification
from relocation.stability import selectors, services
from relocation.stability.models import OpinionResponseRule
from relocation.stability.tests.conftest import ago

pytestmark = pytest.mark.django_db


def _record(actor, programme, **overrides):
    values = dict(
        actor=actor,
        programme=programme,
        source="media",
        title="媒体关注搬迁进度",
        first_seen_at=ago(minutes=10),
        level="general",
        description="报道称部分工人未获安置。",
    )
    values.update(overrides)
    return services.opinion_record(**values)


def test_the_propaganda_department_owns_it_by_default(propaganda_liaison, opinion, stability_units):
    assert opinion.owner_unit == stability_units["propaganda"]
    assert Notification.objects.filter(verb="stability.opinion_assigned", recipient=propaganda_liaison).exists()


def test_an_enterprise_with_hong_kong_capital_goes_to_tgao(hq_staff, programme, hk_enterprise, stability_units):
    event = _record(hq_staff, programme, enterprise=hk_enterprise)
    assert event.owner_unit == stability_units["tgao"]
    assert list(event.co_units.all()) == [stability_units["propaganda"]]


def test_the_deadline_is_hours_by_level_from_the_rules(hq_staff, programme, stability_units):
    seen = ago(minutes=5)
    major = _record(hq_staff, programme, level="major", first_seen_at=seen)
    assert major.response_due_at == seen + dt.timedelta(hours=2)
    OpinionResponseRule.objects.filter(level="larger").update(hours=12)
    larger = _record(hq_staff, programme, level="larger", first_seen_at=seen, title="另一条")
    assert larger.response_due_at == seen + dt.timedelta(hours=12)


def test_a_major_event_reaches_hq_commanders(hq_staff, hq_commander, programme, stability_units):
    _record(hq_staff, programme, level="major")
    assert Notification.objects.filter(verb="stability.opinion_assigned", recipient=hq_commander).exists()


def test_a_link_or_a_description_is_required(hq_staff, programme, stability_units):
    with pytest.raises(ServiceError):
        _record(hq_staff, programme, description="", url="")


def test_a_unit_that_records_anothers_event_stays_on_it(liaison, programme, stability_units):
    event = _record(liaison, programme)
    assert event.owner_unit == stability_units["propaganda"]
    assert list(selectors.opinions_for_user(liaison)) == [event]


def test_detected_verifying_responding_closed_with_the_published_response(opinion, propaganda_liaison):
    services.opinion_verify(actor=propaganda_liaison, event=opinion)
    services.opinion_respond(actor=propaganda_liaison, event=opinion, note="情况属实")
    with pytest.raises(ServiceError):
        services.opinion_close(actor=propaganda_liaison, event=opinion, published_response="")
    services.opinion_close(actor=propaganda_liaison, event=opinion, published_response="已发布情况通报。")
    opinion.refresh_from_db()
    assert opinion.status == "closed" and opinion.published_response == "已发布情况通报。"
    assert opinion.responded_at is not None
    assert [h.to_status for h in opinion.status_changes.all()] == ["detected", "verifying", "responding", "closed"]


def test_it_cannot_skip_verification(opinion, hq_staff):
    with pytest.raises(TransitionError):
        services.opinion_close(actor=hq_staff, event=opinion, published_response="x")


def test_only_the_owner_unit_or_hq_handles_it(opinion, liaison):
    with pytest.raises(PermissionDeniedError):
        services.opinion_verify(actor=liaison, event=opinion)


def test_overdue_is_flagged_for_open_events_only(opinion, hq_staff, propaganda_liaison):
    later = opinion.response_due_at + dt.timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        assert selectors.opinions_for_user(hq_staff).get().overdue is True
        services.opinion_verify(actor=hq_staff, event=opinion)
        services.opinion_close(actor=hq_staff, event=opinion, published_response="已回应")
        assert selectors.opinions_for_user(hq_staff).get().overdue is False


def test_the_overdue_reminder_goes_once(propaganda_liaison, opinion, hq_staff):
    with time_machine.travel(opinion.response_due_at + dt.timedelta(hours=1), tick=False):
        assert services.remind_overdue_opinions() == 1
        assert services.remind_overdue_opinions() == 0
    assert Notification.objects.filter(verb="stability.opinion_overdue", recipient=propaganda_liaison).count() == 1


def test_a_new_level_moves_the_deadline_and_old_versions_are_refused(opinion, hq_staff):
    values = dict(title=opinion.title, level="major", sentiment="negative", heat=9000, url=opinion.url, description="")
    services.opinion_update(actor=hq_staff, event=opinion, expected_version=opinion.version, **values)
    opinion.refresh_from_db()
    assert opinion.response_due_at == opinion.first_seen_at + dt.timedelta(hours=2)
    with pytest.raises(ConflictError):
        services.opinion_update(actor=hq_staff, event=opinion, expected_version=opinion.version - 1, **values)


def test_first_seen_cannot_be_in_the_future(hq_staff, programme, stability_units):
    with pytest.raises(ServiceError):
        _record(hq_staff, programme, first_seen_at=timezone.now() + dt.timedelta(hours=1))


def test_hq_sets_the_response_hours_and_new_events_follow(hq_staff, liaison, programme, stability_units):
    with pytest.raises(PermissionDeniedError):
        services.response_rule_set(actor=liaison, level="major", hours=1)
    with pytest.raises(ServiceError):
        services.response_rule_set(actor=hq_staff, level="major", hours=0)
    services.response_rule_set(actor=hq_staff, level="major", hours=1)
    seen = ago(minutes=5)
    event = _record(hq_staff, programme, level="major", first_seen_at=seen)
    assert event.response_due_at == seen + dt.timedelta(hours=1)
    assert ("major", 1) in [(level, hours) for level, _label, hours in services.response_rules()]


def test_the_response_hours_form_is_hq_only(client, hq_staff, liaison, stability_units):
    from django.urls import reverse

    client.force_login(liaison)
    assert client.post(reverse("stability:response_rule_set"), {"level": "larger", "hours": "6"}).status_code == 403
    client.force_login(hq_staff)
    client.post(reverse("stability:response_rule_set"), {"level": "larger", "hours": "6"})
    assert OpinionResponseRule.objects.get(level="larger").hours == 6
