"""When will every enterprise be closed or relocated? A Monte Carlo
simulation that replays randomly drawn recent weeks until nothing is left.

Pure functions on plain numbers, so the simulation is testable on its own.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

PERCENTILES = (50, 85, 95)
MAX_WEEKS = 520  # ten years: beyond that the answer is "not at this pace"


def simulate(
    remaining: int, weekly_sample: list[int], start: dt.date, runs: int = 2000, seed: int = 20220630
) -> tuple[dict[int, dt.date | None], list[dt.date | None]]:
    """Each run draws one of the observed weekly completion counts per week
    (bootstrap) until `remaining` reaches zero. Returns the percentile dates
    and every run's finishing date (None: not within ten years at this pace)."""
    if remaining <= 0:
        return dict.fromkeys(PERCENTILES, start), [start]
    if not weekly_sample or max(weekly_sample) == 0:
        return dict.fromkeys(PERCENTILES, None), [None]
    rng = np.random.default_rng(seed)
    # All runs at once: cumulative completions per week, and the first week
    # in which each run reaches `remaining`.
    draws = rng.choice(np.asarray(weekly_sample, dtype=np.int64), size=(runs, MAX_WEEKS))
    reached = np.cumsum(draws, axis=1) >= remaining
    finished = reached.any(axis=1)
    weeks = np.where(finished, reached.argmax(axis=1) + 1, -1)
    finishes: list[int | None] = [int(w) if w > 0 else None for w in weeks]
    # Runs that never finish sort last (they are later than any date).
    ordered = sorted(finishes, key=lambda w: (w is None, w or 0))
    dates: dict[int, dt.date | None] = {}
    for p in PERCENTILES:
        w = ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]
        dates[p] = start + dt.timedelta(weeks=w) if w is not None else None
    all_dates = [start + dt.timedelta(weeks=w) if w is not None else None for w in finishes]
    return dates, all_dates


def on_time_share(all_dates: list[dt.date | None], deadline: dt.date) -> float:
    if not all_dates:
        return 0.0
    return sum(1 for d in all_dates if d is not None and d <= deadline) / len(all_dates)
