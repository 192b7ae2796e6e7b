"""The stability layer of the battle map: the risk register (medium and high
risks), open incidents and open opinion events at their enterprise, read
through this app's scoped selectors (core.map_layers says what a layer returns)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import map_layers
from relocation.stability import selectors
from relocation.stability.models import IncidentStatus, OpinionStatus, RiskLevel

OPEN_INCIDENT = (IncidentStatus.REPORTED, IncidentStatus.RESPONDING)
LOCATED = ("enterprise__name", "enterprise__latitude", "enterprise__longitude")


def layer(user: Any, programme: Any) -> dict[str, Any] | None:
    if not selectors.can_read(user):
        return None
    levels = dict(RiskLevel.choices)
    risks = list(
        selectors.risks_for_user(user)
        .filter(level__in=[RiskLevel.HIGH, RiskLevel.MEDIUM])
        .values("id", "level", *LOCATED)
    )
    incidents = list(
        selectors.incidents_for_user(user).filter(status__in=OPEN_INCIDENT).values("id", "title", "severity", *LOCATED)
    )
    opinions = list(
        selectors.opinions_for_user(user)
        .exclude(status=OpinionStatus.CLOSED)
        .values("id", "title", "overdue", *LOCATED)
    )
    items = [
        map_layers.point(
            r,
            name=r["enterprise__name"],
            text=_("稳定风险：%(level)s") % {"level": levels.get(r["level"], r["level"])},
            level="high" if r["level"] == RiskLevel.HIGH else "medium",
            url=reverse("stability:risk", args=[r["id"]]),
        )
        for r in risks
    ]
    items += [
        map_layers.point(
            i,
            name=i["enterprise__name"] or i["title"],
            text=_("未办结事件：%(title)s") % {"title": i["title"]},
            level="high",
            url=reverse("stability:incident", args=[i["id"]]),
        )
        for i in incidents
    ]
    items += [
        map_layers.point(
            o,
            name=o["enterprise__name"] or o["title"],
            text=_("舆情：%(title)s") % {"title": o["title"]},
            level="high" if o["overdue"] else "medium",
            url=reverse("stability:opinion", args=[o["id"]]),
        )
        for o in opinions
    ]
    month_start = timezone.localdate().replace(day=1)
    high = sum(1 for r in risks if r["level"] == RiskLevel.HIGH)
    return {
        "items": items,
        "figures": [
            {"label": _("高风险企业"), "value": high, "alarm": bool(high)},
            {"label": _("中风险企业"), "value": len(risks) - high},
            {"label": _("未办结事件"), "value": len(incidents), "alarm": bool(incidents)},
            {
                "label": _("本月事件"),
                "value": selectors.incidents_for_user(user).filter(occurred_at__date__gte=month_start).count(),
            },
            {"label": _("未办结舆情"), "value": len(opinions)},
            {"label": _("舆情逾期未回应"), "value": sum(1 for o in opinions if o["overdue"])},
        ],
    }
