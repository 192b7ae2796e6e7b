"""The workers' layer of the battle map: enterprises with unresolved labour
cases (what is still owed) or workers not yet placed, read through this app's
scoped selectors (core.map_layers says what a layer returns)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from relocation.core import map_layers
from relocation.workers import selectors
from relocation.workers.models import UNRESOLVED, WorkerStatus

LOCATION = ("enterprise_id", "enterprise__name", "enterprise__latitude", "enterprise__longitude")


def layer(user: Any, programme: Any) -> dict[str, Any] | None:
    if not selectors.can_read(user):
        return None
    cases = (
        selectors.cases_for_user(user)
        .filter(programme=programme, status__in=UNRESOLVED)
        .order_by()
        .values(*LOCATION)
        .annotate(n=Count("id"), owed=Sum("total_owed"), paid=Sum("total_paid"))
    )
    roster = (
        selectors.workers_for_user(user)
        .filter(enterprise__programme=programme)
        .order_by()
        .values(*LOCATION)
        .annotate(
            employed=Count("id", filter=Q(status=WorkerStatus.EMPLOYED)),
            placed=Count("id", filter=Q(status=WorkerStatus.PLACED)),
        )
    )
    by_enterprise: dict[int, dict[str, Any]] = {}
    for row in cases:
        entry = by_enterprise.setdefault(row["enterprise_id"], {"row": row, "cases": 0, "left": Decimal(0)})
        entry["cases"] = row["n"]
        entry["left"] = max(Decimal(row["owed"] or 0) - Decimal(row["paid"] or 0), Decimal(0))
    employed = placed = 0
    for row in roster:
        employed += row["employed"]
        placed += row["placed"]
        entry = by_enterprise.setdefault(row["enterprise_id"], {"row": row, "cases": 0, "left": Decimal(0)})
        entry["employed"], entry["placed"] = row["employed"], row["placed"]
    items = []
    for pk, entry in by_enterprise.items():
        waiting = entry.get("employed", 0)
        if not entry["cases"] and not waiting:
            continue
        parts = []
        if entry["cases"]:
            parts.append(_("未解决劳动纠纷%(n)s件，尚欠%(left)s元") % {"n": entry["cases"], "left": entry["left"]})
        if waiting:
            parts.append(_("待安置%(n)s人") % {"n": waiting})
        items.append(
            map_layers.point(
                entry["row"],
                name=entry["row"]["enterprise__name"],
                text="；".join(parts),
                level="high" if entry["cases"] else "medium",
                url=reverse("workers:roster", args=[pk]),
            )
        )
    open_cases = sum(e["cases"] for e in by_enterprise.values())
    outstanding = sum((e["left"] for e in by_enterprise.values()), Decimal(0))
    rate = selectors.placement_rate(placed, employed + placed)
    return {
        "items": items,
        "figures": [
            {"label": _("未解决劳动纠纷（件）"), "value": open_cases, "alarm": bool(open_cases)},
            {"label": _("尚欠金额（元）"), "value": str(outstanding.quantize(Decimal("0.01")))},
            {"label": _("待安置（人）"), "value": employed},
            {"label": _("安置率"), "value": f"{rate}%" if rate is not None else "—"},
        ],
    }
