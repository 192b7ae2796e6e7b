"""The optimiser on plain data (no database)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relocation.parks import allocation
from relocation.parks.allocation import geometry, milp
from relocation.parks.streams import STREAMS, split_wastewater


def park(pid, *, area=10000, industries=("electroplating",), lat=23.0, lon=113.6, name=None, **caps):
    return {
        "id": pid,
        "name": name or pid,
        "industries": list(industries),
        "floor_area_m2": area,
        "capacity_t_per_day": {s: caps.get(s, 0) for s in STREAMS},
        "lat": lat,
        "lon": lon,
    }


def ent(eid, *, area=1000, industry="electroplating", preferred=(), workers=50, lat=22.82, lon=113.69, **water):
    return {
        "id": eid,
        "industry": industry,
        "floor_area_m2": area,
        "wastewater_t_per_day": water,
        "preferred_parks": list(preferred),
        "workers": workers,
        "lat": lat,
        "lon": lon,
    }


def test_it_places_more_than_first_fit_when_order_matters():
    """First-fit puts the big enterprise in the only park and strands two small
    ones; the optimiser places the two."""
    data = {
        "parks": [park("P", area=2000, general=100)],
        "enterprises": [ent("big", area=2000, general=10), ent("s1", general=5), ent("s2", general=5)],
    }
    assert allocation.greedy(data)["objective"]["placed"] == 1
    result = allocation.solve(data, time_limit=10)
    assert result["status"] == "optimal"
    assert {a["enterprise"] for a in result["assignments"]} == {"s1", "s2"}


def test_it_respects_industry_and_process_compatibility():
    data = {
        "parks": [park("plating", general=100, nickel=100), park("dye", industries=("dyeing",), dyeing=500)],
        "enterprises": [ent("cn", cyanide=5), ent("d", industry="dyeing", dyeing=50), ent("n", nickel=10)],
    }
    result = allocation.solve(data, time_limit=10)
    placed = {a["enterprise"]: a["park"] for a in result["assignments"]}
    assert placed == {"d": "dye", "n": "plating"}
    reason = {u["enterprise"]: u["reason"] for u in result["unplaced"]}["cn"]
    assert "没有氰废水处理设施" in reason


def test_it_explains_which_capacity_binds_and_how_much_more_is_needed():
    data = {
        "parks": [park("mc", name="麻涌园区", nickel=42, general=100)],
        "enterprises": [ent("a", nickel=30), ent("b", nickel=30)],
    }
    result = allocation.solve(data, time_limit=10)
    assert result["objective"]["placed"] == 1
    (unplaced,) = result["unplaced"]
    assert unplaced["reason"] == "麻涌园区 镍废水处理能力剩余 12 t/d，需 30 t/d；再增加 18 t/d 即可安置"
    assert unplaced["binding"] == [{"resource": "nickel", "remaining": 12.0, "needed": 30.0, "extra": 18.0}]


def test_it_prefers_preferred_parks_then_shorter_commutes():
    near, far = (22.83, 113.69), (23.2, 114.0)
    data = {
        "parks": [
            park("far", lat=far[0], lon=far[1], general=100),
            park("near", lat=near[0], lon=near[1], general=100),
        ],
        "enterprises": [ent("wants_far", preferred=["far"], general=5), ent("any", general=5)],
    }
    placed = {a["enterprise"]: a["park"] for a in allocation.solve(data, time_limit=10)["assignments"]}
    assert placed == {"wants_far": "far", "any": "near"}


def test_it_refuses_bad_input_naming_the_item():
    with pytest.raises(allocation.AllocationInputError, match="企业 x 的 floor_area_m2"):
        allocation.solve({"parks": [park("p", general=1)], "enterprises": [ent("x", area=-5)]})
    with pytest.raises(allocation.AllocationInputError, match="未知废水类别"):
        allocation.normalise({"parks": [], "enterprises": [ent("x", acid=5)]})


def test_it_splits_wastewater_by_process():
    parts = split_wastewater("electroplating", ["nickel", "zinc", "copper"], 41)
    assert parts["nickel"] + parts["general"] == 41 and parts["nickel"] == 20.5
    assert split_wastewater("dyeing", ["printing"], 80)["dyeing"] == 80
    assert split_wastewater("electroplating", [], 10)["general"] == 10


instances = st.integers(min_value=1, max_value=4).flatmap(
    lambda n_parks: st.fixed_dictionaries(
        {
            "parks": st.lists(
                st.builds(
                    lambda area, n, g, d, inds: park("?", area=area, nickel=n, general=g, dyeing=d, industries=inds),
                    st.integers(0, 6000),
                    st.sampled_from([0, 20, 50]),
                    st.integers(0, 120),
                    st.sampled_from([0, 80]),
                    st.sampled_from([("electroplating",), ("dyeing",), ("electroplating", "dyeing")]),
                ),
                min_size=n_parks,
                max_size=n_parks,
            ),
            "enterprises": st.lists(
                st.builds(
                    lambda area, ind, n, g, pref: ent(
                        "?",
                        area=area,
                        industry=ind,
                        preferred=[f"p{pref}"],
                        **({"dyeing": g} if ind == "dyeing" else {"nickel": n, "general": g}),
                    ),
                    st.integers(100, 3000),
                    st.sampled_from(["electroplating", "dyeing"]),
                    st.sampled_from([0, 10, 25]),
                    st.integers(1, 40),
                    st.integers(0, 3),
                ),
                max_size=10,
            ),
        }
    )
)


@settings(max_examples=40, deadline=None)
@given(instances)
def test_it_never_places_fewer_than_greedy_nor_exceeds_a_capacity(data):
    for j, p in enumerate(data["parks"]):
        p["id"] = f"p{j}"
    for i, e in enumerate(data["enterprises"]):
        e["id"] = f"e{i}"
    result = allocation.solve(data, time_limit=10)
    assert result["objective"]["placed"] >= allocation.greedy(data)["objective"]["placed"]
    parks = {p["id"]: p for p in data["parks"]}
    ents = {e["id"]: e for e in data["enterprises"]}
    load = {pid: {r: 0.0 for r in allocation.RESOURCES} for pid in parks}
    for a in result["assignments"]:
        e, p = ents[a["enterprise"]], parks[a["park"]]
        assert e["industry"] in p["industries"]
        load[a["park"]]["floor_area_m2"] += e["floor_area_m2"]
        for s, v in e["wastewater_t_per_day"].items():
            assert v == 0 or p["capacity_t_per_day"][s] > 0
            load[a["park"]][s] += v
    for pid, used in load.items():
        assert used["floor_area_m2"] <= parks[pid]["floor_area_m2"] + 1e-6
        for s in STREAMS:
            assert used[s] <= parks[pid]["capacity_t_per_day"][s] + 1e-6
    assert len(result["assignments"]) + len(result["unplaced"]) == len(data["enterprises"])


def _random_instance(n_e, n_p, seed=7):
    import random

    rng = random.Random(seed)
    parks = [
        park(
            f"p{j}",
            area=rng.randint(5, 20) * 1000,
            industries=rng.choice([("electroplating",), ("dyeing",), ("electroplating", "dyeing")]),
            lat=22.6 + rng.random() * 0.5,
            lon=113.5 + rng.random() * 0.6,
            nickel=rng.choice([0, 80, 150]),
            general=rng.randint(50, 400),
            dyeing=rng.randint(100, 500),
        )
        for j in range(n_p)
    ]
    enterprises = []
    for i in range(n_e):
        industry = rng.choice(["electroplating", "dyeing"])
        water = {"dyeing": rng.randint(5, 60)} if industry == "dyeing" else {"general": rng.randint(5, 40)}
        if industry == "electroplating" and rng.random() < 0.3:
            water["nickel"] = rng.randint(5, 30)
        enterprises.append(
            ent(
                f"e{i}", area=rng.randint(5, 40) * 100, industry=industry, preferred=[f"p{rng.randrange(n_p)}"], **water
            )
        )
    return {"parks": parks, "enterprises": enterprises}


def test_column_generation_reaches_the_full_lp_bound():
    import time

    import numpy as np

    parks, enterprises = allocation.normalise(_random_instance(300, 6))
    cols = [
        (i, j)
        for i, e in enumerate(enterprises)
        for j, p in enumerate(parks)
        if allocation.compatible(e, p) and geometry.fits_in(e["demand"], p["capacity"])
    ]
    cost = np.ones(len(cols))
    h = milp.new_highs(30, 0.0)
    h.passModel(milp.assignment_lp(cols, enterprises, [p["capacity"] for p in parks], cost, None, False))
    h.run()
    full = h.getInfo().objective_function_value
    x, bound, prices = milp.column_generation_lp(
        cols, enterprises, parks, cost, None, np.zeros(len(cols)), time.perf_counter() + 30
    )
    assert x is not None and bound == pytest.approx(full, abs=1e-6)
    # The prices are the LP's capacity duals: priced capacity plus each
    # enterprise's best priced margin gives back the LP value (strong duality).
    assert prices.shape == (len(parks), len(allocation.RESOURCES)) and (prices >= 0).all()
    capacity = np.array([[p["capacity"][r] for r in allocation.RESOURCES] for p in parks])
    demand = np.array([[e["demand"][r] for r in allocation.RESOURCES] for e in enterprises])
    margin = np.zeros(len(enterprises))
    for i, j in cols:
        margin[i] = max(margin[i], 1.0 - demand[i] @ prices[j])
    assert float((capacity * prices).sum() + margin.sum()) == pytest.approx(full, abs=1e-5)


def test_repacking_never_places_fewer_and_stays_feasible():
    import time

    import numpy as np

    parks, enterprises = allocation.normalise(_random_instance(400, 8, seed=5))
    cols = [
        (i, j)
        for i, e in enumerate(enterprises)
        for j, p in enumerate(parks)
        if allocation.compatible(e, p) and geometry.fits_in(e["demand"], p["capacity"])
    ]
    x, bound, prices = milp.column_generation_lp(
        cols, enterprises, parks, np.ones(len(cols)), None, np.zeros(len(cols)), time.perf_counter() + 30
    )
    start = milp.lp_dive(x, cols, parks, enterprises, time.perf_counter() + 30)
    repacked = milp.repack(start, cols, parks, enterprises, prices, math.floor(bound + 1e-6), time.perf_counter() + 5)
    assert start.sum() <= repacked.sum() <= math.floor(bound + 1e-6)
    placed = [cols[k] for k in np.nonzero(repacked > 0.5)[0]]
    assert len({i for i, _j in placed}) == len(placed)
    for j, p in enumerate(parks):
        for r in allocation.RESOURCES:
            assert sum(enterprises[i]["demand"][r] for i, jj in placed if jj == j) <= p["capacity"][r] + 1e-6


def test_the_large_model_path_keeps_every_guarantee(monkeypatch):
    """Column generation + large-neighbourhood search (used above FULL_MIP_LIMIT pairs)."""
    monkeypatch.setattr(allocation.solver, "FULL_MIP_LIMIT", 0)
    data = _random_instance(200, 5, seed=3)
    result = allocation.solve(data, time_limit=8)
    assert result["objective"]["placed"] >= allocation.greedy(data)["objective"]["placed"]
    stage = result["stages"][0]
    assert stage["bound"] is not None and stage["bound"] >= stage["value"]
    parks = {p["id"]: p for p in data["parks"]}
    used = {pid: 0 for pid in parks}
    for a in result["assignments"]:
        used[a["park"]] += next(e for e in data["enterprises"] if e["id"] == a["enterprise"])["floor_area_m2"]
    assert all(used[pid] <= parks[pid]["floor_area_m2"] for pid in parks)


def test_the_dive_and_the_warm_started_residual_mip_round_the_lp_feasibly():
    """The count stage's rounding on large models: dive, then the MIP on what
    the LP leaves fractional, warm-started from the dive and stopped at a target."""
    import math
    import time

    import numpy as np

    parks, enterprises = allocation.normalise(_random_instance(300, 6, seed=11))
    cols = [
        (i, j)
        for i, e in enumerate(enterprises)
        for j, p in enumerate(parks)
        if allocation.compatible(e, p) and geometry.fits_in(e["demand"], p["capacity"])
    ]
    cost = np.ones(len(cols))
    h = milp.new_highs(30, 0.0)
    h.passModel(milp.assignment_lp(cols, enterprises, [p["capacity"] for p in parks], cost, None, False))
    h.run()
    relaxed = np.array(h.getSolution().col_value)
    bound = math.floor(h.getInfo().objective_function_value + 1e-6)

    def assert_feasible(x):
        chosen = [cols[k] for k in np.nonzero(x > 0.5)[0]]
        assert len({i for i, _j in chosen}) == len(chosen)
        for j, p in enumerate(parks):
            for r in allocation.RESOURCES:
                used = sum(enterprises[i]["demand"][r] for i, jj in chosen if jj == j)
                assert used <= p["capacity"][r] + 1e-6

    dive = milp.lp_dive(relaxed, cols, parks, enterprises, time.perf_counter() + 30)
    assert_feasible(dive)
    assert dive.sum() <= bound
    rounded = milp.fix_and_resolve(relaxed, cols, parks, enterprises, cost, None, 30, start=dive, target=bound)
    assert rounded is not None
    assert_feasible(rounded)
    assert dive.sum() <= rounded.sum() <= bound
