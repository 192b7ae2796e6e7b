"""Sending notifications: the in-app inbox first, then e-mail and webhook
channels after the transaction commits.

`dedupe_key` makes sending idempotent: a job that runs twice (a retry, a
second worker) creates no second inbox item and sends no second e-mail.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction

from relocation.core.models import Notification


def notify(
    *,
    recipients: Iterable[Any],
    verb: str,
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str = "",
) -> list[Notification]:
    """Put a notification in each recipient's inbox (once per dedupe_key) and
    queue the external channels for after commit."""
    created: list[Notification] = []
    seen: set[int] = set()
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        if dedupe_key and Notification.objects.filter(recipient=user, dedupe_key=dedupe_key).exists():
            continue
        try:
            with transaction.atomic():
                item = Notification.objects.create(
                    recipient=user, verb=verb, title=str(title)[:255], body=str(body), url=url, dedupe_key=dedupe_key
                )
        except IntegrityError:  # a concurrent run of the same job got there first
            continue
        created.append(item)
    if created:
        ids = [n.pk for n in created]
        transaction.on_commit(lambda: _dispatch_external(ids))
    return created


def _dispatch_external(notification_ids: list[int]) -> None:
    from relocation.core.tasks import deliver_notifications

    deliver_notifications(notification_ids)


def mark_read(*, user: Any, notification_ids: Iterable[int] | None = None) -> int:
    from django.utils import timezone

    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())
