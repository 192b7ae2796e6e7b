"""What monitoring tells the stability risk register (core.risk_signals): an
enterprise with an open detector alert (still consuming after the stop, an
exceedance, a toxic-stock discrepancy) is one HQ must watch. A data gap says
nothing about the enterprise and raises no signal."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext as _

from relocation.core.risk_signals import HIGH, MEDIUM, RiskSignal
from relocation.monitoring.models import Alert, AlertKind, AlertStatus

# Highly toxic chemicals unaccounted for are a safety risk of the first order.
LEVELS = {
    AlertKind.STOPPED_CONSUMING: MEDIUM,
    AlertKind.EXCEEDANCE: MEDIUM,
    AlertKind.TOXIC_DISCREPANCY: HIGH,
}


def open_alert_signals(programme_id: int, enterprise_ids: list[int] | None) -> list[RiskSignal]:
    """One signal per enterprise and alert kind (one query)."""
    alerts = Alert.objects.filter(enterprise__programme_id=programme_id, kind__in=list(LEVELS)).exclude(
        status=AlertStatus.CLOSED
    )
    if enterprise_ids is not None:
        alerts = alerts.filter(enterprise_id__in=enterprise_ids)
    rows = alerts.order_by().values("enterprise_id", "kind").annotate(n=Count("id"))
    return [
        RiskSignal(
            enterprise_id=row["enterprise_id"],
            factor=f"alert_{row['kind']}",
            label=AlertKind(row["kind"]).label,
            level=LEVELS[row["kind"]],
            detail=_("%(n)d条未关闭的预警") % {"n": row["n"]},
            source="monitoring",
        )
        for row in rows
    ]
