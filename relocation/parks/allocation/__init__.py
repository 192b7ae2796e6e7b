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
parks at a time, guided by the LP's prices (`repack`); (c) on
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

The package: `inputs` (format, checks, shared constants), `geometry`
(distances, compatibility), `greedy` (the baseline), `milp` (the HiGHS building
blocks), `bounds` (upper bounds on the count and the preference), `solver`
(the two stages), `results` (output format and explanations). Callers use the
names exported here; the building blocks are public in their modules for the
tests and for `bounds`.
"""

from __future__ import annotations

from relocation.parks.allocation.geometry import compatible, haversine_km
from relocation.parks.allocation.greedy import greedy
from relocation.parks.allocation.inputs import RESOURCES, AllocationInputError, normalise
from relocation.parks.allocation.results import explain, output_format
from relocation.parks.allocation.solver import solve

__all__ = [
    "RESOURCES",
    "AllocationInputError",
    "compatible",
    "explain",
    "greedy",
    "haversine_km",
    "normalise",
    "output_format",
    "solve",
]
