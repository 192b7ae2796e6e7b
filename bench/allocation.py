"""Benchmark of the allocation optimiser (relocation/parks/allocation/).

Random, seeded instances of 5,000 enterprises × 50 parks (override with
--enterprises/--parks for a quick look), several seeds (--seeds; default
2022,1,7,11,42) so the figure is not one lucky instance. Prints one JSON
object per seed (placed, greedy, bound, gap, seconds, CPU seconds), then the
summary lines judged on the worst seed: time to a solution within 0.1 % of
optimal (target ≤ 20 s, the slowest seed), the largest gap, the number placed
by greedy first-fit and by the optimiser on the worst seed (the optimiser must
never place fewer on any seed — asserted).

The gap is the count stage's (the objective that matters first): the number
placed against a true upper bound — the LP relaxation's value rounded down,
or HiGHS's branch-and-bound dual bound when that is lower — never against the
optimiser's own solutions. The bound and the CPU seconds of the solve (stable
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


def run_seed(args: argparse.Namespace, seed: int) -> dict:
    """Solve one seeded instance; the figures of its count stage."""
    data = instance(args.enterprises, args.parks, seed)
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
    stages = {s["stage"]: s for s in result["stages"]}
    first = stages.get("placed", {"at": seconds, "mip_gap": None, "status": result["status"]})
    second = stages.get("preference_then_commute")
    return {
        "seed": seed,
        "placed": result["objective"]["placed"],
        "greedy": base["objective"]["placed"],
        "bound": first.get("bound"),
        "lp_bound": first.get("lp_bound"),  # the plain LP's floor, before tightening
        "gap": first["mip_gap"],  # None when no bound was reached in time
        "at": first["at"],
        "cpu_at": first.get("cpu_at"),
        "second_gap": None if second is None else second["mip_gap"],
        "total": round(seconds, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=5000)
    parser.add_argument("--parks", type=int, default=50)
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument(
        "--seeds",
        default="2022,1,7,11,42",
        help="comma-separated instance seeds; the target is judged on the worst of them, not one lucky seed",
    )
    args = parser.parse_args()
    scale = f"{args.enterprises}x{args.parks}"
    runs = []
    for seed in [int(s) for s in args.seeds.split(",") if s.strip()]:
        run = run_seed(args, seed)
        runs.append(run)
        ok = run["gap"] is not None and run["gap"] <= 0.001 and run["at"] <= 20
        print(json.dumps({"metric": f"allocation_seed_{scale}", **run, "ok": ok}), flush=True)
        assert run["placed"] >= run["greedy"], run
    # The worst seed: the largest gap (no bound counts as worst), then the slowest.
    worst = max(runs, key=lambda r: (r["gap"] is None, r["gap"] or 0.0, r["at"]))
    gap = worst["gap"]
    within = all(r["gap"] is not None and r["gap"] <= 0.001 for r in runs)
    slowest = max(r["at"] for r in runs)
    line(f"allocation_placed_within_0.1pct_seconds_{scale}", slowest, "s", 20, slowest <= 20 and within)
    cpu = [r["cpu_at"] for r in runs if r["cpu_at"] is not None]
    if cpu:
        line(f"allocation_placed_within_0.1pct_cpu_seconds_{scale}", max(cpu), "s", None, None)
    line(f"allocation_placed_mip_gap_{scale}", gap, "ratio", 0.001, within)
    line(f"allocation_placed_bound_{scale}", worst["bound"], "enterprises", None, None)
    line(f"allocation_placed_lp_bound_{scale}", worst["lp_bound"], "enterprises", None, None)
    line(f"allocation_placed_optimiser_{scale}", worst["placed"], "enterprises", None, None)
    line(f"allocation_placed_greedy_{scale}", worst["greedy"], "enterprises", None, None)
    gain = min(r["placed"] - r["greedy"] for r in runs)
    line(f"allocation_placed_gain_over_greedy_{scale}", gain, "enterprises", 0, gain >= 0)
    if worst["second_gap"] is not None:
        line(f"allocation_preference_commute_mip_gap_{scale}", worst["second_gap"], "ratio", None, None)
    line(f"allocation_total_seconds_{scale}", max(r["total"] for r in runs), "s", args.time_limit, None)


if __name__ == "__main__":
    main()
