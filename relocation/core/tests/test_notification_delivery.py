"""E-mail and robot delivery: once per channel however often the job is queued;
failures are retried by huey, then recorded where HQ sees them."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.urls import reverse
from huey.contrib.djhuey import HUEY

from relocation.core import tasks as core_tasks
from relocation.core.models import Notification, NotificationDelivery
from relocation.core.notifications import notify
from relocation.core.tests.personas import verified_login

Status = NotificationDelivery.Status


@pytest.fixture
def liaison_with_email(liaison):
    liaison.email = "l@example.org"
    liaison.save(update_fields=["email"])
    return liaison


@pytest.fixture
def failing_webhook(settings, monkeypatch):
    settings.NOTIFY_WEBHOOK_URL = "http://hooks.invalid/robot"
    calls = []

    def refuse(req, timeout):
        calls.append(json.loads(req.data.decode()))
        raise OSError("connection refused")

    monkeypatch.setattr(core_tasks.urllib.request, "urlopen", refuse)
    return calls


def _run_scheduled_retries() -> int:
    """Run what huey scheduled for later (immediate mode keeps it in memory)."""
    ran = 0
    while True:
        due = HUEY.read_schedule(HUEY._get_timestamp().replace(year=2999))
        if not due:
            return ran
        for task in due:
            task.eta = None  # as if its retry delay had passed
            HUEY.execute(task)
            ran += 1


@pytest.fixture(autouse=True)
def _empty_schedule():
    HUEY.flush()
    yield
    HUEY.flush()


@pytest.mark.django_db
def test_it_sends_one_email_when_the_same_job_is_queued_twice(liaison_with_email):
    item = Notification.objects.create(recipient=liaison_with_email, verb="meeting.scheduled", title="开会")
    core_tasks.deliver_notifications([item.pk])
    core_tasks.deliver_notifications([item.pk])
    assert len(mail.outbox) == 1
    delivery = NotificationDelivery.objects.get(notification=item)
    assert (delivery.channel, delivery.status, delivery.attempts) == ("email", Status.SENT, 1)
    assert delivery.sent_at is not None


@pytest.mark.django_db
def test_a_delivery_claimed_by_another_worker_is_not_sent_again(liaison_with_email):
    item = Notification.objects.create(recipient=liaison_with_email, verb="meeting.scheduled", title="开会")
    NotificationDelivery.objects.create(notification=item, channel="email", status=Status.SENDING, attempts=1)
    from django.utils import timezone

    NotificationDelivery.objects.update(claimed_at=timezone.now())
    assert core_tasks.deliver([item.pk]) == []
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_failing_email_raises_so_huey_retries(liaison_with_email, monkeypatch):
    item = Notification.objects.create(recipient=liaison_with_email, verb="meeting.scheduled", title="开会")

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(core_tasks, "send_mail", broken)
    with pytest.raises(core_tasks.DeliveryFailed):
        core_tasks.deliver_notifications.call_local([item.pk])
    delivery = NotificationDelivery.objects.get(notification=item)
    assert delivery.status == Status.PENDING and "smtp down" in delivery.last_error
    monkeypatch.undo()
    core_tasks.deliver_notifications.call_local([item.pk])
    delivery.refresh_from_db()
    assert delivery.status == Status.SENT and delivery.attempts == 2 and len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_failing_webhook_is_retried_then_recorded_as_undelivered(liaison, failing_webhook):
    notify(recipients=[liaison], verb="task.assigned", title="新任务")
    delivery = NotificationDelivery.objects.get(channel="webhook")
    assert delivery.status == Status.PENDING and delivery.attempts == 1
    assert _run_scheduled_retries() == core_tasks.MAX_ATTEMPTS - 1
    delivery.refresh_from_db()
    assert delivery.status == Status.FAILED
    assert delivery.attempts == core_tasks.MAX_ATTEMPTS == len(failing_webhook)
    assert "connection refused" in delivery.last_error
    # Nothing tries it again once it is recorded as failed.
    core_tasks.deliver_notifications.call_local([delivery.notification_id])
    assert len(failing_webhook) == core_tasks.MAX_ATTEMPTS


@pytest.mark.django_db
def test_one_failing_channel_does_not_stop_the_others(liaison_with_email, failing_webhook):
    item = Notification.objects.create(recipient=liaison_with_email, verb="task.assigned", title="新任务")
    assert core_tasks.deliver([item.pk]) != []
    assert len(mail.outbox) == 1
    assert NotificationDelivery.objects.get(channel="email").status == Status.SENT


@pytest.mark.django_db
def test_hq_sees_undelivered_notifications(client, hq_staff, liaison):
    item = Notification.objects.create(recipient=liaison, verb="task.assigned", title="新任务（未送达）")
    NotificationDelivery.objects.create(
        notification=item, channel="webhook", status=Status.FAILED, attempts=4, last_error="OSError: refused"
    )
    NotificationDelivery.objects.create(
        notification=Notification.objects.create(recipient=liaison, verb="x", title="已送达"),
        channel="email",
        status=Status.SENT,
    )
    client.force_login(hq_staff)
    page = client.get(reverse("undelivered_notifications")).content.decode()
    assert "新任务（未送达）" in page and "OSError: refused" in page and "已送达" not in page
    api = client.get("/api/core/undelivered-notifications/").json()
    assert [row["title"] for row in api["results"]] == ["新任务（未送达）"]


@pytest.mark.django_db
def test_the_system_admin_sees_them_too(client, system_admin):
    verified_login(client, system_admin)
    assert client.get(reverse("undelivered_notifications")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["liaison", "enterprise_contact", "outsider"])
def test_others_may_not_see_undelivered_notifications(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("undelivered_notifications")).status_code == 403
    assert client.get("/api/core/undelivered-notifications/").status_code == 403


@pytest.mark.django_db
def test_the_undelivered_list_has_a_fixed_query_count(client, hq_staff, liaison, django_assert_max_num_queries):
    for n in range(20):
        item = Notification.objects.create(recipient=liaison, verb="task.assigned", title=f"任务{n}")
        NotificationDelivery.objects.create(notification=item, channel="email", status=Status.FAILED, attempts=4)
    client.force_login(hq_staff)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("undelivered_notifications")).status_code == 200


def _failed(liaison, n=1, title="新任务（未送达）"):
    rows = []
    for i in range(n):
        item = Notification.objects.create(recipient=liaison, verb="task.assigned", title=f"{title}{i}")
        rows.append(
            NotificationDelivery.objects.create(
                notification=item, channel="email", status=Status.FAILED, attempts=4, last_error="SMTP: refused"
            )
        )
    return rows


@pytest.mark.django_db
def test_hq_resends_one_failed_delivery_from_the_page(
    client, hq_staff, liaison_with_email, django_capture_on_commit_callbacks
):
    from relocation.core.models import AuditEvent

    [delivery, other] = _failed(liaison_with_email, 2)
    client.force_login(hq_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("undelivered_notifications"), {"one": delivery.pk}, follow=True)
    assert "已重新发送 1 条通知" in response.content.decode()
    delivery.refresh_from_db()
    other.refresh_from_db()
    # Immediate huey: the job ran on commit and the mail went out this time.
    assert delivery.status == Status.SENT and delivery.attempts == 1
    assert [m.subject for m in mail.outbox] == ["新任务（未送达）0"]
    assert other.status == Status.FAILED
    event = AuditEvent.objects.get(action="notification.resent")
    assert event.actor_id == hq_staff.pk and event.object_id == str(delivery.pk)
    assert event.changes["last_error"] == ["SMTP: refused", ""]


@pytest.mark.django_db
def test_the_selected_deliveries_are_resent_together(
    client, hq_staff, liaison_with_email, django_capture_on_commit_callbacks
):
    from relocation.core.models import AuditEvent

    rows = _failed(liaison_with_email, 3)
    client.force_login(hq_staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("undelivered_notifications"), {"delivery": [rows[0].pk, rows[2].pk]})
    assert sorted(NotificationDelivery.objects.filter(status=Status.SENT).values_list("pk", flat=True)) == [
        rows[0].pk,
        rows[2].pk,
    ]
    assert AuditEvent.objects.filter(action="notification.resent").count() == 2
    # Resending what is no longer failed does nothing and says so.
    response = client.post(reverse("undelivered_notifications"), {"delivery": [rows[0].pk]}, follow=True)
    assert "已不在未送达列表中" in response.content.decode()
    assert AuditEvent.objects.filter(action="notification.resent").count() == 2


@pytest.mark.django_db
def test_a_resent_delivery_that_fails_again_is_retried_then_listed_again(
    hq_staff, liaison, failing_webhook, django_capture_on_commit_callbacks
):
    from relocation.core.services import notifications_resend

    item = Notification.objects.create(recipient=liaison, verb="task.assigned", title="机器人")
    delivery = NotificationDelivery.objects.create(
        notification=item, channel="webhook", status=Status.FAILED, attempts=4, last_error="old"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications_resend(actor=hq_staff, delivery_ids=[delivery.pk]) == 1
    _run_scheduled_retries()
    delivery.refresh_from_db()
    assert delivery.status == Status.FAILED and delivery.attempts == core_tasks.MAX_ATTEMPTS
    assert "connection refused" in delivery.last_error


@pytest.mark.django_db
def test_the_api_resends_one_and_many(hq_staff, liaison_with_email):
    from rest_framework.test import APIClient

    rows = _failed(liaison_with_email, 3)
    api = APIClient()
    api.force_login(hq_staff)
    one = api.post(f"/api/core/undelivered-notifications/{rows[0].pk}/resend/")
    assert one.status_code == 200 and one.json() == {"resent": 1}
    many = api.post("/api/core/undelivered-notifications/resend/", {"ids": [r.pk for r in rows]}, format="json")
    assert many.json() == {"resent": 2}
    assert api.post("/api/core/undelivered-notifications/resend/", {"ids": []}, format="json").status_code == 400
    assert not NotificationDelivery.objects.filter(status=Status.FAILED).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["liaison", "enterprise_contact", "outsider"])
def test_others_may_not_resend(client, request, persona, hq_staff):
    user = request.getfixturevalue(persona)
    [delivery] = _failed(request.getfixturevalue("liaison"))
    client.force_login(user)
    assert client.post(reverse("undelivered_notifications"), {"one": delivery.pk}).status_code == 403
    assert client.post("/api/core/undelivered-notifications/resend/", {"ids": [delivery.pk]}).status_code == 403
    delivery.refresh_from_db()
    assert delivery.status == Status.FAILED
