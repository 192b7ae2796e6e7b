"""Background jobs of the core: delivering notifications on external channels."""

from __future__ import annotations

import json
import logging
import urllib.request

from django.conf import settings
from django.core.mail import send_mail
from huey.contrib.djhuey import db_task

from relocation.core.models import Notification

log = logging.getLogger(__name__)


def webhook_payload(item: Notification, fmt: str) -> dict:
    text = f"{item.title}\n{item.body}".strip()
    if fmt in {"wecom", "dingtalk"}:
        # WeCom and DingTalk group robots both accept {"msgtype": "text", "text": {"content": ...}}.
        return {"msgtype": "text", "text": {"content": text}}
    return {
        "verb": item.verb,
        "title": item.title,
        "body": item.body,
        "url": item.url,
        "recipient": item.recipient.get_username(),
    }


@db_task(retries=3, retry_delay=30)
def deliver_notifications(notification_ids: list[int]) -> None:
    items = Notification.objects.filter(pk__in=notification_ids).select_related("recipient")
    for item in items:
        if item.recipient.email:
            send_mail(
                item.title, f"{item.body}\n\n{item.url}".strip(), None, [item.recipient.email], fail_silently=True
            )
        if settings.NOTIFY_WEBHOOK_URL:
            data = json.dumps(webhook_payload(item, settings.NOTIFY_WEBHOOK_FORMAT), ensure_ascii=False).encode()
            req = urllib.request.Request(
                settings.NOTIFY_WEBHOOK_URL, data=data, headers={"Content-Type": "application/json"}, method="POST"
            )
            try:
                urllib.request.urlopen(req, timeout=10).close()
            except OSError:
                log.warning("webhook delivery failed for notification %s", item.pk)
