from __future__ import annotations

import json

import pytest
from django.core import mail

from relocation.core import tasks as core_tasks
from relocation.core.models import Notification
from relocation.core.notifications import notify


@pytest.mark.django_db(transaction=True)
def test_it_sends_each_email_once_even_when_the_job_runs_twice(liaison):
    liaison.email = "l@example.org"
    liaison.save()
    for _ in range(2):
        notify(recipients=[liaison], verb="task.red", title="逾期催办", body="请办理", dedupe_key="k1")
    assert Notification.objects.filter(recipient=liaison).count() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == "逾期催办"


@pytest.mark.django_db
def test_it_formats_webhook_payloads(liaison):
    item = Notification.objects.create(recipient=liaison, verb="task.red", title="逾期催办", body="请办理", url="/x/")
    assert core_tasks.webhook_payload(item, "wecom") == {"msgtype": "text", "text": {"content": "逾期催办\n请办理"}}
    assert core_tasks.webhook_payload(item, "dingtalk")["msgtype"] == "text"
    generic = core_tasks.webhook_payload(item, "json")
    assert generic["verb"] == "task.red" and generic["url"] == "/x/" and generic["recipient"] == "humen_liaison"


@pytest.mark.django_db(transaction=True)
def test_it_posts_the_webhook_once(liaison, settings, monkeypatch):
    settings.NOTIFY_WEBHOOK_URL = "http://hooks.invalid/robot"
    settings.NOTIFY_WEBHOOK_FORMAT = "wecom"
    sent = []

    class Resp:
        def close(self):
            pass

    def fake_urlopen(req, timeout):
        sent.append(json.loads(req.data.decode()))
        return Resp()

    monkeypatch.setattr(core_tasks.urllib.request, "urlopen", fake_urlopen)
    for _ in range(2):
        notify(recipients=[liaison], verb="task.red", title="逾期催办", dedupe_key="k2")
    assert sent == [{"msgtype": "text", "text": {"content": "逾期催办"}}]
