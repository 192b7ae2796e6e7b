"""The contaminated sites' layer of the battle map: each plot a vacated
enterprise left, at its stage, read through this app's scoped selectors
(core.map_layers says what a layer returns)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from relocation.core import map_layers
from relocation.remediation import permissions, selectors
from relocation.remediation.models import Stage

# Where a stage puts a site on the map: still to investigate, work under way, done.
FINISHED = frozenset({Stage.CLOSED, Stage.HANDED_OVER, Stage.NOT_REQUIRED})
NOT_STARTED = frozenset({Stage.PENDING, Stage.INITIAL})


def _level(stage: str) -> str:
    if stage in FINISHED:
        return "done"
    return "low" if stage in NOT_STARTED else "medium"


def layer(user: Any, programme: Any) -> dict[str, Any] | None:
    if not permissions.can_read(user):
        return None
    rows = list(
        selectors.sites_for_user(user)
        .filter(programme=programme)
        .order_by("code", "id")
        .values("id", "code", "name", "stage", "enterprise__latitude", "enterprise__longitude")
    )
    labels = dict(Stage.choices)
    stages = Counter(r["stage"] for r in rows)
    items = [
        map_layers.point(
            r,
            name=f"{r['code']} {r['name']}",
            text=str(labels.get(r["stage"], r["stage"])),
            level=_level(r["stage"]),
            url=reverse("remediation:site", args=[r["id"]]),
        )
        for r in rows
    ]
    figures = [{"label": str(label), "value": stages[value]} for value, label in Stage.choices if stages.get(value)]
    return {"items": items, "figures": figures or [{"label": _("污染地块"), "value": 0}]}
