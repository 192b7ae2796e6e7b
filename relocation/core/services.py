"""Writes owned by the core: account-level security events, notification
settings and resending undelivered notifications."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit
from relocation.core.errors import PermissionDeniedError, ServiceError


def second_factor_enrolled(*, actor: Any, device: Any) -> None:
    """Confirm a TOTP device; the enrolment is audited."""
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit.record(actor=actor, action="security.otp_enrolled", obj=actor, summary="启用二次验证")


def notification_preferences_set(*, actor: Any, email: dict[str, bool]) -> dict[str, bool]:
    """Choose, for the actor's own account, which notification categories also
    come by e-mail. Categories not named keep their setting; unknown ones are
    refused. Audited only when something changed."""
    from relocation.core.models import NotificationPreference
    from relocation.core.notification_kinds import CATEGORIES
    from relocation.core.selectors import notification_preferences_of

    known = {key for key, _label in CATEGORIES}
    unknown = sorted(set(email) - known)
    if unknown:
        raise ServiceError(_("未知的通知类别：%(c)s") % {"c": "、".join(unknown)})
    with transaction.atomic():
        before = notification_preferences_of(actor)
        for category, wanted in email.items():
            if before[category] != bool(wanted):
                NotificationPreference.objects.update_or_create(
                    user=actor, category=category, defaults={"email": bool(wanted)}
                )
        after = notification_preferences_of(actor)
        changes = {f"email.{k}": [before[k], after[k]] for k in after if before[k] != after[k]}
        if changes:
            audit.record(
                actor=actor,
                action="notification.preferences_changed",
                obj=actor,
                summary=_("修改通知设置"),
                changes=changes,
            )
    return after


def notifications_resend(*, actor: Any, delivery_ids: Iterable[int]) -> int:
    """Send again deliveries that failed for good (the 未送达 list), once HQ or
    the system admin has fixed the cause (an e-mail address, the robot).

    Each chosen failed row goes back to pending with a fresh count of tries
    and is audited; the delivery job is queued on huey after the commit, so it
    retries as on the first sending. Rows no longer failed (sent meanwhile, or
    resent by someone else) are skipped. Returns how many were re-queued."""
    from relocation.core.models import NotificationDelivery
    from relocation.core.roles import can_see_undelivered
    from relocation.core.tasks import deliver_notifications

    if not can_see_undelivered(actor):
        raise PermissionDeniedError(_("只有指挥部或系统管理员可以重新发送通知。"))
    ids = sorted({int(pk) for pk in delivery_ids})
    if not ids:
        raise ServiceError(_("请选择要重新发送的通知。"), code="ids")
    failed = NotificationDelivery.Status.FAILED
    with transaction.atomic():
        rows = list(
            NotificationDelivery.objects.select_for_update()
            .filter(pk__in=ids, status=failed)
            .select_related("notification__recipient")
            .order_by("pk")
        )
        if not rows:
            raise ServiceError(_("所选通知已不在未送达列表中（可能已重新发送）。"), code="ids")
        NotificationDelivery.objects.filter(pk__in=[d.pk for d in rows], status=failed).update(
            status=NotificationDelivery.Status.PENDING,
            attempts=0,
            claimed_at=None,
            last_error="",
            updated_at=timezone.now(),
        )
        for delivery in rows:
            audit.record(
                actor=actor,
                action="notification.resent",
                obj=delivery,
                summary=_("重新发送通知（%(channel)s）：%(title)s → %(to)s")
                % {
                    "channel": delivery.get_channel_display(),
                    "title": delivery.notification.title,
                    "to": delivery.notification.recipient.get_username(),
                },
                changes={
                    "status": [failed, NotificationDelivery.Status.PENDING],
                    "last_error": [delivery.last_error, ""],
                },
            )
        notification_ids = sorted({d.notification_id for d in rows})
        transaction.on_commit(lambda: deliver_notifications(notification_ids))
    return len(rows)


def calendar_notice_save(*, actor: Any, data: Any) -> Any:
    """HQ enters (or re-enters) a year's State Council holiday notice. Its days win
    over the package's for that year, and the year counts as covered from now on.
    Checked whole before anything is written; audited with the days before and after.
    `actor=None` is the operator at the command line (`manage.py workdays import`)."""
    from relocation.core import workdays
    from relocation.core.calendar_notices import notice_from
    from relocation.core.models import OfficialCalendarDay, OfficialCalendarYear
    from relocation.core.roles import is_hq_editor

    if actor is not None and not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部工作人员可以录入国家节假日安排。"))
    notice = notice_from(data)
    holidays = [d.isoformat() for d in notice.holidays]
    extra_workdays = [d.isoformat() for d in notice.workdays]
    with transaction.atomic():
        entry = OfficialCalendarYear.objects.select_for_update().filter(year=notice.year).first()
        before = {"source": "", "holidays": [], "workdays": []}
        if entry is None:
            entry = OfficialCalendarYear.objects.create(
                year=notice.year, source=notice.source, holidays=holidays, workdays=extra_workdays
            )
        else:
            before = {"source": entry.source, "holidays": entry.holidays, "workdays": entry.workdays}
            entry.source, entry.holidays, entry.workdays = notice.source, holidays, extra_workdays
            entry.save(update_fields=["source", "holidays", "workdays", "updated_at"])
            entry.days.all().delete()
        OfficialCalendarDay.objects.bulk_create(
            [OfficialCalendarDay(year=entry, date=d, is_workday=False) for d in notice.holidays]
            + [OfficialCalendarDay(year=entry, date=d, is_workday=True) for d in notice.workdays]
        )
        audit.record(
            actor=actor,
            action="workdays.notice_saved",
            obj=entry,
            summary=_("录入 %(y)s 年国家节假日安排（%(s)s）：放假 %(h)s 天，调休上班 %(w)s 天")
            % {"y": notice.year, "s": notice.source, "h": len(holidays), "w": len(extra_workdays)},
            changes=audit.diff(before, {"source": notice.source, "holidays": holidays, "workdays": extra_workdays}),
        )
        transaction.on_commit(workdays.forget_entered_years)
    workdays.forget_entered_years()
    return entry
