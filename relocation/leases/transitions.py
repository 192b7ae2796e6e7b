"""Allowed moves of a lease's status: one way, one step at a time."""

from __future__ import annotations

from relocation.leases.models import LeaseStatus as S

LEASE: dict[str, set[str]] = {
    S.ACTIVE: {S.NOTICE_ISSUED},
    S.NOTICE_ISSUED: {S.DEPOSIT_REFUNDED},
    S.DEPOSIT_REFUNDED: {S.CLEARED},
    S.CLEARED: {S.CLOSED},
    S.CLOSED: set(),
}
# Leases whose premises the tenant has not yet handed back: they hold the
# tenant's closure verification (the closure guard) and count as open.
NOT_CLEARED: frozenset[str] = frozenset({S.ACTIVE, S.NOTICE_ISSUED, S.DEPOSIT_REFUNDED})
