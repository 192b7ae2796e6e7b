"""Benchmark of the allocation optimiser (relocation/parks/allocation.py).

Random, seeded instances of 5,000 enterprises × 50 parks (override with
--enterprises/--parks for a quick look, --seed for another instance). Prints one JSON object per line:
time to a solution within 0.1 % of optimal (target ≤ 20 s), the number placed
by greedy first-fit and by the optimiser (the optimiser must never place
fewer — asserted), and the reported MIP gap.

The gap is the count stage's (the objective that matters first): the number
placed against a true upper bound — the LP relaxation's value rounded down,
tightened by rounding capacities down to what the demands can sum to
(allocation_bounds), or HiGHS's branch-and-bound dual bound when that is
lower — never against the optimiser's own solutions. The bound (and the plain
LP's, for comparison) and the CPU seconds of the solve (stable
on a shared machine, unlike wall-clock) are printed too.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from relocation.parks import allocation  # noqa: E402
from relocation.parks.streams import STREAMS, split_wastewater  # noqa: E402

PLATING = ["zinc", "nickel", "chromium", "copper", "cyanide", "anodising", "phosphating"]
DYEING = ["dyeing", "printing", "washing", "finishing"]


def instance(n_enterprises: int, n_parks: int, seed: int = 2022, tightness: float = 0.85) -> dict:
    """Enterprises like Zone B's; parks whose total capacity per resource is
    `tightness` × the total demand of the industries they accept, split
    unevenly, so that capacity binds and not everyone can be placed."""
    rng = random.Random(seed)
    enterprises = []
    for i in range(n_enterprises):
        industry = rng.choices(["electroplating", "dyeing", "other"], weights=[60, 32, 8])[0]
        if industry == "electroplating":
            processes = rng.sample(PLATING, rng.randint(1, 3))
        elif industry == "dyeing":
            processes = rng.sample(DYEING, rng.randint(1, 2))
        else:
            processes = ["washing"]
        water = split_wastewater(industry, processes, rng.randint(5, 200))
        enterprises.append(
            {
                "id": f"E{i:05d}",
                "industry": industry,
                "floor_area_m2": float(rng.randint(8, 60) * 100),
                "wastewater_t_per_day": {s: float(v) for s, v in water.items() if v > 0},
                "preferred_parks": [],
                "workers": rng.randint(12, 320),
                "lat": 22.81 + rng.random() * 0.02,
                "lon": 113.67 + rng.random() * 0.04,
            }
        )
    demand = {s: sum(e["wastewater_t_per_day"].get(s, 0.0) for e in enterprises) for s in STREAMS}
    area = sum(e["floor_area_m2"] for e in enterprises)
    kinds = [["electroplating"], ["dyeing"], ["electroplating", "dyeing", "other"], ["electroplating", "other"]]
    parks = []
    weights = [rng.uniform(0.3, 1.7) for _ in range(n_parks)]
    total = sum(weights)
    for j in range(n_parks):
        industries = kinds[j % len(kinds)]
        share = weights[j] / total * tightness
        caps = {}
        for s in STREAMS:
            serves = (s == "dyeing" and "dyeing" in industries) or (s != "dyeing" and "electroplating" in industries)
            if s == "cyanide" and j % 3 == 0:
                serves = False
            caps[s] = round(demand[s] * share * 2.2, 1) if serves else 0.0
        parks.append(
            {
                "id": f"P{j:03d}",
                "industries": industries,
                "floor_area_m2": round(area * share, 0),
                "capacity_t_per_day": caps,
                "lat": 22.6 + rng.random() * 0.5,
                "lon": 113.5 + rng.random() * 0.6,
            }
        )
    for e in enterprises:
        e["preferred_parks"] = [p["id"] for p in rng.sample(parks, min(2, len(parks)))]
    return {"parks": parks, "enterprises": enterprises}


def line(metric: str, value: float, unit: str, target: float | None = None, ok: bool | None = None) -> None:
    print(json.dumps({"metric": metric, "value": value, "unit": unit, "target": target, "ok": ok}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=5000)
    parser.add_argument("--parks", type=int, default=50)
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--seed", type=int, default=2022)
    args = parser.parse_args()
    data = instance(args.enterprises, args.parks, seed=args.seed)
    # HiGHS prints its banner on stdout from C; keep stdout for the JSON lines.
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        started = time.perf_counter()
        result = allocation.solve(data, time_limit=args.time_limit, mip_rel_gap=0.001)
        seconds = time.perf_counter() - started
        base = allocation.greedy(data)
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
    placed, greedy_placed = result["objective"]["placed"], base["objective"]["placed"]
    stages = {s["stage"]: s for s in result["stages"]}
    first = stages.get("placed", {"at": seconds, "mip_gap": None, "status": result["status"]})
    gap = first["mip_gap"]  # None when no bound was reached in time
    scale = f"{args.enterprises}x{args.parks}"
    within = gap is not None and gap <= 0.001
    line(f"allocation_placed_within_0.1pct_seconds_{scale}", first["at"], "s", 20, first["at"] <= 20 and within)
    if "cpu_at" in first:
        line(f"allocation_placed_within_0.1pct_cpu_seconds_{scale}", first["cpu_at"], "s", None, None)
    line(f"allocation_placed_mip_gap_{scale}", gap, "ratio", 0.001, within)
    line(f"allocation_placed_bound_{scale}", first.get("bound"), "enterprises", None, None)
    line(f"allocation_placed_lp_bound_{scale}", first.get("lp_bound"), "enterprises", None, None)
    line(f"allocation_placed_optimiser_{scale}", placed, "enterprises", None, None)
    line(f"allocation_placed_greedy_{scale}", greedy_placed, "enterprises", None, None)
    line(
        f"allocation_placed_gain_over_greedy_{scale}", placed - greedy_placed, "enterprises", 0, placed >= greedy_placed
    )
    second = stages.get("preference_then_commute")
    if second is not None:
        line(f"allocation_preference_commute_mip_gap_{scale}", second["mip_gap"], "ratio", None, None)
    line(f"allocation_total_seconds_{scale}", round(seconds, 2), "s", args.time_limit, None)
    assert placed >= greedy_placed, (placed, greedy_placed)


if __name__ == "__main__":
    main()
