"""Allowed moves of an alert's status."""

from __future__ import annotations

from relocation.monitoring.models import AlertStatus

ALERT_TRANSITIONS: dict[str, frozenset[str]] = {
    AlertStatus.OPEN: frozenset({AlertStatus.ACKNOWLEDGED, AlertStatus.CLOSED}),
    AlertStatus.ACKNOWLEDGED: frozenset({AlertStatus.CLOSED}),
    AlertStatus.CLOSED: frozenset(),
}
