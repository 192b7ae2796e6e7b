"""The two-stage solve (count, then preference and distance), as described in
the package's docstring."""

from __future__ import annotations

import math
import time
from typing import Any

from relocation.parks.allocation.bounds import count_upper_bound, preference_upper_bound
from relocation.parks.allocation.geometry import compatible, fits_in, haversine_km
from relocation.parks.allocation.greedy import greedy_assign
from relocation.parks.allocation.inputs import FULL_MIP_LIMIT, normalise
from relocation.parks.allocation.milp import (
    _lns,
    _solution,
    assignment_lp,
    column_generation_lp,
    fix_and_resolve,
    lp_dive,
    new_highs,
    repack,
    set_deadline,
)
from relocation.parks.allocation.results import build_result


def solve(data: dict[str, Any], *, time_limit: float = 60.0, mip_rel_gap: float = 0.001) -> dict[str, Any]:
    """The optimiser's proposal (see the module docstring). Result keys:
    status, objective, assignments, unplaced (each with reason, park and binding),
    stages (per lexicographic stage: status, objective value, bound, gap, seconds)."""
    import highspy
    import numpy as np

    started = time.perf_counter()
    cpu_started = time.process_time()
    deadline = started + max(time_limit, 0.1)
    parks, enterprises = normalise(data)
    cols = [
        (i, j)
        for i, e in enumerate(enterprises)
        for j, p in enumerate(parks)
        if compatible(e, p) and fits_in(e["demand"], p["capacity"])
    ]
    n = len(cols)
    if n == 0:
        return build_result("optimal", parks, enterprises, {}, started, stages=[])

    pair_index = {pair: k for k, pair in enumerate(cols)}
    current = np.zeros(n)
    for i, j in greedy_assign(parks, enterprises).items():
        current[pair_index[(i, j)]] = 1.0
    preferred = np.array([1.0 if parks[j]["id"] in enterprises[i]["preferred"] else 0.0 for i, j in cols])
    commute = np.array(
        [
            haversine_km(enterprises[i]["lat"], enterprises[i]["lon"], parks[j]["lat"], parks[j]["lon"])
            * enterprises[i]["workers"]
            for i, j in cols
        ]
    )
    worst_commute: dict[int, float] = {}
    for (i, _j), c in zip(cols, commute, strict=True):
        worst_commute[i] = max(worst_commute.get(i, 0.0), float(c))
    # Preference before distance: one more preferred placement outweighs the
    # largest possible total commute, so this weighted optimum is lexicographic.
    weight = sum(worst_commute.values()) + 1.0
    secondary = preferred * weight - commute

    index_of = {p["id"]: j for j, p in enumerate(parks)}
    wishes = [[index_of[pid] for pid in e["preferred"] if pid in index_of] for e in enterprises]
    capacity = [p["capacity"] for p in parks]
    all_cols = np.arange(n, dtype=np.int32)
    h = None
    if n <= FULL_MIP_LIMIT:
        h = new_highs(deadline - time.perf_counter(), mip_rel_gap)
        h.passModel(assignment_lp(cols, enterprises, capacity, np.ones(n), None, True))
    stages: list[dict[str, Any]] = []
    worst = "optimal"

    def relax(
        simplex: bool, until: float, cost: np.ndarray, min_count: float | None
    ) -> tuple[Any | None, float, Any | None]:
        if h is None:
            return column_generation_lp(cols, enterprises, parks, cost, min_count, current, until)
        return (*relax_full(simplex, until), None)

    def relax_full(simplex: bool, until: float) -> tuple[Any | None, float]:
        """The LP relaxation: its value bounds the stage and its vertex solution
        is rounded. Primal simplex (several times faster than the default dual
        here) for the count; interior point with crossover for the weighted
        stage, where simplex is slow."""
        h.changeColsIntegrality(n, all_cols, np.array([highspy.HighsVarType.kContinuous] * n))
        set_deadline(h, until)
        if simplex:
            h.setOptionValue("simplex_strategy", 4)
        else:
            h.setOptionValue("solver", "ipm")
        h.run()
        h.setOptionValue("simplex_strategy", 1)
        h.setOptionValue("solver", "choose")
        ok = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
        relaxed = _solution(h, n) if ok else None
        bound = float(h.getInfo().objective_function_value) if ok else math.inf
        h.changeColsIntegrality(n, all_cols, np.array([highspy.HighsVarType.kInteger] * n))
        return relaxed, bound

    def run(name: str, cost: np.ndarray, keep_count: bool, share: float) -> None:
        nonlocal current, worst
        t0 = time.perf_counter()
        until = t0 + (deadline - t0) * share
        if h is not None:
            h.changeColsCost(n, all_cols, cost.astype(float))
        min_count = float(current.sum()) if keep_count else None
        # Among the count's optimal LP vertices, one that favours preferred
        # parks: stage 2 then starts from far more preferred placements. The
        # tie-break adds less than 0.1 in all, so the floor of this LP's value
        # is still a valid bound on the count (at most one above the plain
        # LP's floor), and the tightened bound below is on the count alone.
        tie = cost + preferred / (10.0 * len(enterprises)) if name == "placed" else cost
        relaxed, bound, prices = relax(not keep_count, t0 + (until - t0) * 0.8, tie, min_count)
        if name == "placed" and math.isfinite(bound):
            bound = math.floor(bound + 1e-6)  # the count is an integer
        lp_bound = bound
        if name == "placed":
            # Integral placements cannot fill a capacity to its last fraction:
            # the LP on capacities rounded down to what demands can sum to.
            bound = min(
                bound,
                count_upper_bound(
                    parks,
                    enterprises,
                    cols,
                    current if relaxed is None else relaxed,
                    min(until, time.perf_counter() + 2.0),
                ),
            )
        elif min_count is not None:
            # The weighted LP over every pair rarely converges at benchmark
            # scale; preference and commuting bounded apart are cheap.
            bound = min(
                bound,
                preference_upper_bound(
                    parks,
                    enterprises,
                    cols,
                    preferred,
                    commute,
                    weight,
                    min_count,
                    min(until, time.perf_counter() + 2.0),
                ),
            )
        if relaxed is not None:
            seconds = min(5.0, (until - time.perf_counter()) / 3)
            if keep_count:
                rounded = fix_and_resolve(relaxed, cols, parks, enterprises, cost, min_count, seconds)
            else:
                rounded = lp_dive(relaxed, cols, parks, enterprises, time.perf_counter() + seconds)
                if cost @ rounded > cost @ current + 1e-9:
                    current = rounded
                target = math.ceil(bound / (1 + mip_rel_gap) - 1e-9) if math.isfinite(bound) else None
                if prices is not None:
                    # Large models: re-pack parks pairwise from the dive (see repack).
                    goal = target if target is not None else len(enterprises)
                    rounded = repack(current, cols, parks, enterprises, prices, goal, until)
                elif target is None or cost @ current < target:
                    # The dive's first step fixes exactly the LP's integral
                    # placements, so its solution warm-starts the MIP on the rest.
                    rounded = fix_and_resolve(
                        relaxed,
                        cols,
                        parks,
                        enterprises,
                        cost,
                        None,
                        until - time.perf_counter(),
                        start=current,
                        target=target,
                        support_only=True,
                    )
            if rounded is not None and cost @ rounded > cost @ current + 1e-9:
                current = rounded
        current = _lns(
            current,
            cols,
            parks,
            enterprises,
            cost,
            keep_count,
            bound,
            mip_rel_gap,
            until if h is None else t0,
            wishes=wishes if keep_count else None,
        )
        value = float(cost @ current)
        gap = (bound - value) / max(abs(value), 1.0) if math.isfinite(bound) else math.inf
        if h is not None and gap > mip_rel_gap and time.perf_counter() < until - 0.05:
            set_deadline(h, until)
            start = highspy.HighsSolution()
            start.col_value = current.tolist()
            start.value_valid = True
            h.setSolution(start)
            h.run()
            values = _solution(h, n)
            if values is not None:
                candidate = (values > 0.5).astype(float)
                if cost @ candidate >= value - 1e-9 and candidate.sum() >= (min_count or 0):
                    current = candidate
                    value = float(cost @ current)
            if h.getModelStatus() == highspy.HighsModelStatus.kOptimal:
                gap = min(gap, float(h.getInfo().mip_gap))
            mip_bound = float(h.getInfo().mip_dual_bound)
            if math.isfinite(mip_bound):
                bound = min(bound, mip_bound)
                gap = min(gap, (bound - value) / max(abs(value), 1.0))
        gap = max(gap, 0.0)
        label = "optimal" if gap <= mip_rel_gap + 1e-12 else "time_limit"
        if label != "optimal":
            worst = label
        stages.append(
            {
                "stage": name,
                "status": label,
                "value": round(value, 4),
                "bound": round(bound, 4) if math.isfinite(bound) else None,
                "lp_bound": round(lp_bound, 4) if math.isfinite(lp_bound) else None,
                "mip_gap": round(gap, 6) if math.isfinite(gap) else None,
                "seconds": round(time.perf_counter() - t0, 3),
                "at": round(time.perf_counter() - started, 3),
                # CPU seconds of this process (HiGHS runs single-threaded
                # here), a figure that does not inflate on a shared machine.
                "cpu_at": round(time.process_time() - cpu_started, 3),
            }
        )

    run("placed", np.ones(n), False, 0.75)
    if preferred.any() or commute.any():
        placed = float(current.sum())
        if h is not None:
            h.addRow(placed - 0.5, highspy.kHighsInf, n, all_cols, np.ones(n))
        run("preference_then_commute", secondary, True, 1.0)

    chosen = {cols[k][0]: cols[k][1] for k in np.nonzero(current > 0.5)[0]}
    return build_result(worst, parks, enterprises, chosen, started, stages=stages)
