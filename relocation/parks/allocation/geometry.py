"""Distances and compatibility: which park may take which enterprise, and
whether a demand fits what is left."""

from __future__ import annotations

import math
from typing import Any

from relocation.parks.allocation.inputs import EPS, RESOURCES
from relocation.parks.streams import STREAMS


def haversine_km(lat1: float | None, lon1: float | None, lat2: float | None, lon2: float | None) -> float:
    """Great-circle distance; 0 when a coordinate is missing (no commuting term)."""
    if None in (lat1, lon1, lat2, lon2):
        return 0.0
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)  # type: ignore[arg-type]
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)  # type: ignore[operator]
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(min(1.0, math.sqrt(a)))


def compatible(enterprise: dict[str, Any], park: dict[str, Any]) -> bool:
    """The park accepts the industry and treats every stream the enterprise discharges."""
    if enterprise["industry"] not in park["industries"]:
        return False
    return all(park["capacity"][s] > 0 for s in STREAMS if enterprise["demand"][s] > 0)


def fits_in(demand: dict[str, float], room: dict[str, float]) -> bool:
    return all(demand[r] <= room[r] + EPS for r in RESOURCES)
