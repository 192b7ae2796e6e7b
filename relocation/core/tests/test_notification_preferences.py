"""Per-user notification settings: in-app always, e-mail per category, a few
kinds always by e-mail."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from relocation.core import tasks as core_tasks
from relocation.core.errors import ServiceError
from relocation.core.models import AuditEvent, Notification, NotificationPreference
from relocation.core.notification_kinds import categories, category_of, mandatory
from relocation.core.services import notification_preferences_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def liaison_with_email(liaison):
    liaison.email = "l@example.org"
    liaison.save(update_fields=["email"])
    return liaison


def _deliver(user, verb):
    item = Notification.objects.create(recipient=user, verb=verb, title=verb)
    core_tasks.deliver_notifications([item.pk])
    return item


def test_it_files_verbs_under_their_category():
    assert category_of("task.assigned") == "task"
    assert category_of("meeting.minutes_issued") == "meeting"
    assert category_of("something.new") == "other"
    assert {category_of(v) for v in mandatory()} <= {k for k, _label in categories()}


def test_email_is_on_until_the_user_turns_a_category_off(liaison_with_email):
    _deliver(liaison_with_email, "meeting.scheduled")
    assert len(mail.outbox) == 1
    notification_preferences_set(actor=liaison_with_email, email={"meeting": False})
    item = _deliver(liaison_with_email, "meeting.rescheduled")
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(pk=item.pk).exists()  # still in the inbox
    _deliver(liaison_with_email, "task.assigned")
    assert len(mail.outbox) == 2


def test_mandatory_kinds_go_by_email_whatever_was_chosen(liaison_with_email):
    notification_preferences_set(actor=liaison_with_email, email={"task": False, "monitoring": False})
    _deliver(liaison_with_email, "task.notice")
    _deliver(liaison_with_email, "monitoring.alert")
    _deliver(liaison_with_email, "task.assigned")
    assert sorted(m.subject for m in mail.outbox) == ["monitoring.alert", "task.notice"]


def test_a_change_is_audited_and_saving_the_same_records_nothing(liaison):
    notification_preferences_set(actor=liaison, email={"meeting": False, "task": True})
    event = AuditEvent.objects.get(action="notification.preferences_changed")
    assert event.actor == liaison and event.changes == {"email.meeting": [True, False]}
    notification_preferences_set(actor=liaison, email={"meeting": False, "task": True})
    assert AuditEvent.objects.filter(action="notification.preferences_changed").count() == 1
    assert NotificationPreference.objects.filter(user=liaison).count() == 1


def test_it_refuses_an_unknown_category(liaison):
    with pytest.raises(ServiceError):
        notification_preferences_set(actor=liaison, email={"nonsense": False})


def test_the_page_saves_the_choice_of_the_signed_in_user_only(client, liaison, hq_staff):
    client.force_login(liaison)
    page = client.get(reverse("notification_preferences")).content.decode()
    assert "task.notice" in page and 'id="no-email"' in page
    keep = {f"email_{k}": "on" for k, _label in categories() if k != "bulletin"}
    assert client.post(reverse("notification_preferences"), keep).status_code == 302
    assert NotificationPreference.objects.get(user=liaison, category="bulletin").email is False
    assert not NotificationPreference.objects.filter(user=hq_staff).exists()


def test_every_role_finds_it_in_the_user_menu(client, enterprise_contact):
    client.force_login(enterprise_contact)
    assert 'data-nav="notification_preferences"' in client.get(reverse("home")).content.decode()
    assert client.get(reverse("notification_preferences")).status_code == 200


def test_the_api_reads_and_changes_ones_own_settings(client, liaison):
    client.force_login(liaison)
    url = "/api/core/notification-preferences/"
    data = client.get(url).json()
    assert {"category": "meeting", "label": data["categories"][3]["label"], "email": True} in data["categories"]
    assert {row["verb"] for row in data["mandatory"]} == set(mandatory())
    changed = client.patch(
        url, {"categories": [{"category": "meeting", "email": False}]}, content_type="application/json"
    ).json()
    assert {"meeting": False} == {r["category"]: r["email"] for r in changed["categories"] if not r["email"]}
    bad = client.patch(url, {"categories": [{"category": "nope", "email": False}]}, content_type="application/json")
    assert bad.status_code == 400


def test_the_api_refuses_the_anonymous(client):
    assert client.get("/api/core/notification-preferences/").status_code in {401, 403}


def test_apps_register_their_own_kinds_and_the_core_names_none():
    from pathlib import Path

    from relocation.core import notification_kinds

    keys = [k for k, _label in categories()]
    assert keys[-1] == "other"
    assert {"task", "report", "meeting", "bulletin", "letter", "monitoring", "stability"} <= set(keys)
    assert category_of("inquiry.received") == "other"
    source = Path(notification_kinds.__file__).read_text(encoding="utf-8")
    assert '"task.' not in source and '"monitoring' not in source
