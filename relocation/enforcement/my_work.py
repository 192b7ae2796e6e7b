"""My work from enforcement: the re-inspections (回头看) and joint operations
due for the teams the user works in, and the decisions waiting for the user's
approval (four eyes: never one the user drafted). Found by core.my_work."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relocation.core import my_work
from relocation.core.roles import Role, is_hq_editor, is_staff_member, role_of
from relocation.enforcement.models import (
    Inspection,
    InspectionStatus,
    JointOperation,
    Measure,
    MeasureKind,
    MeasureStatus,
    OperationStatus,
)
from relocation.organisation.selectors import programme_for

REINSPECTION = gettext_lazy("复查")
OPERATION = gettext_lazy("联合执法")
APPROVAL = gettext_lazy("待审批")


def _programme(user: Any):
    return programme_for(user) if is_staff_member(user) else None


def inspections_due(user: Any, today: dt.date, limit: int) -> list[my_work.WorkItem]:
    """Scheduled re-inspections and planned operations of the user's own teams."""
    programme = _programme(user)
    if programme is None:
        return []
    follow_ups = (
        Inspection.objects.filter(
            programme=programme, team__members=user, status=InspectionStatus.SCHEDULED, team__is_active=True
        )
        .order_by("scheduled_on", "id")
        .values("id", "scheduled_on", "enterprise__name", "team__name")[:limit]
    )
    items = [
        my_work.WorkItem(
            kind=REINSPECTION,
            title=row["enterprise__name"],
            action_label=gettext_lazy("复查"),
            action_url=reverse("enforcement:follow_up", args=[row["id"]]),
            due=row["scheduled_on"],
            detail=row["team__name"],
        )
        for row in follow_ups
    ]
    operations = (
        JointOperation.objects.filter(programme=programme, teams__members=user, status=OperationStatus.PLANNED)
        .distinct()
        .order_by("planned_on", "id")
        .values("id", "name", "planned_on")[:limit]
    )
    items += [
        my_work.WorkItem(
            kind=OPERATION,
            title=row["name"],
            action_label=gettext_lazy("查看行动"),
            action_url=reverse("enforcement:operation_detail", args=[row["id"]]),
            due=row["planned_on"],
        )
        for row in operations
    ]
    return items


def approvals_waiting(user: Any, today: dt.date, limit: int) -> list[my_work.WorkItem]:
    """Decisions pending approval that this user may approve: HQ editors all of the
    programme's, a unit leader those of the teams its unit leads, a member its teams'."""
    programme = _programme(user)
    if programme is None:
        return []
    may = Q(team__members=user)
    if is_hq_editor(user):
        may = Q()
    elif role_of(user) == Role.UNIT_LEADER and user.unit_id:
        may |= Q(team__lead_unit_id=user.unit_id)
    rows = (
        Measure.objects.filter(may, programme=programme, status=MeasureStatus.PENDING_APPROVAL)
        .exclude(created_by=user)
        .distinct()
        .order_by("created_at", "id")
        .values("id", "kind", "enterprise__name", "team__name", "deadline", "created_at")[:limit]
    )
    kinds = dict(MeasureKind.choices)
    return [
        my_work.WorkItem(
            kind=APPROVAL,
            title=_("%(kind)s：%(enterprise)s")
            % {"kind": kinds.get(r["kind"], r["kind"]), "enterprise": r["enterprise__name"]},
            action_label=gettext_lazy("审批"),
            action_url=reverse("enforcement:measure_detail", args=[r["id"]]),
            # A decision waits since it was drafted: the oldest draft is the most pressing.
            due=r["created_at"],
            detail=r["team__name"],
        )
        for r in rows
    ]


my_work.register("enforcement.inspections", inspections_due)
my_work.register("enforcement.approvals", approvals_waiting)
