"""The battle map's panels that read other domains: the city map with the
receiving parks, enforcement this month, park capacity in use and missing
unit reports. Each reads through the owning app's selectors, in a constant
number of queries."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet

from relocation.enterprises.lifecycle_models import RelocationPlan
from relocation.enterprises.models import Enterprise, LifecycleStatus
from relocation.organisation.models import Programme

S = LifecycleStatus


def city_map(programme: Programme, scope: QuerySet[Enterprise], today: dt.date) -> dict[str, Any]:
    """The zone and the receiving parks, with one flow per park sized by the
    number of enterprises going there and coloured by how many have arrived."""
    from relocation.parks.models import Park
    from relocation.parks.selectors import capacity_of

    parks = list(Park.objects.filter(programme=programme).select_related("town_unit").order_by("name"))
    going: dict[int, Counter[str]] = {}
    plans = (
        RelocationPlan.objects.filter(enterprise__in=scope, destination_type="park", destination_park_id__isnull=False)
        .values("destination_park_id", "enterprise__status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in plans:
        going.setdefault(row["destination_park_id"], Counter())[row["enterprise__status"]] += row["n"]
    capacity = capacity_of(parks, deadline=max(today, programme.deadline))
    result = []
    for park in parks:
        counts = going.get(park.pk, Counter())
        total = sum(counts.values())
        arrived = counts[S.RELOCATED]
        gauges = []
        for fig in capacity[park.pk].rows():
            if fig.capacity <= 0:
                continue
            in_use = fig.used + fig.committed
            gauges.append(
                {
                    "resource": fig.resource,
                    "label": str(fig.label),
                    "unit": fig.unit,
                    "capacity": float(fig.capacity),
                    "used": float(fig.used),
                    "committed": float(fig.committed),
                    "free": float(fig.free),
                    "in_use_pct": round(float(in_use / fig.capacity * 100), 1) if fig.capacity else 0.0,
                    "alarm": fig.alarm,
                }
            )
        result.append(
            {
                "id": park.pk,
                "name": park.name,
                "town": str(park.town_unit or ""),
                "lat": park.latitude,
                "lon": park.longitude,
                "enterprises": total,
                "relocated": arrived,
                "progress_pct": round(100 * arrived / total, 1) if total else 0.0,
                "gauges": gauges,
                "alarm": any(g["alarm"] for g in gauges),
            }
        )
    return {
        "zone": {"name": programme.zone_name, "lat": programme.center_lat, "lon": programme.center_lon},
        "parks": result,
    }


def enforcement_this_month(programme: Programme, today: dt.date) -> dict[str, Any]:
    from relocation.enforcement.selectors import monthly_enforcement_figures

    figures = monthly_enforcement_figures(programme, today.year, today.month)
    keys = (
        "inspections",
        "violations",
        "orders_issued",
        "orders_closed",
        "orders_overdue",
        "fines_count",
        "fines_amount",
        "sealings",
        "bans",
    )
    return {k: figures.get(k) for k in keys}


def capacity_in_use(city: dict[str, Any]) -> dict[str, Any]:
    """Programme-wide floor area and wastewater capacity in use across parks."""
    totals: dict[str, dict[str, Decimal | float | str]] = {}
    for park in city["parks"]:
        for g in park["gauges"]:
            t = totals.setdefault(
                g["resource"], {"label": g["label"], "unit": g["unit"], "capacity": 0.0, "in_use": 0.0}
            )
            t["capacity"] = float(t["capacity"]) + g["capacity"]
            t["in_use"] = float(t["in_use"]) + g["used"] + g["committed"]
    for t in totals.values():
        t["in_use_pct"] = round(float(t["in_use"]) / float(t["capacity"]) * 100, 1) if t["capacity"] else 0.0
    return totals


def missing_reports(programme: Programme, today: dt.date) -> dict[str, Any]:
    """Units that have not yet submitted the report for the last closed period."""
    from relocation.supervision.reports import last_closed_period
    from relocation.supervision.selectors import missing_reports as missing

    period = last_closed_period(programme, today)
    units = list(missing(programme, period.start).values_list("short_name", "name"))
    return {
        "period_start": period.start,
        "period_end": period.end,
        "due_on": period.due_on,
        "overdue": period.due_on < today,
        "units": [short or name for short, name in units],
    }
