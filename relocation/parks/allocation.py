"""The allocation optimiser: which enterprise goes to which receiving park.

Pure functions on plain data (the JSON format of `manage.py allocate`), no
Django, so the command line, the background job, the benchmark and the
property tests run exactly the same code.

Input::

    {"parks": [{"id": "...", "name": "...", "industries": ["electroplating", ...], "floor_area_m2": n,
                "capacity_t_per_day": {"cyanide": n, "chromium": n, "nickel": n, "general": n, "dyeing": n},
                "lat": x, "lon": y}],
     "enterprises": [{"id": "...", "industry": "...", "floor_area_m2": n,
                      "wastewater_t_per_day": {"<stream>": n}, "preferred_parks": ["..."],
                      "workers": n, "lat": x, "lon": y}]}

The model (MILP, solved with HiGHS): a binary x[e,p] for every compatible
pair — the park accepts the enterprise's industry and has treatment capacity
(> 0) for every stream the enterprise discharges (so cyanide plating only goes
where there is a cyanide line), and the enterprise fits the park on its own.
Constraints: each enterprise in at most one park; per park, the floor area and
each stream's capacity are not exceeded.

The objective is lexicographic, solved in two stages on one HiGHS model.
Stage 1 maximises the number of enterprises placed. Stage 2 keeps that number
as a constraint and maximises W·(placements in a preferred park) − Σ haversine
km × workers, with W = Σ_e max_p (km × workers) + 1: one more preferred
placement outweighs any possible change of commuting, so the weighted optimum
is the lexicographic one (preference first, then distance).

Each stage: (a) the LP relaxation gives a bound (for the count, rounded down)
and a vertex solution; (b) fix-and-resolve rounds it (keep the integral
placements, solve a small MIP for the rest) — for the count, first a dive
(fix, re-solve the LP of the rest, repeat) whose solution warm-starts that
MIP, which stops as soon as the count is within the gap of the bound; on
large models the count is instead raised from the dive by re-packing two
parks at a time, guided by the LP's prices (`_repack`); (c) on
large models, a large-neighbourhood search re-solves a few parks at a time exactly (for stage 2
guided by the enterprises outside their preferred parks); (d) while the gap to
the bound is above `mip_rel_gap` (0.1 %) and time is left, HiGHS's branch and
bound continues from the best solution. The reported gap is against the
better of the LP and branch-and-bound bounds. Stage 1 starts from greedy
first-fit, so the optimiser never places fewer than greedy; stage 2 starts
from stage 1's solution, so running out of time never loses a placement.

Every enterprise left unplaced gets an explanation computed on the final
assignment: its best compatible park (fewest binding resources, then the
smallest relative shortfall, preferred and nearer parks first) and, for each
resource that binds there, what is left, what it needs and how much more would
place it with every other placement unchanged.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import Any

from relocation.parks.allocation_bounds import count_upper_bound, preference_upper_bound
from relocation.parks.streams import FLOOR_AREA, STREAM_SHORT, STREAMS

RESOURCES: tuple[str, ...] = (FLOOR_AREA, *STREAMS)
EPS = 1e-6
# Up to this many (enterprise, park) pairs HiGHS's own branch and bound closes
# the gap quickly; above it its dual-simplex LPs are slow, and column
# generation for the bound plus large-neighbourhood search does better.
FULL_MIP_LIMIT = 20000
# Re-packing two parks at a time (`_repack`): placements freed per park, cheapest
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


# ---------------------------------------------------------------- input


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


# ---------------------------------------------------------------- geometry and compatibility


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


def _fits(demand: dict[str, float], room: dict[str, float]) -> bool:
    return all(demand[r] <= room[r] + EPS for r in RESOURCES)


# ---------------------------------------------------------------- greedy baseline


def _greedy_assign(parks: Sequence[dict[str, Any]], enterprises: Sequence[dict[str, Any]]) -> dict[int, int]:
    room = [dict(p["capacity"]) for p in parks]
    chosen: dict[int, int] = {}
    for i, e in enumerate(enterprises):
        for j, p in enumerate(parks):
            if compatible(e, p) and _fits(e["demand"], room[j]):
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
    chosen = _greedy_assign(parks, enterprises)
    return _result("heuristic", parks, enterprises, chosen, started, stages=[])


# ---------------------------------------------------------------- MILP


def _highs(seconds: float, gap: float) -> Any:
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("mip_rel_gap", float(gap))
    h.setOptionValue("time_limit", max(float(seconds), 0.01))
    return h


def _time_limit(h: Any, until: float) -> None:
    """Let the next run of a reused model stop at `until`. HiGHS measures
    time_limit against the model's run time summed over all its runs, so a
    plain "seconds left" would cut the second and later runs short (it did:
    column generation stopped after ~6 s of an 11 s budget, unconverged)."""
    h.setOptionValue("time_limit", h.getRunTime() + max(until - time.perf_counter(), 0.01))


def _assignment_lp(
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


def _dive(
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
        h = _highs(until - time.perf_counter(), 0.0)
        h.setOptionValue("simplex_strategy", 4)
        h.passModel(
            _assignment_lp(
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


def _fix_and_resolve(
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
        if i not in placed and _fits(enterprises[i]["demand"], room[j]):
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
        if i not in placed and (in_lp is None or i in in_lp) and _fits(enterprises[i]["demand"], room[j])
    ]
    still = None if min_count is None else min_count - len(placed)
    if rest:
        sub = _highs(seconds, 0.0)
        sub.passModel(
            _assignment_lp(
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
            if values[n] > 0.5 and i not in placed and _fits(enterprises[i]["demand"], room[j]):
                for r in RESOURCES:
                    room[j][r] -= enterprises[i]["demand"][r]
                placed.add(i)
                x[k] = 1.0
    for k, (i, j) in enumerate(cols):
        if i not in placed and _fits(enterprises[i]["demand"], room[j]):
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
        h = _highs(min(2.0, until - time.perf_counter()), 1e-6)
        h.passModel(
            _assignment_lp(
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


def _repack(
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
        h = _highs(until - time.perf_counter(), 0.0)
        h.setOptionValue("mip_abs_gap", REPACK_ABS_GAP)
        # A CPU-time budget, not a wall-clock one: on a loaded machine a wall
        # limit cuts every sub-problem to a fraction of its budget, on an idle
        # one it does not, so the search would behave differently on each.
        cpu_until = time.process_time() + REPACK_SECONDS

        def spent(event: Any, cpu_until: float = cpu_until) -> None:
            if time.process_time() >= cpu_until:
                event.interrupt()

        h.cbMipInterrupt.subscribe(spent)
        h.passModel(_assignment_lp([cols[k] for k in sub], enterprises, room_list, 1.0 + tie.sum() + tie, None, True))
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


def _column_generation_lp(
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

    h = _highs(max(until - time.perf_counter(), 0.05), 0.0)
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
        _time_limit(h, until)
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
        if compatible(e, p) and _fits(e["demand"], p["capacity"])
    ]
    n = len(cols)
    if n == 0:
        return _result("optimal", parks, enterprises, {}, started, stages=[])

    pair_index = {pair: k for k, pair in enumerate(cols)}
    current = np.zeros(n)
    for i, j in _greedy_assign(parks, enterprises).items():
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
        h = _highs(deadline - time.perf_counter(), mip_rel_gap)
        h.passModel(_assignment_lp(cols, enterprises, capacity, np.ones(n), None, True))
    stages: list[dict[str, Any]] = []
    worst = "optimal"

    def relax(
        simplex: bool, until: float, cost: np.ndarray, min_count: float | None
    ) -> tuple[Any | None, float, Any | None]:
        if h is None:
            return _column_generation_lp(cols, enterprises, parks, cost, min_count, current, until)
        return (*relax_full(simplex, until), None)

    def relax_full(simplex: bool, until: float) -> tuple[Any | None, float]:
        """The LP relaxation: its value bounds the stage and its vertex solution
        is rounded. Primal simplex (several times faster than the default dual
        here) for the count; interior point with crossover for the weighted
        stage, where simplex is slow."""
        h.changeColsIntegrality(n, all_cols, np.array([highspy.HighsVarType.kContinuous] * n))
        _time_limit(h, until)
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
                rounded = _fix_and_resolve(relaxed, cols, parks, enterprises, cost, min_count, seconds)
            else:
                rounded = _dive(relaxed, cols, parks, enterprises, time.perf_counter() + seconds)
                if cost @ rounded > cost @ current + 1e-9:
                    current = rounded
                target = math.ceil(bound / (1 + mip_rel_gap) - 1e-9) if math.isfinite(bound) else None
                if prices is not None:
                    # Large models: re-pack parks pairwise from the dive (see _repack).
                    goal = target if target is not None else len(enterprises)
                    rounded = _repack(current, cols, parks, enterprises, prices, goal, until)
                elif target is None or cost @ current < target:
                    # The dive's first step fixes exactly the LP's integral
                    # placements, so its solution warm-starts the MIP on the rest.
                    rounded = _fix_and_resolve(
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
            _time_limit(h, until)
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
    return _result(worst, parks, enterprises, chosen, started, stages=stages)


# ---------------------------------------------------------------- result and explanations


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


def _result(
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
