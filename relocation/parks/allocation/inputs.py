"""The optimiser's input: its JSON format checked and normalised, and the
constants every stage shares."""

from __future__ import annotations

import math
from typing import Any

from relocation.parks.streams import FLOOR_AREA, STREAMS

RESOURCES: tuple[str, ...] = (FLOOR_AREA, *STREAMS)
EPS = 1e-6
# Up to this many (enterprise, park) pairs HiGHS's own branch and bound closes
# the gap quickly; above it its dual-simplex LPs are slow, and column
# generation for the bound plus large-neighbourhood search does better.
FULL_MIP_LIMIT = 20000
# Re-packing two parks at a time (`repack`): placements freed per park, cheapest
# unplaced enterprises offered per park, CPU seconds per sub-problem, and the
# absolute gap of its tie-break. Measured on the benchmark: smaller sub-problems
# stall sooner; larger ones, or longer searches of each, take longer per gain.
REPACK_FREE = 15
REPACK_POOL = 40
REPACK_SECONDS = 0.05
REPACK_ABS_GAP = 1e-4
INDUSTRY_LABELS = {"electroplating": "电镀", "dyeing": "印染", "other": "其他"}


class AllocationInputError(ValueError):
    """The input is not in the expected format; the message names the item and field."""


def _number(value: Any, where: str) -> float:
    if value is None:
        return 0.0
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise AllocationInputError(f"{where} 不是数字：{value!r}")
    if math.isnan(number) or number < 0:
        raise AllocationInputError(f"{where} 不能为负数或空值：{value!r}")
    return number


def _coordinate(value: Any, where: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise AllocationInputError(f"{where} 不是有效坐标：{value!r}")


def normalise(data: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Check the input and return (parks, enterprises) with every number a float
    and every resource present. Raises AllocationInputError naming the bad item."""
    if not isinstance(data, dict) or not isinstance(data.get("parks"), list):
        raise AllocationInputError("输入必须是含有 parks 和 enterprises 两个列表的 JSON 对象")
    if not isinstance(data.get("enterprises"), list):
        raise AllocationInputError("输入必须是含有 parks 和 enterprises 两个列表的 JSON 对象")
    parks: list[dict[str, Any]] = []
    seen: set[str] = set()
    for n, raw in enumerate(data["parks"], start=1):
        if not isinstance(raw, dict) or raw.get("id") in (None, ""):
            raise AllocationInputError(f"第 {n} 个园区缺少 id")
        pid = str(raw["id"])
        if pid in seen:
            raise AllocationInputError(f"园区 id 重复：{pid}")
        seen.add(pid)
        caps = raw.get("capacity_t_per_day") or {}
        if not isinstance(caps, dict):
            raise AllocationInputError(f"园区 {pid} 的 capacity_t_per_day 必须是对象")
        unknown = set(caps) - set(STREAMS)
        if unknown:
            raise AllocationInputError(f"园区 {pid} 的 capacity_t_per_day 含未知废水类别：{', '.join(sorted(unknown))}")
        capacity = {FLOOR_AREA: _number(raw.get("floor_area_m2"), f"园区 {pid} 的 floor_area_m2")}
        for s in STREAMS:
            capacity[s] = _number(caps.get(s), f"园区 {pid} 的 capacity_t_per_day.{s}")
        parks.append(
            {
                "id": pid,
                "name": str(raw.get("name") or pid),
                "industries": {str(i) for i in raw.get("industries") or []},
                "capacity": capacity,
                "lat": _coordinate(raw.get("lat"), f"园区 {pid} 的 lat"),
                "lon": _coordinate(raw.get("lon"), f"园区 {pid} 的 lon"),
            }
        )
    enterprises: list[dict[str, Any]] = []
    seen = set()
    for n, raw in enumerate(data["enterprises"], start=1):
        if not isinstance(raw, dict) or raw.get("id") in (None, ""):
            raise AllocationInputError(f"第 {n} 家企业缺少 id")
        eid = str(raw["id"])
        if eid in seen:
            raise AllocationInputError(f"企业 id 重复：{eid}")
        seen.add(eid)
        water = raw.get("wastewater_t_per_day") or {}
        if not isinstance(water, dict):
            raise AllocationInputError(f"企业 {eid} 的 wastewater_t_per_day 必须是对象（按废水类别）")
        unknown = set(water) - set(STREAMS)
        if unknown:
            raise AllocationInputError(
                f"企业 {eid} 的 wastewater_t_per_day 含未知废水类别：{', '.join(sorted(unknown))}"
            )
        demand = {FLOOR_AREA: _number(raw.get("floor_area_m2"), f"企业 {eid} 的 floor_area_m2")}
        for s in STREAMS:
            demand[s] = _number(water.get(s), f"企业 {eid} 的 wastewater_t_per_day.{s}")
        enterprises.append(
            {
                "id": eid,
                "name": str(raw.get("name") or eid),
                "industry": str(raw.get("industry") or ""),
                "demand": demand,
                "preferred": [str(p) for p in raw.get("preferred_parks") or []],
                "workers": _number(raw.get("workers"), f"企业 {eid} 的 workers"),
                "lat": _coordinate(raw.get("lat"), f"企业 {eid} 的 lat"),
                "lon": _coordinate(raw.get("lon"), f"企业 {eid} 的 lon"),
            }
        )
    return parks, enterprises
