"""Compliance facts that an app provides to apps it may not import.

Parks and enforcement share floor 4 and neither imports the other. Parks'
incentive eligibility needs "how many violations of this enterprise are still
open", which only enforcement's own models know exactly; enforcement
registers the counter in its AppConfig.ready() and parks asks here, the way
guards.py lets higher apps block a closure. The dashboard asks the same
provider which enterprises have one (as a subquery, so its filter over ten
thousand enterprises stays one database query): one definition of "open"
for every app. The registry is filled at start-up, identically in every
process, so it holds no per-request state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.models import QuerySet

# enterprise ids → {enterprise id: number of open violations}; absent ids have none.
OpenViolationCounter = Callable[[Iterable[int]], dict[int, int]]
# () → a queryset of `enterprise_id` values: the enterprises with an open
# violation, by the same definition as the counter (used as a subquery).
OpenViolationEnterprises = Callable[[], QuerySet]

_open_violation_counter: list[OpenViolationCounter] = []
_open_violation_enterprises: list[OpenViolationEnterprises] = []


def register_open_violation_counter(fn: OpenViolationCounter) -> OpenViolationCounter:
    """Install the one provider (registering again replaces it)."""
    _open_violation_counter[:] = [fn]
    return fn


def unregister_open_violation_counter(fn: OpenViolationCounter) -> None:
    """Remove the provider (tests use this to clean up)."""
    if fn in _open_violation_counter:
        _open_violation_counter.remove(fn)


def open_violation_counts(enterprise_ids: Iterable[int]) -> dict[int, int] | None:
    """Open violations per enterprise, or None when no app provides the count
    (the caller must then say it cannot tell, not assume none)."""
    if not _open_violation_counter:
        return None
    ids = list(enterprise_ids)
    counts = _open_violation_counter[0](ids)
    return {pk: int(counts.get(pk, 0)) for pk in ids}


def register_open_violation_enterprises(fn: OpenViolationEnterprises) -> OpenViolationEnterprises:
    """Install the provider of the enterprise-id subquery (registering again replaces it)."""
    _open_violation_enterprises[:] = [fn]
    return fn


def open_violation_enterprise_ids() -> QuerySet | None:
    """A queryset of `enterprise_id` values of the enterprises with at least
    one open violation, for `pk__in=` filters; None when no app provides it."""
    if not _open_violation_enterprises:
        return None
    return _open_violation_enterprises[0]()
