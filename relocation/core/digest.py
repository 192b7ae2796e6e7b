"""The daily digest (每日摘要): one e-mail per person per day that counts their
unread notices by category, so someone who does not open the site every day
still learns what waits (and nobody gets one mail per notice they opted out
of). Opt-out per person on the notification settings page. The job claims a
NotificationDigest row (unique per person and day) before sending, so a job
run twice sends once; a failed send gives the row back for the next run."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from relocation.core import audit
from relocation.core.models import DigestOptOut, Notification, NotificationDigest
from relocation.core.notification_kinds import categories, category_of

log = logging.getLogger(__name__)


def wants_digest(user: Any) -> bool:
    return not DigestOptOut.objects.filter(user=user).exists()


def digest_set(*, actor: Any, wanted: bool) -> bool:
    """The actor's own choice: receive the daily digest or not. Audited when it changes."""
    with transaction.atomic():
        before = wants_digest(actor)
        if wanted == before:
            return wanted
        if wanted:
            DigestOptOut.objects.filter(user=actor).delete()
        else:
            DigestOptOut.objects.get_or_create(user=actor)
        audit.record(
            actor=actor,
            action="notification.digest_changed",
            obj=actor,
            changes={"digest": [before, wanted]},
            summary=_("每日摘要：%(v)s") % {"v": _("接收") if wanted else _("不接收")},
        )
    return wanted


def unread_by_category(user_id: int) -> list[tuple[Any, int]]:
    """(category label, unread count) in the categories' display order, empty ones left out."""
    counts: dict[str, int] = {}
    for verb, n in (
        Notification.objects.filter(recipient_id=user_id, read_at__isnull=True)
        .order_by()
        .values_list("verb")
        .annotate(n=Count("id"))
    ):
        key = category_of(verb)
        counts[key] = counts.get(key, 0) + n
    return [(label, counts[key]) for key, label in categories() if counts.get(key)]


def _message(user: Any, rows: list[tuple[Any, int]]) -> tuple[str, str]:
    total = sum(n for _label, n in rows)
    subject = _("每日摘要：您有 %(n)s 条未读消息") % {"n": total}
    lines = [f"{label}：{n}" for label, n in rows]
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    link = f"{base}{reverse('inbox')}?unread=1" if base else f"{reverse('inbox')}?unread=1"
    body = "\n".join(
        [
            _("%(name)s，您好：") % {"name": user.display_name or user.username},
            "",
            *lines,
            "",
            _("查看未读消息：%(link)s") % {"link": link},
            _("不想再收到每日摘要，可在“通知设置”中关闭。"),
        ]
    )
    return subject, body


def send_daily_digests(*, today: dt.date | None = None) -> int:
    """One digest to every active person with unread notices, an e-mail address
    and no opt-out, at most once a day. Returns how many were sent."""
    from django.contrib.auth import get_user_model

    today = today or timezone.localdate()
    User = get_user_model()
    people = (
        User.objects.filter(is_active=True, notifications__read_at__isnull=True)
        .exclude(email="")
        .exclude(digest_opt_out__isnull=False)
        .exclude(digests__day=today)
        .distinct()
        .order_by("pk")
    )
    sent = 0
    for user in people.iterator(chunk_size=500):
        rows = unread_by_category(user.pk)
        if not rows:
            continue
        try:
            with transaction.atomic():
                claim = NotificationDigest.objects.create(user=user, day=today, unread=sum(n for _label, n in rows))
        except IntegrityError:
            continue  # another run claimed this person today
        with translation.override(settings.LANGUAGE_CODE):
            subject, body = _message(user, rows)
        try:
            send_mail(subject, body, None, [user.email])
        except Exception as exc:  # noqa: BLE001 - give the day back; the next run tries again
            log.warning("daily digest to user %s failed: %s", user.pk, exc)
            claim.delete()
            continue
        NotificationDigest.objects.filter(pk=claim.pk).update(sent_at=timezone.now())
        sent += 1
    return sent
