"""The public channel's layer of the battle map: open reports and inquiries
about an enterprise, with their stage clock (the handling deadline), read
through this app's scoped selectors (core.map_layers says what a layer returns)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import map_layers
from relocation.portal import selectors, transitions
from relocation.portal.models import InquiryKind, InquiryStatus

SHOWN = 500  # the newest open items on the map; the figures count them all


def layer(user: Any, programme: Any) -> dict[str, Any] | None:
    if not selectors.can_use_inbox(user):
        return None
    today = timezone.localdate()
    scope = selectors.inquiries_for_user(user).filter(programme=programme)
    counts = selectors.counts(scope, today=today)
    kinds = dict(InquiryKind.choices)
    rows = (
        scope.filter(status__in=transitions.OPEN, enterprise__latitude__isnull=False)
        .values(
            "id",
            "number",
            "kind",
            "status",
            "due_date",
            "enterprise__name",
            "enterprise__latitude",
            "enterprise__longitude",
        )
        .order_by("-created_at", "-id")[:SHOWN]
    )
    items = []
    for row in rows:
        on_clock = row["status"] in transitions.ON_THE_CLOCK and row["due_date"] is not None
        overdue = on_clock and row["due_date"] < today
        clock = ""
        if on_clock:
            days = (row["due_date"] - today).days
            clock = _("逾期%(n)s天") % {"n": -days} if overdue else _("剩余%(n)s天") % {"n": days}
        items.append(
            map_layers.point(
                row,
                name=row["enterprise__name"],
                text=" · ".join(p for p in (row["number"], str(kinds.get(row["kind"], "")), clock) if p),
                level="high" if overdue else "medium",
                url=reverse("portal:detail", args=[row["id"]]),
            )
        )
    return {
        "items": items,
        "figures": [
            {"label": _("待分办"), "value": counts["received"]},
            {"label": _("承办中"), "value": counts["assigned"]},
            {"label": _("超过办理时限"), "value": counts["overdue"], "alarm": bool(counts["overdue"])},
            {
                "label": _("本月受理"),
                "value": scope.filter(created_at__date__gte=today.replace(day=1))
                .exclude(status=InquiryStatus.REJECTED)
                .count(),
            },
        ],
    }
