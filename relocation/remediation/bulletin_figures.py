"""The monthly bulletin's figures of the contaminated sites: HQ compiles them
for a whole programme, so not scoped to a user. JSON-able, stored with the bulletin."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count

from relocation.remediation.models import Site, Stage, StageChange


def bulletin_figures(programme: Any, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Sites by stage (at compilation), and the moves of the month: the
    sites that reached each stage in it, accepted and handed over included."""
    by_stage = dict(
        Site.objects.filter(programme=programme)
        .order_by()
        .values("stage")
        .annotate(n=Count("id"))
        .values_list("stage", "n")
    )
    reached = dict(
        StageChange.objects.filter(site__programme=programme, moved_on__range=(start, end))
        .order_by()
        .values("to_stage")
        .annotate(n=Count("site_id", distinct=True))
        .values_list("to_stage", "n")
    )
    return {
        "total": sum(by_stage.values()),
        "by_stage": [
            {
                "key": value,
                "label": str(label),
                "count": by_stage.get(value, 0),
                "reached_in_month": reached.get(value, 0),
            }
            for value, label in Stage.choices
        ],
        "accepted_in_month": reached.get(Stage.CLOSED, 0),
        "handed_over_in_month": reached.get(Stage.HANDED_OVER, 0),
    }
