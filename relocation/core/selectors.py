from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from relocation.core.models import AuditEvent, Notification, NotificationDelivery
from relocation.core.roles import is_enterprise_contact


def unread_count(user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def inbox_for_user(user: Any, *, category: str = "", unread: bool = False) -> QuerySet[Notification]:
    """The user's notifications, optionally of one category (see notification_kinds) or unread only."""
    from django.db.models import Q

    from relocation.core.notification_kinds import OTHER, categories

    qs = Notification.objects.filter(recipient=user)
    known = [key for key, _label in categories() if key != OTHER]
    if category == OTHER:
        for key in known:
            qs = qs.exclude(verb__startswith=f"{key}.")
    elif category in known:
        qs = qs.filter(Q(verb__startswith=f"{category}.") | Q(verb=category))
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return qs


def inbox_groups(user: Any) -> list[dict[str, Any]]:
    """Each category with the user's unread and total counts, in display order (one query),
    so a busy inbox reads as a few groups, not a long list."""
    from django.db.models import Count, Q

    from relocation.core.notification_kinds import categories, category_of

    totals: dict[str, list[int]] = {}
    rows = (
        Notification.objects.filter(recipient=user)
        .values("verb")
        .annotate(total=Count("id"), unread=Count("id", filter=Q(read_at__isnull=True)))
    )
    for row in rows:
        counts = totals.setdefault(category_of(row["verb"]), [0, 0])
        counts[0] += row["unread"]
        counts[1] += row["total"]
    return [
        {"key": key, "label": label, "unread": totals[key][0], "total": totals[key][1]}
        for key, label in categories()
        if key in totals
    ]


def notification_preferences_of(user: Any) -> dict[str, bool]:
    """Category → whether it also comes by e-mail (on unless the user turned it off)."""
    from relocation.core.models import NotificationPreference
    from relocation.core.notification_kinds import categories

    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("category", "email"))
    return {key: chosen.get(key, True) for key, _label in categories()}


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


# Audit-action prefixes an enterprise contact does not see on its own
# enterprise's timeline: the authorities' internal work about the enterprise
# (tasks among units, stability assessments, public reports that name it).
# Apps add theirs in AppConfig.ready(), so core imports none of them.
_HIDDEN_FROM_ENTERPRISE: set[str] = set()


def hide_from_enterprise_contacts(*prefixes: str) -> None:
    """Keep events whose action starts with one of `prefixes` off the
    timeline enterprise contacts see (idempotent)."""
    _HIDDEN_FROM_ENTERPRISE.update(prefixes)


def timeline_for_enterprise(enterprise_id: int, limit: int = 200, viewer: Any = None) -> QuerySet[AuditEvent]:
    """Everything any app recorded about one enterprise, newest first; for an
    enterprise contact, without the authorities' internal events."""
    qs = AuditEvent.objects.filter(enterprise_id=enterprise_id)
    if viewer is not None and is_enterprise_contact(viewer):
        for prefix in sorted(_HIDDEN_FROM_ENTERPRISE):
            qs = qs.exclude(action__startswith=prefix)
    return qs.select_related("actor").order_by("-seq")[:limit]
