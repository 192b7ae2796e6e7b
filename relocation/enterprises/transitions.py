"""The lifecycle's table of allowed moves (enterprise.status).

Main road: surveyed → intention_recorded → commitment_signed →
destination_confirmed → production_stopped → closure_verified → relocated
or closed. Side road: any state before production stops → holdout →
forced_closure → production_stopped → … A holdout that gives in goes back to
the main road. A confirmed destination may be confirmed again (a different park).
HQ may lift a forced closure (back to holdout), with a reason.
"""

from __future__ import annotations

from relocation.enterprises.lifecycle_facts import PRE_CLOSURE
from relocation.enterprises.models import LifecycleStatus as S

ALLOWED: dict[str, frozenset[str]] = {
    S.SURVEYED: frozenset({S.INTENTION_RECORDED, S.HOLDOUT}),
    S.INTENTION_RECORDED: frozenset({S.COMMITMENT_SIGNED, S.HOLDOUT}),
    S.COMMITMENT_SIGNED: frozenset({S.DESTINATION_CONFIRMED, S.HOLDOUT}),
    S.DESTINATION_CONFIRMED: frozenset({S.DESTINATION_CONFIRMED, S.PRODUCTION_STOPPED, S.HOLDOUT}),
    S.HOLDOUT: frozenset({S.FORCED_CLOSURE, S.INTENTION_RECORDED, S.COMMITMENT_SIGNED}),
    S.FORCED_CLOSURE: frozenset({S.PRODUCTION_STOPPED, S.HOLDOUT}),
    S.PRODUCTION_STOPPED: frozenset({S.CLOSURE_VERIFIED}),
    S.CLOSURE_VERIFIED: frozenset({S.RELOCATED, S.CLOSED}),
    S.RELOCATED: frozenset(),
    S.CLOSED: frozenset(),
}

# The sets of stages the figures use (closed, done, holdouts, …) are in
# lifecycle_facts.py; from PRE_CLOSURE an enterprise can become a holdout.
__all__ = ["ALLOWED", "HQ_ONLY_TARGETS", "MAIN_ROAD", "PRE_CLOSURE"]
# Moves that only HQ may make; the territorial unit may make the others.
HQ_ONLY_TARGETS = frozenset({S.CLOSURE_VERIFIED, S.RELOCATED, S.CLOSED, S.FORCED_CLOSURE})
# The main road in order (for "next step" hints and progress bars).
MAIN_ROAD = [
    S.SURVEYED,
    S.INTENTION_RECORDED,
    S.COMMITMENT_SIGNED,
    S.DESTINATION_CONFIRMED,
    S.PRODUCTION_STOPPED,
    S.CLOSURE_VERIFIED,
]
