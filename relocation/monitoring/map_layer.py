"""Two layers of the battle map from monitoring: the detectors' alerts
(exceedances, data gaps, utilities still used after the stop) and the highly
toxic chemicals' alerts (book and store disagree). Every alert not closed
shows, whatever the enterprise's stage. Read through this app's scoped
selectors (core.map_layers says what a layer returns)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from relocation.core import map_layers
from relocation.monitoring import permissions, selectors
from relocation.monitoring.models import AlertKind, AlertStatus

DETECTORS = (AlertKind.EXCEEDANCE, AlertKind.DATA_GAP, AlertKind.STOPPED_CONSUMING)
TOXIC = (AlertKind.TOXIC_DISCREPANCY,)


def _alerts(user: Any, programme: Any, kinds: tuple[str, ...]) -> dict[str, Any] | None:
    if not permissions.can_read(user):
        return None
    rows = list(
        selectors.alerts_for_user(user)
        .filter(enterprise__programme=programme, kind__in=kinds)
        .exclude(status=AlertStatus.CLOSED)
        .order_by("-last_period", "-id")
        .values("id", "kind", "status", "title", "enterprise__name", "enterprise__latitude", "enterprise__longitude")
    )
    labels = dict(AlertKind.choices)
    by_kind = Counter(r["kind"] for r in rows)
    unhandled = sum(1 for r in rows if r["status"] == AlertStatus.OPEN)
    items = [
        map_layers.point(
            r,
            name=r["enterprise__name"],
            text=f"{labels.get(r['kind'], r['kind'])}：{r['title']}",
            level="high" if r["status"] == AlertStatus.OPEN else "medium",
            url=reverse("monitoring:alert", args=[r["id"]]),
        )
        for r in rows
    ]
    figures = [{"label": str(labels[k]), "value": by_kind.get(k, 0), "alarm": bool(by_kind.get(k))} for k in kinds]
    figures.append({"label": _("待处理（未确认）"), "value": unhandled})
    return {"items": items, "figures": figures}


def detectors_layer(user: Any, programme: Any) -> dict[str, Any] | None:
    return _alerts(user, programme, DETECTORS)


def toxic_layer(user: Any, programme: Any) -> dict[str, Any] | None:
    return _alerts(user, programme, TOXIC)
