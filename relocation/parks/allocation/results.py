"""The result in the output format, with an explanation for every enterprise
left unplaced."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from relocation.parks.allocation.geometry import compatible, haversine_km
from relocation.parks.allocation.inputs import EPS, INDUSTRY_LABELS, RESOURCES
from relocation.parks.streams import FLOOR_AREA, STREAM_SHORT, STREAMS


def _fmt(x: float) -> str:
    return str(int(round(x))) if abs(x - round(x)) < 0.005 else f"{x:.2f}"


def _resource_phrase(resource: str, remaining: float, needed: float) -> str:
    if resource == FLOOR_AREA:
        return f"可用厂房面积剩余 {_fmt(remaining)} m²，需 {_fmt(needed)} m²"
    return f"{STREAM_SHORT[resource]}废水处理能力剩余 {_fmt(remaining)} t/d，需 {_fmt(needed)} t/d"


def _unit(resource: str) -> str:
    return "m²" if resource == FLOOR_AREA else "t/d"


def explain(
    enterprise: dict[str, Any], parks: Sequence[dict[str, Any]], room: Sequence[dict[str, float]]
) -> dict[str, Any]:
    """Why an enterprise is not placed, given what is left in each park."""
    candidates = [j for j, p in enumerate(parks) if compatible(enterprise, p)]
    if not candidates:
        industry = INDUSTRY_LABELS.get(enterprise["industry"], enterprise["industry"])
        accepting = [p for p in parks if enterprise["industry"] in p["industries"]]
        if not accepting:
            return {"reason": f"没有园区接收{industry}企业", "park": None, "binding": []}
        missing = [
            s for s in STREAMS if enterprise["demand"][s] > 0 and not any(p["capacity"][s] > 0 for p in accepting)
        ]
        lines = "、".join(STREAM_SHORT[s] for s in missing) or "所需"
        return {"reason": f"接收{industry}企业的园区都没有{lines}废水处理设施", "park": None, "binding": []}

    def score(j: int) -> tuple[int, float, int, float]:
        short = [
            (enterprise["demand"][r] - room[j][r]) / enterprise["demand"][r]
            for r in RESOURCES
            if enterprise["demand"][r] > room[j][r] + EPS
        ]
        distance = haversine_km(enterprise["lat"], enterprise["lon"], parks[j]["lat"], parks[j]["lon"])
        return (len(short), sum(short), 0 if parks[j]["id"] in enterprise["preferred"] else 1, distance)

    best = min(candidates, key=score)
    park = parks[best]
    binding = [
        {
            "resource": r,
            "remaining": round(max(room[best][r], 0.0), 2),
            "needed": round(enterprise["demand"][r], 2),
            "extra": round(enterprise["demand"][r] - max(room[best][r], 0.0), 2),
        }
        for r in RESOURCES
        if enterprise["demand"][r] > room[best][r] + EPS
    ]
    if not binding:
        return {
            "reason": f"{park['name']} 尚有余量，求解时限内未能安置，请延长时限重新运行",
            "park": park["id"],
            "binding": [],
        }
    phrases = "；".join(_resource_phrase(b["resource"], b["remaining"], b["needed"]) for b in binding)
    extra = "、".join(f"{_fmt(b['extra'])} {_unit(b['resource'])}" for b in binding)
    return {"reason": f"{park['name']} {phrases}；再增加 {extra} 即可安置", "park": park["id"], "binding": binding}


def build_result(
    status: str,
    parks: Sequence[dict[str, Any]],
    enterprises: Sequence[dict[str, Any]],
    chosen: dict[int, int],
    started: float,
    *,
    stages: list[dict[str, Any]],
) -> dict[str, Any]:
    room = [dict(p["capacity"]) for p in parks]
    for i, j in chosen.items():
        for r in RESOURCES:
            room[j][r] -= enterprises[i]["demand"][r]
    assignments = []
    preferred = 0
    commute = 0.0
    for i in sorted(chosen):
        e, p = enterprises[i], parks[chosen[i]]
        km = haversine_km(e["lat"], e["lon"], p["lat"], p["lon"])
        is_preferred = p["id"] in e["preferred"]
        preferred += is_preferred
        commute += km * e["workers"]
        assignments.append(
            {"enterprise": e["id"], "park": p["id"], "preferred": is_preferred, "distance_km": round(km, 2)}
        )
    unplaced = [
        {"enterprise": e["id"], **explain(e, parks, room)} for i, e in enumerate(enterprises) if i not in chosen
    ]
    return {
        "status": status,
        "objective": {
            "placed": len(assignments),
            "unplaced": len(unplaced),
            "preferred": preferred,
            "commute_worker_km": round(commute, 2),
        },
        "assignments": assignments,
        "unplaced": unplaced,
        "stages": stages,
        "seconds": round(time.perf_counter() - started, 3),
    }


def output_format(result: dict[str, Any]) -> dict[str, Any]:
    """Exactly the command line's JSON: status, objective, assignments
    [{enterprise, park}], unplaced [{enterprise, reason}]."""
    return {
        "status": result["status"],
        "objective": result["objective"],
        "assignments": [{"enterprise": a["enterprise"], "park": a["park"]} for a in result["assignments"]],
        "unplaced": [{"enterprise": u["enterprise"], "reason": u["reason"]} for u in result["unplaced"]],
    }
