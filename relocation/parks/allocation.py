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

The objective is lexicographic, solved in two MILPs. Stage 1 maximises the
number of enterprises placed; it starts from the better of greedy first-fit
and a rounded LP relaxation (fix-and-resolve), so it never places fewer than
greedy. Stage 2 keeps that number as a constraint and maximises
W·(placements in a preferred park) − Σ haversine km × workers, with
W = Σ_e max_p (km × workers) + 1: one more preferred placement outweighs any
possible change of commuting, so the weighted optimum is the lexicographic
one (preference first, then distance). Each stage runs with `mip_rel_gap`
(0.1 % by default) within what is left of the time limit; stage 2 starts from
stage 1's solution, so running out of time never loses a placement.

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

from relocation.parks.streams import FLOOR_AREA, STREAM_SHORT, STREAMS

RESOURCES: tuple[str, ...] = (FLOOR_AREA, *STREAMS)
EPS = 1e-6
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


def solve(data: dict[str, Any], *, time_limit: float = 60.0, mip_rel_gap: float = 0.001) -> dict[str, Any]:
    """The optimiser's proposal (see the module docstring). Result keys:
    status, objective, assignments, unplaced (each with reason, park and binding),
    stages (per lexicographic stage: status, value, gap, seconds)."""
    import highspy
    import numpy as np

    started = time.perf_counter()
    deadline = started + max(time_limit, 0.1)
    parks, enterprises = normalise(data)
    greedy_choice = _greedy_assign(parks, enterprises)

    cols_e: list[int] = []
    cols_p: list[int] = []
    for i, e in enumerate(enterprises):
        for j, p in enumerate(parks):
            if compatible(e, p) and _fits(e["demand"], p["capacity"]):
                cols_e.append(i)
                cols_p.append(j)
    n_cols = len(cols_e)
    if n_cols == 0:
        return _result("optimal", parks, enterprises, {}, started, stages=[])

    n_e, n_r = len(enterprises), len(RESOURCES)
    # Column-wise matrix: each pair sits in its enterprise's "at most one park"
    # row and in its park's row of each resource it needs.
    starts, index, value = [0], [], []
    for i, j in zip(cols_e, cols_p, strict=True):
        index.append(i)
        value.append(1.0)
        for k, r in enumerate(RESOURCES):
            amount = enterprises[i]["demand"][r]
            if amount > 0:
                index.append(n_e + j * n_r + k)
                value.append(amount)
        starts.append(len(index))
    row_upper = [1.0] * n_e + [p["capacity"][r] for p in parks for r in RESOURCES]

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", float(mip_rel_gap))
    h.setOptionValue("threads", 1)
    lp = highspy.HighsLp()
    lp.num_col_ = n_cols
    lp.num_row_ = len(row_upper)
    lp.col_cost_ = np.ones(n_cols)
    lp.col_lower_ = np.zeros(n_cols)
    lp.col_upper_ = np.ones(n_cols)
    lp.row_lower_ = np.full(len(row_upper), -highspy.kHighsInf)
    lp.row_upper_ = np.array(row_upper, dtype=float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(value, dtype=float)
    lp.a_matrix_.num_col_ = n_cols
    lp.a_matrix_.num_row_ = len(row_upper)
    lp.sense_ = highspy.ObjSense.kMaximize
    h.passModel(lp)

    # Starting point: the better of greedy first-fit and the rounded LP
    # relaxation (its integral part kept, the fractional rest placed by
    # decreasing LP value, then first-fit). A good start is what lets the MIP
    # reach the gap quickly; it also makes "never fewer than greedy" hold by
    # construction.
    pair_index = {(i, j): k for k, (i, j) in enumerate(zip(cols_e, cols_p, strict=True))}
    current = np.zeros(n_cols)
    for i, j in greedy_choice.items():
        current[pair_index[(i, j)]] = 1.0
    h.setOptionValue("time_limit", max(deadline - time.perf_counter(), 0.1))
    h.run()
    if h.getModelStatus() == highspy.HighsModelStatus.kOptimal:
        relaxed = np.array(h.getSolution().col_value)
        rounded = _round(relaxed, cols_e, cols_p, parks, enterprises, min(5.0, (deadline - time.perf_counter()) / 4))
        if rounded.sum() > current.sum():
            current = rounded
    h.changeColsIntegrality(
        n_cols, np.arange(n_cols, dtype=np.int32), np.array([highspy.HighsVarType.kInteger] * n_cols)
    )

    preferred = np.array(
        [1.0 if parks[j]["id"] in enterprises[i]["preferred"] else 0.0 for i, j in zip(cols_e, cols_p, strict=True)]
    )
    commute = np.array(
        [
            haversine_km(enterprises[i]["lat"], enterprises[i]["lon"], parks[j]["lat"], parks[j]["lon"])
            * enterprises[i]["workers"]
            for i, j in zip(cols_e, cols_p, strict=True)
        ]
    )
    all_cols = np.arange(n_cols, dtype=np.int32)
    per_enterprise: dict[int, float] = {}
    for k, i in enumerate(cols_e):
        per_enterprise[i] = max(per_enterprise.get(i, 0.0), float(commute[k]))
    commute_bound = sum(per_enterprise.values())
    stages: list[dict[str, Any]] = []
    worst = "optimal"

    def run(name: str, cost: np.ndarray, sense: Any) -> bool:
        nonlocal current, worst
        remaining = deadline - time.perf_counter()
        if remaining <= 0.05:
            worst = "time_limit"
            return False
        t0 = time.perf_counter()
        h.changeColsCost(n_cols, all_cols, cost.astype(float))
        h.changeObjectiveSense(sense)
        h.setOptionValue("time_limit", float(remaining))
        start = highspy.HighsSolution()
        start.col_value = current.tolist()
        start.value_valid = True
        h.setSolution(start)
        h.run()
        status = h.getModelStatus()
        solution = np.array(h.getSolution().col_value)
        found = solution.size == n_cols and h.getInfo().primal_solution_status == 2
        if found:
            candidate = (solution > 0.5).astype(float)
            if _feasible(candidate):
                current = candidate
        label = {
            highspy.HighsModelStatus.kOptimal: "optimal",
            highspy.HighsModelStatus.kTimeLimit: "time_limit",
        }.get(status, h.modelStatusToString(status).lower().replace(" ", "_"))
        if label != "optimal":
            worst = label
        stages.append(
            {
                "stage": name,
                "status": label,
                "value": round(float(cost @ current), 4),
                "mip_gap": round(float(h.getInfo().mip_gap), 6) if label in {"optimal", "time_limit"} else None,
                "seconds": round(time.perf_counter() - t0, 3),
                "at": round(time.perf_counter() - started, 3),
            }
        )
        return label == "optimal" or found

    def _feasible(x: np.ndarray) -> bool:
        used = np.zeros(len(row_upper))
        np.add.at(used, np.array(index), np.repeat(x, np.diff(starts)) * np.array(value))
        return bool(np.all(used <= np.array(row_upper) + EPS))

    def keep(cost: np.ndarray, at_least: float) -> None:
        nz = np.nonzero(cost)[0].astype(np.int32)
        h.addRow(at_least - 0.5, highspy.kHighsInf, len(nz), nz, cost[nz].astype(float))

    if run("placed", np.ones(n_cols), highspy.ObjSense.kMaximize) and (preferred.any() or commute.any()):
        keep(np.ones(n_cols), float(current.sum()))
        # Preference before distance: one more preferred placement is worth more
        # than the largest possible total commute, so the weighted optimum is the
        # lexicographic one.
        weight = float(commute_bound) + 1.0
        run("preference_then_commute", preferred * weight - commute, highspy.ObjSense.kMaximize)

    chosen = {cols_e[k]: cols_p[k] for k in np.nonzero(current > 0.5)[0]}
    return _result(worst, parks, enterprises, chosen, started, stages=stages)


def _round(
    relaxed: Any,
    cols_e: list[int],
    cols_p: list[int],
    parks: Sequence[dict[str, Any]],
    enterprises: Sequence[dict[str, Any]],
    seconds: float,
) -> Any:
    """Keep the LP's integral placements, then place the rest with a small MIP
    on what is left (fix-and-resolve); first-fit if that MIP finds nothing."""
    import highspy
    import numpy as np

    room = [dict(p["capacity"]) for p in parks]
    placed: set[int] = set()
    x = np.zeros(len(cols_e))
    for k in np.nonzero(relaxed > 1 - 1e-6)[0]:
        i, j = cols_e[k], cols_p[k]
        if i in placed or not _fits(enterprises[i]["demand"], room[j]):
            continue
        for r in RESOURCES:
            room[j][r] -= enterprises[i]["demand"][r]
        placed.add(i)
        x[k] = 1.0
    rest = [
        k
        for k, (i, j) in enumerate(zip(cols_e, cols_p, strict=True))
        if i not in placed and _fits(enterprises[i]["demand"], room[j])
    ]
    if rest and seconds > 0.05:
        rows_e = {i: n for n, i in enumerate(sorted({cols_e[k] for k in rest}))}
        parks_used = sorted({cols_p[k] for k in rest})
        rows_p = {j: len(rows_e) + n * len(RESOURCES) for n, j in enumerate(parks_used)}
        inf = highspy.kHighsInf
        upper = [1.0] * len(rows_e) + [room[j][r] for j in parks_used for r in RESOURCES]
        sub = highspy.Highs()
        sub.setOptionValue("output_flag", False)
        sub.setOptionValue("threads", 1)
        sub.setOptionValue("time_limit", float(seconds))
        lp = highspy.HighsLp()
        starts, index, value = [0], [], []
        for k in rest:
            i, j = cols_e[k], cols_p[k]
            index.append(rows_e[i])
            value.append(1.0)
            for n, r in enumerate(RESOURCES):
                if enterprises[i]["demand"][r] > 0:
                    index.append(rows_p[j] + n)
                    value.append(enterprises[i]["demand"][r])
            starts.append(len(index))
        lp.num_col_, lp.num_row_ = len(rest), len(upper)
        lp.col_cost_ = np.ones(len(rest))
        lp.col_lower_, lp.col_upper_ = np.zeros(len(rest)), np.ones(len(rest))
        lp.row_lower_, lp.row_upper_ = np.full(len(upper), -inf), np.array(upper, dtype=float)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
        lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
        lp.a_matrix_.value_ = np.array(value, dtype=float)
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = len(rest), len(upper)
        lp.sense_ = highspy.ObjSense.kMaximize
        lp.integrality_ = [highspy.HighsVarType.kInteger] * len(rest)
        sub.passModel(lp)
        sub.run()
        if sub.getInfo().primal_solution_status == 2:
            values = sub.getSolution().col_value
            for n, k in enumerate(rest):
                i, j = cols_e[k], cols_p[k]
                if values[n] > 0.5 and i not in placed and _fits(enterprises[i]["demand"], room[j]):
                    for r in RESOURCES:
                        room[j][r] -= enterprises[i]["demand"][r]
                    placed.add(i)
                    x[k] = 1.0
    for k, (i, j) in enumerate(zip(cols_e, cols_p, strict=True)):
        if i in placed or not _fits(enterprises[i]["demand"], room[j]):
            continue
        for r in RESOURCES:
            room[j][r] -= enterprises[i]["demand"][r]
        placed.add(i)
        x[k] = 1.0
    return x


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
