"""Reads for the battle map: the enterprises a user may see, filtered as the
map's filter bar says, with what the map and cards need prefetched."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils.dateparse import parse_date

from relocation.core.roles import is_hq, is_staff_member
from relocation.enterprises.models import Enterprise
from relocation.enterprises.selectors import enterprises_for_user
from relocation.organisation.models import Programme
from relocation.organisation.selectors import programme_for as programme_for

FILTERS = ("status", "industry", "capital_background", "batch", "town", "category", "open_violations", "alerts")


def can_view(user: Any) -> bool:
    return is_hq(user) or is_staff_member(user)


def parse_as_of(value: str | None) -> dt.date | None:
    """A past date for time travel, or None for today (future dates mean today)."""
    if not value:
        return None
    day = parse_date(value)
    if day is None:
        return None
    from django.utils import timezone

    return day if day < timezone.localdate() else None


ROW_FIELDS = (
    "id",
    "name",
    "status",
    "industry",
    "latitude",
    "longitude",
    "parcel",
    "territorial_unit__short_name",
    "territorial_unit__name",
    "relocation_plan__batch_id",
    "relocation_plan__destination_name",
)


def map_enterprises(user: Any, programme: Programme, params: dict[str, str]) -> QuerySet[Enterprise]:
    """The enterprises the user may see, narrowed by the map's filter bar."""
    qs = enterprises_for_user(user).filter(programme=programme).order_by()
    if params.get("industry"):
        qs = qs.filter(industry=params["industry"])
    if params.get("capital_background"):
        qs = qs.filter(capital_background=params["capital_background"])
    if params.get("town", "").isdigit():
        qs = qs.filter(territorial_unit_id=int(params["town"]))
    if params.get("batch", "").isdigit():
        qs = qs.filter(relocation_plan__batch_id=int(params["batch"]))
    if params.get("category", "").isdigit():
        qs = qs.filter(category_id=int(params["category"]))
    if params.get("open_violations") == "1":
        from relocation.dashboard.risks import open_violation_q

        qs = qs.filter(open_violation_q())
    if params.get("alerts") == "1":
        from relocation.monitoring.models import Alert, AlertStatus

        qs = qs.filter(pk__in=Alert.objects.exclude(status=AlertStatus.CLOSED).values("enterprise_id"))
    return qs


# What the zone map draws, in the order layer.layer reads its tuples:
# no joins, so ten thousand rows stay cheap.
MAP_FIELDS = ("id", "latitude", "longitude", "status", "name", "parcel")
FIELD_SETS = {"map": MAP_FIELDS, "full": ROW_FIELDS}


def map_rows(qs: QuerySet[Enterprise], *, fields: str = "full") -> list[dict[str, Any]]:
    """Plain dicts, not model instances: the map shows thousands of
    enterprises and only needs a few columns of each ("map": what the zone
    map draws; "full": the GeoJSON API)."""
    return list(qs.order_by("id").values(*FIELD_SETS[fields]))
