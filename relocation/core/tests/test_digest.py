"""The daily digest: one e-mail per person per day counting unread notices by
category; none for a person who opted out, has nothing unread or no address;
a second run the same day sends nothing; mark-all-read empties the next one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from relocation.core import notifications
from relocation.core.digest import digest_set, send_daily_digests, wants_digest
from relocation.core.models import AuditEvent, NotificationDigest

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)


@pytest.fixture
def people(liaison, hq_staff, outsider):
    liaison.email, hq_staff.email = "liaison@example.cn", "hq@example.cn"
    liaison.save(update_fields=["email"])
    hq_staff.save(update_fields=["email"])
    for i in range(3):
        notifications.notify(recipients=[liaison], verb="task.assigned", title=f"新任务{i}")
    notifications.notify(recipients=[liaison], verb="report.reminder", title="请报送")
    notifications.notify(recipients=[outsider], verb="task.assigned", title="没有邮箱的人")
    return liaison, hq_staff, outsider


def test_it_sends_one_message_per_person_per_day_by_category(people, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    liaison, _hq, _outsider = people
    assert send_daily_digests(today=DAY) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["liaison@example.cn"]
    assert "4" in message.subject
    assert "督办任务" in message.body and "：3" in message.body and "：1" in message.body
    assert send_daily_digests(today=DAY) == 0  # the same day again: nothing
    assert len(mail.outbox) == 1
    assert NotificationDigest.objects.get(user=liaison, day=DAY).unread == 4
    assert send_daily_digests(today=DAY + dt.timedelta(days=1)) == 1


def test_nobody_with_nothing_unread_or_opted_out_gets_one(people, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    liaison, _hq, _outsider = people
    digest_set(actor=liaison, wanted=False)
    assert not wants_digest(liaison)
    assert send_daily_digests(today=DAY) == 0 and mail.outbox == []
    digest_set(actor=liaison, wanted=True)
    notifications.mark_read(user=liaison, notification_ids=None)  # mark all read
    assert send_daily_digests(today=DAY) == 0


def test_a_failed_send_gives_the_day_back(people, settings, monkeypatch):
    import relocation.core.digest as digest

    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(digest, "send_mail", broken)
    assert send_daily_digests(today=DAY) == 0
    assert not NotificationDigest.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    monkeypatch.undo()
    assert send_daily_digests(today=DAY) == 1


def test_the_settings_page_turns_the_digest_off_and_on_and_audits_it(client, liaison):
    client.force_login(liaison)
    assert 'id="daily_digest" checked' in client.get(reverse("notification_preferences")).content.decode()
    client.post(reverse("notification_preferences"), {})
    assert not wants_digest(liaison)
    client.post(reverse("notification_preferences"), {"daily_digest": "on"})
    assert wants_digest(liaison)
    assert AuditEvent.objects.filter(action="notification.digest_changed").count() == 2


def test_mark_all_read_from_the_inbox(client, people):
    liaison, _hq, _outsider = people
    client.force_login(liaison)
    client.post(reverse("inbox_mark_read"))
    assert not liaison.notifications.filter(read_at__isnull=True).exists()
