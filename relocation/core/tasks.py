"""Background jobs of the core: anchoring the audit chain outside the database,
the scheduled backup, and delivering notifications on external channels.

Each (notification, channel) pair is a NotificationDelivery row that one worker
claims before sending, so a job queued twice sends each e-mail once. A failure
raises after the whole batch was tried, so huey retries the job (the rows already
sent are skipped); the attempt that reaches MAX_ATTEMPTS marks its row failed.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import urllib.request
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from relocation.core import robots
from relocation.core.models import Notification, NotificationDelivery, NotificationPreference
from relocation.core.notification_kinds import category_of, is_mandatory

log = logging.getLogger(__name__)

# The first try and three retries, 1, 2 and 4 minutes apart: enough for a mail server
# restart or a robot's rate limit, short enough that a message is not hours late.
MAX_ATTEMPTS = 4
RETRY_DELAY_SECONDS = 60
RETRY_BACKOFF = 2
# A claim older than this belongs to a worker that died mid-send; another may take it over.
STALE_CLAIM = dt.timedelta(minutes=15)

Channel = NotificationDelivery.Channel
Status = NotificationDelivery.Status


@db_periodic_task(crontab(minute="0"))
@lock_task("core-audit-checkpoint")
def checkpoint_audit_chain() -> int | None:
    """Every hour: a signed checkpoint of the chain head, to the file and the log.
    Entries cut off the end of the chain later than this show up in audit_verify;
    the hour is the window an intruder could truncate unseen."""
    from relocation.core import audit_checkpoints

    checkpoint = audit_checkpoints.write()
    return checkpoint.seq if checkpoint else None


@db_periodic_task(crontab(minute="30", hour=str(settings.BACKUP_HOUR)))
@lock_task("core-backup")
def scheduled_backup() -> str | None:
    """Every night: an encrypted backup into BACKUP_DIR, keeping BACKUP_KEEP of
    them. Without BACKUP_KEY nothing is written (a backup nobody can decrypt, or
    one in clear, is worse than a missing one, which the log says)."""
    from pathlib import Path

    from relocation.core import backup

    if not settings.BACKUP_KEY:
        log.warning("scheduled backup skipped: BACKUP_KEY is not set")
        return None
    directory = Path(settings.BACKUP_DIR)
    output = directory / backup.backup_name()
    backup.create_backup(output, backup.load_key(settings.BACKUP_KEY))
    backup.prune(directory, settings.BACKUP_KEEP)
    log.info("backup written: %s", output)
    return str(output)


class DeliveryFailed(Exception):
    """Some channel failed and will be tried again (huey retries the job)."""


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


@db_task(retries=MAX_ATTEMPTS - 1, retry_delay=RETRY_DELAY_SECONDS, retry_backoff=RETRY_BACKOFF, context=True)
def deliver_notifications(notification_ids: list[int], task: Any = None) -> None:
    last_try = task is not None and not task.retries
    failed = deliver(notification_ids, last_try=last_try)
    if failed:
        raise DeliveryFailed(f"{len(failed)} deliveries failed, will retry: {failed[:5]}")


def deliver(notification_ids: list[int], *, last_try: bool = False) -> list[int]:
    """Send every wanted channel of these notifications that nobody sent yet.
    Returns the ids of deliveries that failed and are to be retried."""
    items = list(Notification.objects.filter(pk__in=notification_ids).select_related("recipient"))
    wanted = _wanted_channels(items)
    if not wanted:
        return []
    NotificationDelivery.objects.bulk_create(
        [NotificationDelivery(notification=item, channel=channel) for item, channel in wanted],
        ignore_conflicts=True,
    )
    rows = {
        (d.notification_id, d.channel): d.pk
        for d in NotificationDelivery.objects.filter(notification_id__in=[i.pk for i in items]).only(
            "pk", "notification_id", "channel"
        )
    }
    retry: list[int] = []
    for item, channel in wanted:
        pk = rows[(item.pk, channel)]
        if not _claim(pk):
            continue  # sent, failed for good, or being sent by another worker
        try:
            _send(item, channel)
        except Exception as exc:  # noqa: BLE001 - any failure of the channel is recorded and retried
            if _release_failed(pk, exc, last_try=last_try):
                retry.append(pk)
        else:
            now = timezone.now()
            NotificationDelivery.objects.filter(pk=pk).update(status=Status.SENT, sent_at=now, updated_at=now)
    return retry


def _wanted_channels(items: list[Notification]) -> list[tuple[Notification, str]]:
    opted_out = set(
        NotificationPreference.objects.filter(user_id__in={i.recipient_id for i in items}, email=False).values_list(
            "user_id", "category"
        )
    )
    wanted = []
    # Urgent kinds go at once to the recipient unit's group robot, once per unit:
    # the first notification of the batch for that unit and message carries it.
    urgent = [item for item in items if is_mandatory(item.verb)]
    unit_robots = robots.robots_for({item.recipient_id for item in urgent}) if urgent else {}
    carried: set[tuple[str, str, str]] = set()
    for item in sorted(urgent, key=lambda i: i.pk):
        robot = unit_robots.get(item.recipient_id)
        if robot is None or (robot.key, item.verb, item.title) in carried:
            continue
        carried.add((robot.key, item.verb, item.title))
        wanted.append((item, Channel.ROBOT))
    for item in items:
        if item.recipient.email and (
            is_mandatory(item.verb) or (item.recipient_id, category_of(item.verb)) not in opted_out
        ):
            wanted.append((item, Channel.EMAIL))
        if settings.NOTIFY_WEBHOOK_URL:
            wanted.append((item, Channel.WEBHOOK))
    return wanted


def _claim(pk: int) -> bool:
    now = timezone.now()
    claimable = Q(status=Status.PENDING) | Q(status=Status.SENDING, claimed_at__lt=now - STALE_CLAIM)
    return (
        NotificationDelivery.objects.filter(claimable, pk=pk).update(
            status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1, updated_at=now
        )
        == 1
    )


def _release_failed(pk: int, exc: Exception, *, last_try: bool) -> bool:
    """Record the failure; True when the delivery will be tried again."""
    error = f"{exc.__class__.__name__}: {exc}"[:500]
    give_up = Q(pk=pk) if last_try else Q(attempts__gte=MAX_ATTEMPTS)
    NotificationDelivery.objects.filter(pk=pk, status=Status.SENDING).update(
        status=Case(When(give_up, then=Value(Status.FAILED)), default=Value(Status.PENDING)),
        last_error=error,
        updated_at=timezone.now(),
    )
    if NotificationDelivery.objects.filter(pk=pk, status=Status.FAILED).exists():
        log.error("notification delivery %s failed for good: %s", pk, error)
        return False
    log.warning("notification delivery %s failed, will retry: %s", pk, error)
    return True


def _send(item: Notification, channel: str) -> None:
    if channel == Channel.EMAIL:
        send_mail(item.title, f"{item.body}\n\n{item.url}".strip(), None, [item.recipient.email])
        return
    if channel == Channel.ROBOT:
        robot = robots.robots_for([item.recipient_id]).get(item.recipient_id)
        if robot is None:
            raise robots.RobotRefused("the unit's robot was removed or switched off")
        robots.post(robot, title=item.title, body=item.body, link=_absolute(item.url))
        return
    data = json.dumps(webhook_payload(item, settings.NOTIFY_WEBHOOK_FORMAT), ensure_ascii=False).encode()
    req = urllib.request.Request(
        settings.NOTIFY_WEBHOOK_URL, data=data, headers={"Content-Type": "application/json"}, method="POST"
    )
    urllib.request.urlopen(req, timeout=10).close()


def _absolute(url: str) -> str:
    """A robot message is read outside the site: give it the full address when one is configured."""
    base = getattr(settings, "SITE_URL", "")
    return f"{base.rstrip('/')}{url}" if url.startswith("/") and base else url


@db_periodic_task(crontab(minute="0", hour=str(getattr(settings, "DIGEST_HOUR", 8))))
@lock_task("core-daily-digest")
def daily_digest() -> int:
    """Every morning: each person's digest of unread notices by category (core.digest)."""
    from relocation.core.digest import send_daily_digests

    return send_daily_digests()
