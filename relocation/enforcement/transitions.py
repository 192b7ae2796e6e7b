"""Allowed moves of a measure's status (see models.MeasureStatus)."""

from __future__ import annotations

from relocation.enforcement.models import MeasureStatus as S

MEASURE_MOVES: dict[str, frozenset[str]] = {
    S.PENDING_APPROVAL: frozenset({S.IN_FORCE, S.REJECTED}),
    S.IN_FORCE: frozenset({S.CLOSED, S.ESCALATED, S.REVOKED}),
    S.ESCALATED: frozenset(),
    S.CLOSED: frozenset(),
    S.REJECTED: frozenset(),
    S.REVOKED: frozenset(),
}
