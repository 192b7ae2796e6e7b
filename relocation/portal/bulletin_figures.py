"""The monthly bulletin's figures of the public channel (reports and
inquiries): HQ compiles them for a whole programme, so not scoped to a user.
JSON-able, stored with the bulletin."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, Q

from relocation.portal import transitions
from relocation.portal.models import Inquiry, InquiryKind, InquiryStatus


def bulletin_figures(programme: Any, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Received in the month by kind (rejections apart), answered in the month
    and how many of those within their handling deadline (the stage clock),
    and, at compilation, those still open and those past their deadline."""
    scope = Inquiry.objects.filter(programme=programme)
    month = scope.filter(created_at__date__range=(start, end)).exclude(status=InquiryStatus.REJECTED)
    by_kind = dict(month.order_by().values("kind").annotate(n=Count("id")).values_list("kind", "n"))
    answered = scope.filter(answered_at__date__range=(start, end)).aggregate(
        n=Count("id"),
        on_time=Count("id", filter=Q(due_date__isnull=True) | Q(answered_at__date__lte=F("due_date"))),
    )
    now = scope.aggregate(
        open=Count("id", filter=Q(status__in=transitions.OPEN)),
        overdue=Count("id", filter=Q(status__in=transitions.ON_THE_CLOCK, due_date__lt=end)),
    )
    return {
        "received": sum(by_kind.values()),
        "by_kind": [{"label": str(label), "count": by_kind.get(value, 0)} for value, label in InquiryKind.choices],
        "rejected": scope.filter(created_at__date__range=(start, end), status=InquiryStatus.REJECTED).count(),
        "answered": answered["n"],
        "answered_on_time": answered["on_time"],
        "open": now["open"],
        "overdue": now["overdue"],
    }
