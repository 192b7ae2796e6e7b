"""Closure guards: checks that higher apps add to "may this enterprise's
closure be verified?" without the enterprises app importing them.

An app on a higher floor (say, monitoring's toxic-chemical ledger) registers a
callable in its AppConfig.ready(); the lifecycle service asks
`closure_blockers(enterprise)` before it marks a closure verified. Each guard
returns a list of reasons (translated Chinese sentences); an empty list means
"nothing blocks". The registry is filled at start-up, identically in every
process, so it holds no per-request state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

ClosureGuard = Callable[[Any], Iterable[str]]

_closure_guards: list[ClosureGuard] = []


def register_closure_guard(fn: ClosureGuard) -> ClosureGuard:
    """Add a guard (idempotent: registering the same callable twice keeps one)."""
    if fn not in _closure_guards:
        _closure_guards.append(fn)
    return fn


def unregister_closure_guard(fn: ClosureGuard) -> None:
    """Remove a guard (tests use this to clean up)."""
    if fn in _closure_guards:
        _closure_guards.remove(fn)


def closure_blockers(enterprise: Any) -> list[str]:
    """Every reason any registered guard gives against verifying the closure."""
    reasons: list[str] = []
    for guard in _closure_guards:
        reasons.extend(str(r) for r in guard(enterprise) or ())
    return reasons


# -- evidence holds ------------------------------------------------------------
# An evidence hold is an open finding that contradicts what a closure step
# asserts: an open "still using water" alert against the water company's
# "water cut off", an open toxic-chemical alert against "materials cleared"
# or against the verification of the whole closure. Unlike a closure guard
# (stock still in the store, wages owed), a hold may be overridden by HQ with a
# reason, because a finding can be wrong (a meter read late); the override
# names the holds it waives, so a finding that appears later holds again.
# Steps: "verification" (closure verified) or a checklist item's code.
VERIFICATION = "verification"


@dataclass(frozen=True)
class EvidenceHold:
    key: str  # stable reference of the finding, e.g. "monitoring.alert:12"
    reason: str  # a translated sentence naming it


EvidenceHoldProvider = Callable[[Any, str], Iterable[EvidenceHold]]

_evidence_providers: list[EvidenceHoldProvider] = []


def register_evidence_hold(fn: EvidenceHoldProvider) -> EvidenceHoldProvider:
    """Add a provider of holds (idempotent)."""
    if fn not in _evidence_providers:
        _evidence_providers.append(fn)
    return fn


def unregister_evidence_hold(fn: EvidenceHoldProvider) -> None:
    if fn in _evidence_providers:
        _evidence_providers.remove(fn)


def evidence_holds(enterprise: Any, step: str) -> list[EvidenceHold]:
    """Every open finding any provider gives against `step` of the enterprise's closure."""
    holds: list[EvidenceHold] = []
    for provider in _evidence_providers:
        holds.extend(provider(enterprise, step) or ())
    return holds
