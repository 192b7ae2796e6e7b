"""Writes owned by the core: account-level security events and notification settings."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from relocation.core import audit
from relocation.core.errors import ServiceError


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
