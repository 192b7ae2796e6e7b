"""The workers app's section on the enterprise page (core.sections): roster
size, placement rate and open wage-arrears / deposit cases. Two queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import HttpRequest

from relocation.workers import selectors
from relocation.workers.models import UNRESOLVED, LabourCase, Worker, WorkerStatus


def section_context(request: HttpRequest, enterprise: Any) -> dict[str, Any] | None:
    user = getattr(request, "user", None)
    if not selectors.enterprises_in_scope(user).filter(pk=enterprise.pk).exists():
        return None
    by_status = dict(
        Worker.objects.filter(enterprise=enterprise).values("status").annotate(n=Count("id")).values_list("status", "n")
    )
    cases = list(
        LabourCase.objects.filter(enterprise=enterprise, status__in=UNRESOLVED).order_by("-reported_on", "-id")
    )
    roster = sum(by_status.values())
    if not roster and not cases:
        return None
    placed = by_status.get(WorkerStatus.PLACED, 0)
    population = placed + by_status.get(WorkerStatus.EMPLOYED, 0)
    return {
        "enterprise": enterprise,
        "roster": roster,
        "placed": placed,
        "population": population,
        "rate": selectors.placement_rate(placed, population),
        "open_cases": cases,
    }
