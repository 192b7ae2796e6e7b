"""Upper bounds on the number of enterprises the allocation optimiser can place.

Pure functions on the optimiser's normalised data (see `allocation.inputs.normalise`),
numpy and highspy only, no Django.

The count stage's bound is the LP relaxation's value rounded down. This module
makes a tighter one without losing validity:

- Every subset of demands placed in a park sums to a multiple of their
  greatest common divisor, so a park's capacity of a resource can be rounded
  down to the largest multiple of that gcd — or, when cheap to compute, to the
  largest subset sum of the demands that can go there — without removing a
  single integral placement. The benchmark's floor areas are whole hundreds of
  m² while the parks' areas are not: this rounding lowers the LP by 0.4–0.5
  of an enterprise on its instances, one whole enterprise off the bound on
  three of six seeds.
- The LP of those tightened capacities is solved by column generation started
  from the columns the count stage's LP already uses, so it takes a few small
  LPs. Each iteration's duals give a Lagrangian bound (the enterprise rows'
  values plus the priced capacities), valid whether or not the column
  generation converges in time, so stopping early never overstates.

Evaluated and not adopted (the benchmark's seed 1): a Lagrangian relaxation of
the one-park-per-enterprise rows at the LP duals, every park's 6-dimensional
knapsack (profit 1 − λ_e) solved integrally by HiGHS to optimality, sums to
4,558.6905 — exactly this module's bound before rounding, for ~23 CPU seconds
instead of 0.1. With hundreds of small items per park the knapsacks' only
integrality gap is the capacity no subset of demands can fill, which is what
the rounding already removes; lifted cover cuts on the same rows cannot do
better than the knapsacks' convex hulls.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

# Demands and capacities are compared on this grid (0.01 t/d, 0.01 m²): every
# input the product produces is a decimal with at most two places.
RESOLUTION = 100
# A subset-sum table of at most this many bits per (park, resource) is cheap
# (Python integers as bitsets); beyond it only the gcd rounding is applied.
SUBSET_SUM_BITS = 1 << 16
EPS = 1e-6


def largest_subset_sum(capacity: float, demands: Sequence[float]) -> float:
    """The largest sum of a subset of `demands` (all > 0) that does not exceed
    `capacity`, or the capacity itself when that cannot be established cheaply
    (demands off the 0.01 grid, or too large a table): no set of placements
    can use more of the resource than this."""
    import numpy as np

    scaled = np.asarray(demands, dtype=float) * RESOLUTION
    units = np.rint(scaled)
    if capacity <= 0 or units.size == 0 or (units <= 0).any() or (np.abs(scaled - units) > 1e-6).any():
        return capacity
    g = int(np.gcd.reduce(units.astype(np.int64)))
    slots = math.floor(capacity * RESOLUTION + 1e-6) // g
    best = slots
    if slots <= SUBSET_SUM_BITS:
        # Bitset of reachable sums (in multiples of g), smallest demands first
        # and stopped as soon as the capacity itself is reachable (after a
        # few dozen demands when they are small against the capacity).
        mask = (1 << (slots + 1)) - 1
        reach = 1
        for u in np.sort(units.astype(np.int64) // g).tolist():
            if u > slots:
                break
            reach |= (reach << u) & mask
            if reach >> slots & 1:
                break
        best = reach.bit_length() - 1
    return float(Fraction(best * g, RESOLUTION))


def tightened_capacities(
    parks: Sequence[dict[str, Any]], enterprises: Sequence[dict[str, Any]], cols: Sequence[tuple[int, int]]
) -> Any:
    """Every park's capacity per resource (rows: parks, columns:
    `allocation.RESOURCES`) rounded down to the largest sum the demands of the
    enterprises that may go there can reach."""
    import numpy as np

    from relocation.parks.allocation.inputs import RESOURCES

    demand = np.array([[e["demand"][r] for r in RESOURCES] for e in enterprises], dtype=float)
    caps = np.array([[p["capacity"][r] for r in RESOURCES] for p in parks], dtype=float)
    pairs = np.array(cols, dtype=np.int64).reshape(-1, 2)
    for j in range(len(parks)):
        members = demand[pairs[pairs[:, 1] == j, 0]]
        for n in range(len(RESOURCES)):
            demands = members[:, n][members[:, n] > 0]
            if demands.sum() > caps[j, n] + EPS:
                caps[j, n] = min(caps[j, n], largest_subset_sum(caps[j, n], demands))
    return caps


def count_upper_bound(
    parks: Sequence[dict[str, Any]],
    enterprises: Sequence[dict[str, Any]],
    cols: Sequence[tuple[int, int]],
    start: Any,
    until: float,
) -> float:
    """A valid upper bound on the number of enterprises that can be placed
    (an integer, as a float): the LP relaxation on the tightened capacities,
    rounded down. `start` (a value per column, e.g. the count stage's LP
    solution) picks the first columns of the column generation; `until` is a
    `time.perf_counter()` deadline, after which the best Lagrangian bound so
    far is returned (inf if there was none)."""
    import highspy
    import numpy as np

    from relocation.parks.allocation.inputs import RESOURCES
    from relocation.parks.allocation.milp import new_highs, set_deadline

    n, n_e, n_r = len(cols), len(enterprises), len(RESOURCES)
    if n == 0:
        return 0.0
    caps = tightened_capacities(parks, enterprises, cols)
    e_of = np.array([i for i, _j in cols], dtype=np.int64)
    p_of = np.array([j for _i, j in cols], dtype=np.int64)
    demand_e = np.array([[e["demand"][r] for r in RESOURCES] for e in enterprises], dtype=float)
    demand = demand_e[e_of]
    slot = p_of[:, None] * n_r + np.arange(n_r)

    h = new_highs(max(until - time.perf_counter(), 0.05), 0.0)
    h.setOptionValue("simplex_strategy", 4)
    inf = highspy.kHighsInf
    upper = np.concatenate([np.ones(n_e), caps.ravel()])
    h.addRows(
        len(upper),
        np.full(len(upper), -inf),
        upper,
        0,
        np.array([], dtype=np.int32),
        np.array([], dtype=np.int32),
        np.array([]),
    )
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    in_model = np.zeros(n, dtype=bool)

    def add(ks: Any) -> None:
        # Column k: 1 in its enterprise's row, its demands in its park's rows.
        ks = np.asarray(ks, dtype=np.int64)
        rows = np.concatenate([e_of[ks, None], n_e + slot[ks]], axis=1)
        values = np.concatenate([np.ones((ks.size, 1)), demand[ks]], axis=1)
        keep = values > 0
        counts = keep.sum(axis=1)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int32)
        h.addCols(
            ks.size,
            np.ones(ks.size),
            np.zeros(ks.size),
            np.ones(ks.size),
            int(counts.sum()),
            starts,
            rows[keep].astype(np.int32),
            values[keep].astype(float),
        )
        in_model[ks] = True

    first = np.nonzero(np.asarray(start, dtype=float) > 1e-9)[0]
    add(first if first.size else np.arange(min(n, n_e)))
    best = math.inf
    while True:
        set_deadline(h, until)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            break
        y = np.maximum(np.array(h.getSolution().row_dual)[n_e:], 0.0)
        # Lagrangian bound: capacities priced at y, each enterprise in its best
        # park at those prices (or nowhere) — valid for any y ≥ 0.
        priced = 1.0 - (demand * y[slot]).sum(axis=1)
        best_of = np.zeros(n_e)
        np.maximum.at(best_of, e_of, priced)
        best = min(best, float(caps.ravel() @ y + best_of.sum()))
        lam = np.array(h.getSolution().row_dual)[:n_e]
        reduced = priced - np.maximum(lam, 0.0)[e_of]
        reduced[in_model] = -inf
        entering = np.nonzero(reduced > 1e-9)[0]
        value = float(h.getInfo().objective_function_value)
        # The restricted LP's value is a lower bound on the full LP's: once it
        # rounds down to the same integer as the upper bound, no further
        # column can lower the rounded bound.
        if entering.size == 0 or math.floor(value + 1e-6) >= math.floor(best + 1e-6):
            break
        if time.perf_counter() >= until:
            break
        if entering.size > n_e // 2:
            entering = entering[np.argsort(-reduced[entering])[: n_e // 2]]
        add(entering)
    return float(math.floor(best + 1e-6)) if math.isfinite(best) else math.inf


def preference_upper_bound(
    parks: Sequence[dict[str, Any]],
    enterprises: Sequence[dict[str, Any]],
    cols: Sequence[tuple[int, int]],
    preferred: Any,
    commute: Any,
    weight: float,
    min_count: float,
    until: float,
) -> float:
    """A valid upper bound on the second stage's objective, weight ×
    (placements in a preferred park) − commuting, with at least `min_count`
    enterprises placed. The two terms are bounded apart: no plan puts more
    enterprises in their preferred parks than `count_upper_bound` on the
    preferred pairs alone, and no `min_count` placements commute less than
    the `min_count` smallest of each enterprise's nearest compatible park.
    Column generation over the preferred pairs only (two or three per
    enterprise) is a small LP, so this bound is cheap where the weighted LP
    over every pair does not converge in time."""
    import numpy as np

    preferred = np.asarray(preferred, dtype=float)
    commute = np.asarray(commute, dtype=float)
    chosen = np.nonzero(preferred > 0)[0]
    most_preferred = 0.0
    if chosen.size:
        most_preferred = count_upper_bound(parks, enterprises, [cols[k] for k in chosen], np.ones(chosen.size), until)
        if not math.isfinite(most_preferred):
            return math.inf
    nearest = np.full(len(enterprises), np.inf)
    np.minimum.at(nearest, np.array([i for i, _j in cols], dtype=np.int64), commute)
    nearest = np.sort(nearest[np.isfinite(nearest)])
    least_commute = float(nearest[: max(int(math.ceil(min_count - 1e-9)), 0)].sum())
    return weight * most_preferred - least_commute
