"""The mixed-integer building blocks on HiGHS: the assignment LP, the dive,
fix-and-resolve, large-neighbourhood search, two-park re-packing and the
column-generation LP."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import Any

from relocation.parks.allocation.geometry import fits_in, haversine_km
from relocation.parks.allocation.inputs import EPS, REPACK_ABS_GAP, REPACK_FREE, REPACK_POOL, REPACK_SECONDS, RESOURCES


def new_highs(seconds: float, gap: float) -> Any:
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("mip_rel_gap", float(gap))
    h.setOptionValue("time_limit", max(float(seconds), 0.01))
    return h


def set_deadline(h: Any, until: float) -> None:
    """Let the next run of a reused model stop at `until`. HiGHS measures
    time_limit against the model's run time summed over all its runs, so a
    plain "seconds left" would cut the second and later runs short (it did:
    column generation stopped after ~6 s of an 11 s budget, unconverged)."""
    h.setOptionValue("time_limit", h.getRunTime() + max(until - time.perf_counter(), 0.01))


def assignment_lp(
    cols: Sequence[tuple[int, int]],
    enterprises: Sequence[dict[str, Any]],
    room: Sequence[dict[str, float]],
    cost: Any,
    min_count: float | None,
    integer: bool,
) -> Any:
    """The model on the given (enterprise, park) pairs: at most one park per
    enterprise, each park's resources within `room`, optionally at least
    `min_count` placements; maximise `cost`."""
    import highspy
    import numpy as np

    rows_e = {i: n for n, i in enumerate(sorted({i for i, _j in cols}))}
    parks_used = sorted({j for _i, j in cols})
    rows_p = {j: len(rows_e) + n * len(RESOURCES) for n, j in enumerate(parks_used)}
    upper = [1.0] * len(rows_e) + [room[j][r] for j in parks_used for r in RESOURCES]
    lower = [-highspy.kHighsInf] * len(upper)
    count_row = None
    if min_count is not None:
        count_row = len(upper)
        upper.append(highspy.kHighsInf)
        lower.append(float(min_count) - 0.5)
    starts, index, value = [0], [], []
    for i, j in cols:
        index.append(rows_e[i])
        value.append(1.0)
        for n, r in enumerate(RESOURCES):
            amount = enterprises[i]["demand"][r]
            if amount > 0:
                index.append(rows_p[j] + n)
                value.append(amount)
        if count_row is not None:
            index.append(count_row)
            value.append(1.0)
        starts.append(len(index))
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(cols), len(upper)
    lp.col_cost_ = np.asarray(cost, dtype=float)
    lp.col_lower_, lp.col_upper_ = np.zeros(len(cols)), np.ones(len(cols))
    lp.row_lower_, lp.row_upper_ = np.array(lower, dtype=float), np.array(upper, dtype=float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(value, dtype=float)
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = len(cols), len(upper)
    lp.sense_ = highspy.ObjSense.kMaximize
    if integer:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * len(cols)
    return lp


def _solution(h: Any, n: int) -> Any | None:
    import numpy as np

    if h.getInfo().primal_solution_status != 2:
        return None
    values = np.array(h.getSolution().col_value)
    return values if values.size == n else None


def lp_dive(
    relaxed: Any,
    cols: Sequence[tuple[int, int]],
    parks: Sequence[dict[str, Any]],
    enterprises: Sequence[dict[str, Any]],
    until: float,
) -> Any:
    """Round an LP solution of the count stage by diving: fix its integral
    placements (or, when there are none, its largest fractional one), re-solve
    the LP of what is left on the remaining room, repeat. The residual LPs are
    small, so this takes a fraction of a second at benchmark scale and loses
    less than fixing once and solving the rest as a MIP (measured: 4,543 in
    0.3 s against 4,541 in 2.6 s, LP bound 4,551, on the 5,000 × 50 instance)."""
    import numpy as np

    n = len(cols)
    e_of = np.array([i for i, _j in cols], dtype=np.int64)
    p_of = np.array([j for _i, j in cols], dtype=np.int64)
    demand = np.array([[e["demand"][r] for r in RESOURCES] for e in enterprises])
    room = np.array([[p["capacity"][r] for r in RESOURCES] for p in parks])
    placed = np.zeros(len(enterprises), dtype=bool)
    x = np.zeros(n)
    active = np.ones(n, dtype=bool)
    while True:
        fix = np.nonzero(active & (relaxed > 1 - 1e-6))[0]
        if fix.size == 0:
            fractional = np.nonzero(active & (relaxed > 1e-6))[0]
            if fractional.size == 0:
                break
            fix = fractional[[int(np.argmax(relaxed[fractional]))]]
        for k in fix:
            i, j = e_of[k], p_of[k]
            if not placed[i] and (demand[i] <= room[j] + EPS).all():
                room[j] -= demand[i]
                placed[i] = True
                x[k] = 1.0
        active = ~placed[e_of] & (demand[e_of] <= room[p_of] + EPS).all(axis=1)
        rest = np.nonzero(active)[0]
        if rest.size == 0 or time.perf_counter() >= until:
            break
        h = new_highs(until - time.perf_counter(), 0.0)
        h.setOptionValue("simplex_strategy", 4)
        h.passModel(
            assignment_lp(
                [cols[k] for k in rest],
                enterprises,
                [dict(zip(RESOURCES, r, strict=True)) for r in room],
                np.ones(rest.size),
                None,
                False,
            )
        )
        h.run()
        values = _solution(h, rest.size)
        if values is None:
            break
        relaxed = np.zeros(n)
        relaxed[rest] = values
    # Out of time (or LP trouble): first-fit for whatever still fits.
    for k in np.nonzero(~placed[e_of])[0]:
        i, j = e_of[k], p_of[k]
        if not placed[i] and (demand[i] <= room[j] + EPS).all():
            room[j] -= demand[i]
            placed[i] = True
            x[k] = 1.0
    return x


def fix_and_resolve(
    relaxed: Any,
    cols: Sequence[tuple[int, int]],
    parks: Sequence[dict[str, Any]],
    enterprises: Sequence[dict[str, Any]],
    cost: Any,
    min_count: float | None,
    seconds: float,
    start: Any | None = None,
    target: float | None = None,
    support_only: bool = False,
) -> Any | None:
    """Round an LP solution: keep its integral placements, then solve a small
    MIP for the rest on what is left (at least `min_count` placements in all),
    from `start` (a full solution that keeps those placements, e.g. the dive's)
    when given, stopping once the total `cost` provably reaches `target` or
    the rest is optimal. With `support_only`, the MIP leaves out the
    enterprises the LP does not place at all (first-fit still tries them
    afterwards) unless `start` places them: a smaller MIP that, measured on the benchmark's instances,
    reaches a given count sooner. None when that small MIP finds nothing in time."""
    import numpy as np

    room = [dict(p["capacity"]) for p in parks]
    placed: set[int] = set()
    x = np.zeros(len(cols))
    for k in np.nonzero(relaxed > 1 - 1e-6)[0]:
        i, j = cols[k]
        if i not in placed and fits_in(enterprises[i]["demand"], room[j]):
            for r in RESOURCES:
                room[j][r] -= enterprises[i]["demand"][r]
            placed.add(i)
            x[k] = 1.0
    in_lp: set[int] | None = None
    if support_only:
        in_lp = {cols[k][0] for k in np.nonzero(relaxed > 1e-9)[0]}
        if start is not None:
            in_lp |= {cols[k][0] for k in np.nonzero(start > 0.5)[0]}
    rest = [
        k
        for k, (i, j) in enumerate(cols)
        if i not in placed and (in_lp is None or i in in_lp) and fits_in(enterprises[i]["demand"], room[j])
    ]
    still = None if min_count is None else min_count - len(placed)
    if rest:
        sub = new_highs(seconds, 0.0)
        sub.passModel(
            assignment_lp(
                [cols[k] for k in rest], enterprises, room, cost[rest], still if still and still > 0 else None, True
            )
        )
        if start is not None:
            import highspy

            fixed = float(cost @ x)
            if target is not None:
                # Stop as soon as the incumbent reaches the target: HiGHS's own
                # gap test waits for the root node, which can take many seconds
                # of cuts after a good enough solution is found.
                need = target - fixed - 1e-6

                def reached(event: Any) -> None:
                    if event.data_out.objective_function_value >= need:
                        event.interrupt()

                sub.cbMipImprovingSolution.subscribe(reached)
                sub.cbMipInterrupt.subscribe(reached)
            warm = highspy.HighsSolution()
            warm.col_value = [1.0 if start[k] > 0.5 else 0.0 for k in rest]
            warm.value_valid = True
            sub.setSolution(warm)
        sub.run()
        values = _solution(sub, len(rest))
        if values is None:
            # No sub-solution in time: place the rest by decreasing LP value.
            values = np.zeros(len(rest))
            for n in np.argsort(-relaxed[rest], kind="stable"):
                values[n] = 1.0
        for n, k in enumerate(rest):
            i, j = cols[k]
            if values[n] > 0.5 and i not in placed and fits_in(enterprises[i]["demand"], room[j]):
                for r in RESOURCES:
                    room[j][r] -= enterprises[i]["demand"][r]
                placed.add(i)
                x[k] = 1.0
    for k, (i, j) in enumerate(cols):
        if i not in placed and fits_in(enterprises[i]["demand"], room[j]):
            for r in RESOURCES:
                room[j][r] -= enterprises[i]["demand"][r]
            placed.add(i)
            x[k] = 1.0
    if min_count is not None and len(placed) < min_count:
        return None
    return x


def _lns(
    x: Any,
    cols: Sequence[tuple[int, int]],
    parks: Sequence[dict[str, Any]],
    enterprises: Sequence[dict[str, Any]],
    cost: Any,
    keep_count: bool,
    bound: float,
    gap: float,
    until: float,
    seed: int = 2022,
    wishes: Sequence[list[int]] | None = None,
) -> Any:
    """Large-neighbourhood search: repeatedly free a few parks (their
    enterprises and every unplaced one) and re-solve that small MIP exactly,
    keeping any improvement of `cost` (never fewer placements when
    `keep_count`). Stops at the gap to `bound` or at `until`."""
    import random

    import numpy as np

    rng = random.Random(seed)
    park_cols: list[list[int]] = [[] for _ in parks]
    for k, (_i, j) in enumerate(cols):
        park_cols[j].append(k)
    size = 3
    while time.perf_counter() < until - 0.05:
        value = float(cost @ x)
        if bound - value <= gap * max(abs(value), 1.0):
            break
        park_of = {cols[k][0]: cols[k][1] for k in np.nonzero(x > 0.5)[0]}
        chosen = set(rng.sample(range(len(parks)), min(size, len(parks))))
        if wishes is not None and rng.random() < 0.7:
            # Guided: an enterprise outside its preferred parks, its park and those.
            outside = [i for i, j in park_of.items() if wishes[i] and j not in wishes[i]]
            if outside:
                i = rng.choice(outside)
                chosen = {park_of[i], *wishes[i]}
                while len(chosen) < min(size, len(parks)):
                    chosen.add(rng.randrange(len(parks)))
        sub = [k for j in chosen for k in park_cols[j] if cols[k][0] not in park_of or park_of[cols[k][0]] in chosen]
        if not sub:
            continue
        before = [k for k in sub if x[k] > 0.5]
        h = new_highs(min(2.0, until - time.perf_counter()), 1e-6)
        h.passModel(
            assignment_lp(
                [cols[k] for k in sub],
                enterprises,
                [p["capacity"] for p in parks],
                cost[sub],
                len(before) if keep_count else None,
                True,
            )
        )
        import highspy

        start = highspy.HighsSolution()
        start.col_value = [1.0 if x[k] > 0.5 else 0.0 for k in sub]
        start.value_valid = True
        h.setSolution(start)
        h.run()
        values = _solution(h, len(sub))
        if values is not None:
            candidate = x.copy()
            candidate[sub] = (values > 0.5).astype(float)
            if cost @ candidate > cost @ x + 1e-9 and (not keep_count or candidate.sum() >= x.sum()):
                x = candidate
        # Grow the neighbourhood while the sub-problems stay small and quick.
        size = size + 1 if len(sub) < 1500 and size < len(parks) else max(2, size - (len(sub) > 4000))
    return x


def repack(
    x: Any,
    cols: Sequence[tuple[int, int]],
    parks: Sequence[dict[str, Any]],
    enterprises: Sequence[dict[str, Any]],
    prices: Any,
    target: float,
    until: float,
    seed: int = 2022,
) -> Any:
    """Raise the count of a count-stage solution towards `target` by re-packing
    two parks at a time: the park whose leftover room is worth most at the LP's
    prices and one that shares many compatible enterprises with it; free the
    `REPACK_FREE` placements of each that use the most priced room, and let a
    small MIP (`REPACK_SECONDS` of CPU at most) decide which of those and of the
    `REPACK_POOL` cheapest unplaced enterprises per park go where — most
    placements first, then the fullest parks at the LP's prices (so leftover
    room is not left scattered; a little noise varies the ties). Never
    places fewer; first-fit then tries every unplaced enterprise in the two
    parks. Stops at `target` or `until`.

    Why: rounding the LP (the dive) loses 8–13 placements on the benchmark's
    instances, as leftover room scattered over many parks; the LP's integral
    placements are not sacred (a residual MIP that keeps them stalled 4–6 short
    of the bound), and small sub-problems that may swap them out recover
    the count in a few seconds (measured in the decision record)."""
    import highspy
    import numpy as np

    n_p = len(parks)
    e_of = np.array([i for i, _j in cols], dtype=np.int64)
    p_of = np.array([j for _i, j in cols], dtype=np.int64)
    demand = np.array([[e["demand"][r] for r in RESOURCES] for e in enterprises])
    capacity = np.array([[p["capacity"][r] for r in RESOURCES] for p in parks])
    worth = (demand[e_of] * prices[p_of]).sum(axis=1)  # priced room each placement uses
    cols_of = [np.nonzero(p_of == j)[0] for j in range(n_p)]
    accepts = np.zeros((len(enterprises), n_p))
    accepts[e_of, p_of] = 1.0
    shared = accepts.T @ accepts
    np.fill_diagonal(shared, 0.0)
    park_of = np.full(len(enterprises), -1, dtype=np.int64)
    park_of[e_of[np.asarray(x) > 0.5]] = p_of[np.asarray(x) > 0.5]
    rng = np.random.default_rng(seed)
    room_list = [dict(p["capacity"]) for p in parks]

    def rooms() -> Any:
        used = np.zeros_like(capacity)
        placed = park_of >= 0
        np.add.at(used, park_of[placed], demand[placed])
        return capacity - used

    while (park_of >= 0).sum() < target and time.perf_counter() < until - 0.05:
        room = rooms()
        leftover = np.maximum((prices * room).sum(axis=1), 0.0) + 1e-9
        group = [int(rng.choice(n_p, p=leftover / leftover.sum()))]
        if shared[group[0]].sum() > 0:
            group.append(int(rng.choice(n_p, p=shared[group[0]] / shared[group[0]].sum())))
        ks = np.concatenate([cols_of[j] for j in group])
        where = park_of[e_of[ks]]
        mine = ks[np.isin(where, group)]
        freed = mine[park_of[e_of[mine]] == p_of[mine]]
        freed = np.concatenate(
            [f[np.argsort(-worth[f])][:REPACK_FREE] for f in (freed[p_of[freed] == j] for j in group)]
        )
        mine = mine[np.isin(e_of[mine], e_of[freed])]
        pool = ks[where == -1]
        pool = pool[np.argsort(worth[pool], kind="stable")][: REPACK_POOL * len(group)]
        sub = np.concatenate([mine, pool])
        for j in group:
            room_list[j] = dict(
                zip(RESOURCES, room[j] + demand[e_of[freed[p_of[freed] == j]]].sum(axis=0), strict=True)
            )
        # Placements first, then fill: the count term outweighs any total worth.
        tie = worth[sub] + 0.05 * rng.random(sub.size)
        h = new_highs(until - time.perf_counter(), 0.0)
        h.setOptionValue("mip_abs_gap", REPACK_ABS_GAP)
        # A CPU-time budget, not a wall-clock one: on a loaded machine a wall
        # limit cuts every sub-problem to a fraction of its budget, on an idle
        # one it does not, so the search would behave differently on each.
        cpu_until = time.process_time() + REPACK_SECONDS

        def spent(event: Any, cpu_until: float = cpu_until) -> None:
            if time.process_time() >= cpu_until:
                event.interrupt()

        h.cbMipInterrupt.subscribe(spent)
        h.passModel(assignment_lp([cols[k] for k in sub], enterprises, room_list, 1.0 + tie.sum() + tie, None, True))
        start = highspy.HighsSolution()
        start.col_value = (park_of[e_of[sub]] == p_of[sub]).astype(float)
        start.value_valid = True
        h.setSolution(start)
        h.run()
        for j in group:
            room_list[j] = dict(parks[j]["capacity"])
        values = _solution(h, sub.size)
        if values is None:
            continue
        chosen = sub[values > 0.5]
        if chosen.size < freed.size or np.unique(e_of[chosen]).size < chosen.size:
            continue
        before = park_of.copy()
        park_of[e_of[freed]] = -1
        park_of[e_of[chosen]] = p_of[chosen]
        room = rooms()
        if (room[group] < -EPS).any():  # HiGHS's feasibility tolerance, not ours
            park_of = before
            continue
        left = ks[park_of[e_of[ks]] == -1]
        for k in left[(demand[e_of[left]] <= room[p_of[left]] + EPS).all(axis=1)]:
            i, j = e_of[k], p_of[k]
            if park_of[i] == -1 and (demand[i] <= room[j] + EPS).all():
                park_of[i] = j
                room[j] -= demand[i]
    result = np.zeros(len(cols))
    result[park_of[e_of] == p_of] = 1.0
    return result


def column_generation_lp(
    cols: Sequence[tuple[int, int]],
    enterprises: Sequence[dict[str, Any]],
    parks: Sequence[dict[str, Any]],
    cost: Any,
    min_count: float | None,
    initial: Any,
    until: float,
) -> tuple[Any | None, float]:
    """The LP relaxation on large models by column generation: start from a few
    columns per enterprise (its preferred and nearest parks, and the current
    solution), price every other column with the duals, add those that would
    improve, repeat. When no column prices out, the value is the full LP's, so
    it is a valid bound. Returns (solution over all columns, bound, prices):
    when time runs out first, the last restricted solution and the best
    Lagrangian bound (for the count stage; inf otherwise), or (None, inf, None)
    before the first; prices are the last duals of the capacity rows, one row
    of `RESOURCES` per park (what a unit of each resource is worth there)."""
    import highspy
    import numpy as np

    n, n_e, n_r = len(cols), len(enterprises), len(RESOURCES)
    e_of = np.array([i for i, _j in cols], dtype=np.int64)
    p_of = np.array([j for _i, j in cols], dtype=np.int64)
    demand = np.array([[enterprises[i]["demand"][r] for r in RESOURCES] for i, _j in cols])
    count_row = n_e + len(parks) * n_r

    # Start: the current solution plus, per enterprise, its preferred parks and its 3 nearest.
    chosen = np.asarray(initial, dtype=float) > 0.5
    by_enterprise: dict[int, list[int]] = {}
    for k, (i, _j) in enumerate(cols):
        by_enterprise.setdefault(i, []).append(k)
    for i, ks in by_enterprise.items():
        e = enterprises[i]
        ranked = sorted(
            ks,
            key=lambda k: (
                parks[cols[k][1]]["id"] not in e["preferred"],
                haversine_km(e["lat"], e["lon"], parks[cols[k][1]]["lat"], parks[cols[k][1]]["lon"]),
            ),
        )
        chosen[ranked[:2]] = True

    h = new_highs(max(until - time.perf_counter(), 0.05), 0.0)
    h.setOptionValue("simplex_strategy", 4)
    inf = highspy.kHighsInf
    upper = [1.0] * n_e + [p["capacity"][r] for p in parks for r in RESOURCES]
    lower = [-inf] * len(upper)
    if min_count is not None:
        upper.append(inf)
        lower.append(float(min_count) - 0.5)
    h.addRows(
        len(upper),
        np.array(lower),
        np.array(upper),
        0,
        np.array([], dtype=np.int32),
        np.array([], dtype=np.int32),
        np.array([]),
    )
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    in_model: list[int] = []

    def add(ks: Any) -> None:
        starts, index, value = [], [], []
        for k in ks:
            starts.append(len(index))
            index.append(int(e_of[k]))
            value.append(1.0)
            for r in range(n_r):
                if demand[k, r] > 0:
                    index.append(n_e + int(p_of[k]) * n_r + r)
                    value.append(float(demand[k, r]))
            if min_count is not None:
                index.append(count_row)
                value.append(1.0)
        h.addCols(
            len(ks),
            np.asarray(cost[ks], dtype=float),
            np.zeros(len(ks)),
            np.ones(len(ks)),
            len(index),
            np.array(starts, dtype=np.int32),
            np.array(index, dtype=np.int32),
            np.array(value, dtype=float),
        )
        in_model.extend(int(k) for k in ks)

    add(np.nonzero(chosen)[0])
    best_x: Any | None = None
    best_bound = math.inf
    prices: Any | None = None
    capacity = np.array([p["capacity"][r] for p in parks for r in RESOURCES])
    while True:
        set_deadline(h, until)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            break
        best_x = np.zeros(n)
        best_x[np.array(in_model, dtype=np.int64)] = np.array(h.getSolution().col_value)
        value = float(h.getInfo().objective_function_value)
        y = np.array(h.getSolution().row_dual)
        priced = cost - (demand * y[n_e + p_of[:, None] * n_r + np.arange(n_r)]).sum(axis=1)
        prices = np.maximum(y[n_e:count_row], 0.0).reshape(len(parks), n_r)
        if min_count is None:
            # Lagrangian bound (capacity rows priced at the duals): valid for
            # the full LP at every iteration, equal to it at convergence.
            y_cap = np.maximum(y[n_e:count_row], 0.0)
            priced_cap = cost - (demand * y_cap[p_of[:, None] * n_r + np.arange(n_r)]).sum(axis=1)
            best_per_enterprise = np.zeros(n_e)
            np.maximum.at(best_per_enterprise, e_of, priced_cap)
            best_bound = min(best_bound, float(capacity @ y_cap + best_per_enterprise.sum()))
        reduced = priced - y[e_of]
        if min_count is not None:
            reduced = reduced - y[count_row]
        reduced[np.array(in_model, dtype=np.int64)] = -inf
        scale = max(1.0, float(np.abs(cost).max()))
        entering = np.nonzero(reduced > 1e-7 * scale)[0]
        if entering.size == 0:
            return best_x, value, prices
        if time.perf_counter() >= until:
            break
        if entering.size > n_e // 2:
            entering = entering[np.argsort(-reduced[entering])[: n_e // 2]]
        add(entering)
    # Out of time: the last restricted solution (feasible for the full LP) and
    # the best Lagrangian bound found so far.
    return best_x, best_bound, prices
