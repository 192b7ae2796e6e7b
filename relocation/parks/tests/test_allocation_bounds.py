"""The count stage's tightened upper bound (allocation.bounds), checked against
exact optima of small instances."""

from __future__ import annotations

import itertools
import math
import random
import time

import numpy as np
import pytest

from relocation.parks import allocation
from relocation.parks.allocation import bounds, geometry, milp
from relocation.parks.tests.test_allocation import ent, park


def _model(data):
    parks, enterprises = allocation.normalise(data)
    cols = [
        (i, j)
        for i, e in enumerate(enterprises)
        for j, p in enumerate(parks)
        if allocation.compatible(e, p) and geometry.fits_in(e["demand"], p["capacity"])
    ]
    return parks, enterprises, cols


def _solve(parks, enterprises, cols, integer):
    h = milp.new_highs(60, 0.0)
    h.passModel(
        milp.assignment_lp(cols, enterprises, [p["capacity"] for p in parks], np.ones(len(cols)), None, integer)
    )
    h.run()
    value = h.getInfo().objective_function_value
    return value, np.array(h.getSolution().col_value)


def _instance(seed, n_e=40, n_p=4):
    """Areas in whole hundreds of m² and parks' areas and stream capacities
    off that grid, as in the benchmark, tight enough that not all fit."""
    rng = random.Random(seed)
    parks = [
        park(
            f"p{j}",
            area=rng.randint(3000, 12000),
            industries=rng.choice([("electroplating",), ("dyeing",), ("electroplating", "dyeing")]),
            nickel=rng.choice([0, 40.5, 90.3]),
            general=round(rng.uniform(30, 200), 1),
            dyeing=round(rng.uniform(50, 300), 1),
        )
        for j in range(n_p)
    ]
    enterprises = []
    for i in range(n_e):
        industry = rng.choice(["electroplating", "dyeing"])
        if industry == "dyeing":
            water = {"dyeing": round(rng.uniform(5, 60), 2)}
        else:
            water = {"general": round(rng.uniform(5, 40), 2)}
            if rng.random() < 0.3:
                water["nickel"] = round(rng.uniform(5, 30), 2)
        enterprises.append(ent(f"e{i}", area=rng.randint(8, 60) * 100, industry=industry, **water))
    return {"parks": parks, "enterprises": enterprises}


def test_largest_subset_sum_is_never_below_the_true_one_and_exact_when_cheap():
    rng = random.Random(5)
    for _ in range(200):
        demands = [
            rng.choice([rng.randint(1, 30) * 100, round(rng.uniform(0.5, 20), 2)]) for _ in range(rng.randint(1, 8))
        ]
        capacity = round(rng.uniform(0, sum(demands)), 2)
        sums = {round(sum(c), 2) for n in range(len(demands) + 1) for c in itertools.combinations(demands, n)}
        exact = max(s for s in sums if s <= capacity + 1e-9)
        result = bounds.largest_subset_sum(capacity, demands)
        assert exact - 1e-9 <= result <= capacity
        if capacity * 100 <= bounds.SUBSET_SUM_BITS or all(d % 100 == 0 for d in demands):
            # Table small enough (or a gcd of 100 m² makes it so): exact.
            assert result == pytest.approx(exact, abs=1e-9)


def test_demands_off_the_grid_leave_the_capacity_unchanged():
    assert bounds.largest_subset_sum(250.0, [100.0, 100.0, 1 / 3]) == 250.0


def test_it_is_tighter_than_the_lp_where_demands_cannot_fill_the_capacity():
    """Two parks of 150 m², three enterprises of 100 m²: the LP places 3
    (half an enterprise per park's spare 50 m²), only 2 fit."""
    data = {
        "parks": [park("a", area=150, general=100), park("b", area=150, general=100)],
        "enterprises": [ent(f"e{i}", area=100, general=1) for i in range(3)],
    }
    parks, enterprises, cols = _model(data)
    lp, relaxed = _solve(parks, enterprises, cols, False)
    assert lp == pytest.approx(3.0)
    assert bounds.count_upper_bound(parks, enterprises, cols, relaxed, time.perf_counter() + 10) == 2.0
    stage = allocation.solve(data, time_limit=10)["stages"][0]
    assert (stage["lp_bound"], stage["bound"], stage["value"]) == (3, 2, 2)


@pytest.mark.parametrize("seed", range(25))
def test_it_never_cuts_below_the_true_optimum(seed):
    parks, enterprises, cols = _model(_instance(seed))
    optimum, _x = _solve(parks, enterprises, cols, True)
    lp, relaxed = _solve(parks, enterprises, cols, False)
    bound = bounds.count_upper_bound(parks, enterprises, cols, relaxed, time.perf_counter() + 10)
    assert round(optimum) <= bound <= math.floor(lp + 1e-6)
    # Started from nothing useful, column generation still ends at a valid bound.
    cold = bounds.count_upper_bound(parks, enterprises, cols, np.zeros(len(cols)), time.perf_counter() + 10)
    assert round(optimum) <= cold


def _with_preferences(data, seed):
    """The same instance with two preferred parks, a workforce and a site per enterprise."""
    rng = random.Random(seed)
    ids = [p["id"] for p in data["parks"]]
    for p in data["parks"]:
        p["lat"], p["lon"] = 22.6 + rng.random() * 0.5, 113.5 + rng.random() * 0.6
    for e in data["enterprises"]:
        e["preferred_parks"] = rng.sample(ids, 2)
        e["workers"] = rng.randint(12, 320)
        e["lat"], e["lon"] = 22.81 + rng.random() * 0.02, 113.67 + rng.random() * 0.04
    return data


@pytest.mark.parametrize("seed", range(15))
def test_the_preference_bound_is_never_below_the_second_stages_optimum(seed):
    parks, enterprises, cols = _model(_with_preferences(_instance(seed), seed))
    count, _x = _solve(parks, enterprises, cols, True)
    preferred = np.array([1.0 if parks[j]["id"] in enterprises[i]["preferred"] else 0.0 for i, j in cols])
    commute = np.array(
        [
            allocation.haversine_km(enterprises[i]["lat"], enterprises[i]["lon"], parks[j]["lat"], parks[j]["lon"])
            * enterprises[i]["workers"]
            for i, j in cols
        ]
    )
    weight = float(commute.max()) * len(enterprises) + 1.0
    h = milp.new_highs(60, 0.0)
    capacity = [p["capacity"] for p in parks]
    h.passModel(milp.assignment_lp(cols, enterprises, capacity, preferred * weight - commute, count, True))
    h.run()
    optimum = h.getInfo().objective_function_value
    bound = bounds.preference_upper_bound(
        parks, enterprises, cols, preferred, commute, weight, count, time.perf_counter() + 10
    )
    assert optimum <= bound + 1e-6 * abs(bound)
