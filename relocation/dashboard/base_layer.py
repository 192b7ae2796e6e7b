"""The battle map's base layer (base.json), served by the app so that the
maps work without any tile server: the programme's city and its districts
(boundaries.py, from an installed package), the towns from a GeoJSON file the
deployer supplies (settings.MAP_TOWNS_GEOJSON), and the zone outline from the
programme's own data.

A town file may hold several cities' towns: a feature whose properties name a
`city` is kept when that is the programme's city; one without is kept when it
overlaps the city (or, for a city the package does not know, the zone and its
surroundings). Towns whose name is one of the programme's territorial units
are marked `own`, so that the map draws them stronger.

The layer changes only when the programme or the town file does, so it is
built once and kept in the cache, and the browser may keep it for a day."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache

from relocation.dashboard import boundaries
from relocation.organisation.models import Programme, Unit

logger = logging.getLogger(__name__)

SURROUNDINGS = 0.3  # degrees around the zone in which towns are kept when the city is unknown
CACHE_SECONDS = 24 * 3600


def _towns_path() -> Path | None:
    value = getattr(settings, "MAP_TOWNS_GEOJSON", "")
    return Path(value) if value else None


def _bbox(geometry: dict[str, Any]) -> tuple[float, float, float, float] | None:
    points: list[list[float]] = []

    def walk(c: Any) -> None:
        if c and isinstance(c[0], (int, float)):
            points.append(c)
        else:
            for part in c or []:
                walk(part)

    walk((geometry or {}).get("coordinates"))
    if not points:
        return None
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    return min(lons), min(lats), max(lons), max(lats)


def _overlaps(a: tuple[float, ...] | None, b: tuple[float, ...] | None) -> bool:
    return bool(a and b) and a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]  # type: ignore[index]


def _grow(box: tuple[float, float, float, float] | None, margin: float) -> tuple[float, float, float, float] | None:
    return (box[0] - margin, box[1] - margin, box[2] + margin, box[3] + margin) if box else None


def _town_features(programme: Programme, area: tuple[float, float, float, float] | None) -> list[dict[str, Any]]:
    path = _towns_path()
    if path is None:
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        # A broken file must not take the battle map down: it draws without towns.
        logger.warning("MAP_TOWNS_GEOJSON %s unreadable: %s", path, exc)
        return []
    own = set()
    for name, short in Unit.objects.filter(programme=programme, is_territorial=True).values_list("name", "short_name"):
        own.update(n for n in (name, short) if n)
    result = []
    for feature in data.get("features", []) if isinstance(data, dict) else []:
        props = feature.get("properties") or {}
        geometry = feature.get("geometry") or {}
        if geometry.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        city = props.get("city")
        if city and city != programme.city:
            continue
        if not city and not _overlaps(_bbox(geometry), area):
            continue
        name = str(props.get("name") or "")
        result.append(
            {
                "type": "Feature",
                "properties": {"kind": "town", "name": name, "own": name in own},
                "geometry": geometry,
            }
        )
    return result


def build(programme: Programme) -> dict[str, Any]:
    """The base layer as a GeoJSON FeatureCollection, features in drawing
    order: city, districts, towns, zone (each with kind and name)."""
    features = boundaries.city_features(programme.city)
    zone = programme.zone_geojson if (programme.zone_geojson or {}).get("type") else None
    city_box = _bbox(features[0]["geometry"]) if features else None
    area = city_box or _grow(_bbox(zone) if zone else None, SURROUNDINGS)
    features += _town_features(programme, area)
    if zone:
        features.append(
            {"type": "Feature", "properties": {"kind": "zone", "name": programme.zone_name}, "geometry": zone}
        )
    return {"type": "FeatureCollection", "features": features}


def version(programme: Programme) -> str:
    """Changes whenever the layer would: the programme's row, the town file."""
    path = _towns_path()
    try:
        stamp = path.stat().st_mtime_ns if path else 0
    except OSError:
        stamp = -1
    return f"{programme.pk}-{programme.updated_at.timestamp():.0f}-{stamp}"


def cached_json(programme: Programme) -> tuple[str, str]:
    """(JSON text, version) of the programme's base layer, from the cache when it is there."""
    tag = version(programme)
    key = f"dashboard:base-layer:{tag}"
    text = cache.get(key)
    if text is None:
        text = json.dumps(build(programme), ensure_ascii=False, separators=(",", ":"))
        cache.set(key, text, CACHE_SECONDS)
    return text, tag
