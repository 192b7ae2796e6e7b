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
