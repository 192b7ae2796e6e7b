"""The monthly bulletin's figures of the detectors and the highly toxic
chemicals' ledger: HQ compiles them for a whole programme, so not scoped to a
user. JSON-able, stored with the bulletin."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q

from relocation.monitoring.models import Alert, AlertKind, AlertStatus


def bulletin_figures(programme: Any, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Per alert kind: alerts raised in the month, closed in the month, and
    not closed at compilation (whatever the enterprise's stage)."""
    rows = {
        r["kind"]: r
        for r in Alert.objects.filter(enterprise__programme=programme)
        .order_by()
        .values("kind")
        .annotate(
            raised=Count("id", filter=Q(created_at__date__range=(start, end))),
            closed=Count("id", filter=Q(closed_at__date__range=(start, end))),
            open=Count("id", filter=~Q(status=AlertStatus.CLOSED)),
        )
    }
    kinds = [
        {
            "kind": value,
            "label": str(label),
            "raised": rows.get(value, {}).get("raised", 0),
            "closed": rows.get(value, {}).get("closed", 0),
            "open": rows.get(value, {}).get("open", 0),
        }
        for value, label in AlertKind.choices
    ]
    toxic = [k for k in kinds if k["kind"] == AlertKind.TOXIC_DISCREPANCY]
    return {"kinds": kinds, "toxic_open": sum(k["open"] for k in toxic)}
