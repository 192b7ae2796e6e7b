"""The greedy first-fit baseline (the optimiser never places fewer)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from relocation.parks.allocation.geometry import compatible, fits_in
from relocation.parks.allocation.inputs import RESOURCES, normalise
from relocation.parks.allocation.results import build_result


def greedy_assign(parks: Sequence[dict[str, Any]], enterprises: Sequence[dict[str, Any]]) -> dict[int, int]:
    room = [dict(p["capacity"]) for p in parks]
    chosen: dict[int, int] = {}
    for i, e in enumerate(enterprises):
        for j, p in enumerate(parks):
            if compatible(e, p) and fits_in(e["demand"], room[j]):
                for r in RESOURCES:
                    room[j][r] -= e["demand"][r]
                chosen[i] = j
                break
    return chosen


def greedy(data: dict[str, Any]) -> dict[str, Any]:
    """First-fit baseline: enterprises in input order, each to the first park
    (in input order) that is compatible and still has room."""
    started = time.perf_counter()
    parks, enterprises = normalise(data)
    chosen = greedy_assign(parks, enterprises)
    return build_result("heuristic", parks, enterprises, chosen, started, stages=[])
