from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from relocation.core.models import AuditEvent, Notification, NotificationDelivery


def unread_count(user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def inbox_for_user(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def notification_preferences_of(user: Any) -> dict[str, bool]:
    """Category → whether it also comes by e-mail (on unless the user turned it off)."""
    from relocation.core.models import NotificationPreference
    from relocation.core.notification_kinds import CATEGORIES

    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("category", "email"))
    return {key: chosen.get(key, True) for key, _label in CATEGORIES}


def undelivered_notifications() -> QuerySet[NotificationDelivery]:
    """Deliveries that failed for good, newest first, for HQ to follow up."""
    return (
        NotificationDelivery.objects.filter(status=NotificationDelivery.Status.FAILED)
        .select_related("notification__recipient")
        .order_by("-updated_at", "-id")
    )


def audit_events(
    *,
    actor: str = "",
    action: str = "",
    object_type: str = "",
    date_from: Any = None,
    date_to: Any = None,
    enterprise_id: int | None = None,
) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.order_by("-seq")
    if actor:
        qs = qs.filter(actor_name__icontains=actor)
    if action:
        qs = qs.filter(action__icontains=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    if enterprise_id:
        qs = qs.filter(enterprise_id=enterprise_id)
    return qs


def timeline_for_enterprise(enterprise_id: int, limit: int = 200) -> QuerySet[AuditEvent]:
    """Everything any app recorded about one enterprise, newest first."""
    return AuditEvent.objects.filter(enterprise_id=enterprise_id).select_related("actor").order_by("-seq")[:limit]
