"""My work from stability: the alerts a unit must answer — incidents it leads
still waiting for the first report, opinion events it owns that are not closed
(both on their clock-hour limits), and risk assessments due for review within a
week. HQ editors get the programme's incidents and opinion events past their
limit. Found by core.my_work."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from relocation.core import my_work
from relocation.core.roles import Role, is_hq_editor, role_of
from relocation.organisation.selectors import programme_for
from relocation.stability.models import Incident, IncidentStatus, OpinionEvent, OpinionStatus, RiskAssessment

INCIDENT = gettext_lazy("维稳事件")
OPINION = gettext_lazy("舆情")
RISK = gettext_lazy("风险研判")
REVIEW_AHEAD = dt.timedelta(days=7)


def _scope(user: Any) -> tuple[Any, int | None, bool] | None:
    hq = is_hq_editor(user)
    if not hq and not (role_of(user) in {Role.UNIT_LEADER, Role.UNIT_LIAISON} and user.unit_id):
        return None
    programme = programme_for(user)
    if programme is None:
        return None
    return programme, None if hq else user.unit_id, hq


def unit_alerts(user: Any, today: dt.date, limit: int) -> list[my_work.WorkItem]:
    scope = _scope(user)
    if scope is None:
        return []
    programme, unit_id, hq = scope
    now = timezone.now()
    incidents = Incident.objects.filter(programme=programme, status=IncidentStatus.REPORTED)
    opinions = OpinionEvent.objects.filter(programme=programme).exclude(status=OpinionStatus.CLOSED)
    if hq:
        # HQ steps in where the unit's clock has run out.
        incidents = incidents.filter(report_due_at__lt=now)
        opinions = opinions.filter(response_due_at__lt=now)
    else:
        incidents = incidents.filter(lead_unit_id=unit_id)
        opinions = opinions.filter(owner_unit_id=unit_id)
    items = [
        my_work.WorkItem(
            kind=INCIDENT,
            title=row["title"],
            action_label=gettext_lazy("首报"),
            action_url=reverse("stability:incident", args=[row["id"]]),
            due=row["report_due_at"],
            detail=row["lead_unit__name"],
        )
        for row in incidents.order_by("report_due_at", "id").values("id", "title", "report_due_at", "lead_unit__name")[
            :limit
        ]
    ]
    items += [
        my_work.WorkItem(
            kind=OPINION,
            title=row["title"],
            action_label=gettext_lazy("处置"),
            action_url=reverse("stability:opinion", args=[row["id"]]),
            due=row["response_due_at"],
            detail=row["owner_unit__name"],
        )
        for row in opinions.order_by("response_due_at", "id").values(
            "id", "title", "response_due_at", "owner_unit__name"
        )[:limit]
    ]
    if not hq:
        risks = (
            RiskAssessment.objects.filter(
                enterprise__programme=programme, responsible_unit_id=unit_id, review_on__lte=today + REVIEW_AHEAD
            )
            .order_by("review_on", "id")
            .values("id", "review_on", "enterprise__name", "level")[:limit]
        )
        items += [
            my_work.WorkItem(
                kind=RISK,
                title=row["enterprise__name"],
                action_label=gettext_lazy("研判"),
                action_url=reverse("stability:risk", args=[row["id"]]),
                due=row["review_on"],
            )
            for row in risks
        ]
    return items


my_work.register("stability.alerts", unit_alerts)
