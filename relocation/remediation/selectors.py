"""Reads of the remediation app, scoped to the user's unit and role."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from relocation.core.roles import is_enterprise_contact, is_unit_member
from relocation.remediation import permissions
from relocation.remediation.models import (
    Milestone,
    Obligation,
    ObligationStatus,
    SamplingResult,
    ScreeningValue,
    Site,
    Stage,
)


def sites_for_user(user: Any) -> QuerySet[Site]:
    qs = Site.objects.select_related("enterprise", "territorial_unit")
    if permissions.sees_all_sites(user):
        return qs
    if is_unit_member(user):
        return qs.filter(territorial_unit_id=user.unit_id)
    if is_enterprise_contact(user):
        link = getattr(user, "enterprise_link", None)
        if link is None:
            return qs.none()
        # Its own plot, and any plot it is held liable for.
        return qs.filter(
            Q(enterprise_id=link.enterprise_id) | Q(liabilities__enterprise_id=link.enterprise_id)
        ).distinct()
    return qs.none()


def site_for_user(user: Any, pk: int) -> Site:
    return get_object_or_404(sites_for_user(user), pk=pk)


def filter_sites(qs: QuerySet[Site], params: dict[str, str]) -> QuerySet[Site]:
    if params.get("stage") in Stage.values:
        qs = qs.filter(stage=params["stage"])
    if params.get("town", "").isdigit():
        qs = qs.filter(territorial_unit_id=int(params["town"]))
    if params.get("q"):
        text = params["q"]
        qs = qs.filter(Q(name__icontains=text) | Q(code__icontains=text) | Q(enterprise__name__icontains=text))
    if params.get("overdue") == "1":
        today = timezone.localdate()
        late = Q(milestones__due_on__lt=today, milestones__percent__lt=100) | Q(
            liabilities__obligations__status=ObligationStatus.OPEN, liabilities__obligations__due_on__lt=today
        )
        qs = qs.filter(pk__in=Site.objects.filter(late).values("pk"))
    return qs


def site_list(user: Any, params: dict[str, str]) -> QuerySet[Site]:
    """The list page: each site with its exceedance count and milestone progress
    in the same query (annotations, not a query per row)."""
    today = timezone.localdate()
    return (
        filter_sites(sites_for_user(user), params)
        .annotate(
            result_count=Count("results", distinct=True),
            milestone_count=Count("milestones", distinct=True),
            late_milestones=Count(
                "milestones", filter=Q(milestones__due_on__lt=today, milestones__percent__lt=100), distinct=True
            ),
        )
        .order_by("code", "id")
    )


@dataclass
class Exceedance:
    """One result judged against its values for the site's land use."""

    result: SamplingResult
    screening: Decimal
    intervention: Decimal

    @property
    def over_screening(self) -> bool:
        return self.result.concentration > self.screening

    @property
    def over_intervention(self) -> bool:
        return self.result.concentration > self.intervention

    @property
    def ratio(self) -> Decimal:
        """Concentration as a multiple of the screening value (超标倍数 is ratio − 1)."""
        return (self.result.concentration / self.screening).quantize(Decimal("0.01"))


def judged_results(site: Site, results: Any = None) -> list[Exceedance]:
    """Every result of the site with its limits (one query)."""
    rows = (
        results
        if results is not None
        else site.results.select_related("pollutant").order_by("point", "depth_m", "pollutant__order")
    )
    judged = []
    for r in rows:
        screening, intervention = r.pollutant.limits(site.land_use)
        judged.append(Exceedance(r, screening, intervention))
    return judged


def exceedances_of(site: Site) -> list[Exceedance]:
    return [j for j in judged_results(site) if j.over_screening]


def screening_values() -> QuerySet[ScreeningValue]:
    return ScreeningValue.objects.all()


def obligations_for_user(user: Any) -> QuerySet[Obligation]:
    sites = sites_for_user(user).values("pk")
    return (
        Obligation.objects.filter(liability__site__in=sites)
        .select_related("liability__site__territorial_unit", "liability__enterprise")
        .annotate(paid=Sum("payments__amount"))
        .order_by("due_on", "id")
    )


def obligation_for_user(user: Any, pk: int) -> Obligation:
    return get_object_or_404(obligations_for_user(user), pk=pk)


def overdue_obligations(qs: QuerySet[Obligation], today: dt.date | None = None) -> QuerySet[Obligation]:
    return qs.filter(status=ObligationStatus.OPEN, due_on__lt=today or timezone.localdate())


def milestones_for_user(user: Any) -> QuerySet[Milestone]:
    return Milestone.objects.filter(site__in=sites_for_user(user).values("pk")).select_related("site")


def overdue_milestones(qs: QuerySet[Milestone], today: dt.date | None = None) -> QuerySet[Milestone]:
    return qs.filter(percent__lt=100, due_on__lt=today or timezone.localdate())


def site_percent_done(milestones: list[Milestone]) -> int:
    """The plan's progress: the mean of its milestones' percentages."""
    if not milestones:
        return 0
    return round(sum(m.percent for m in milestones) / len(milestones))


def site_detail(user: Any, pk: int) -> Site:
    """One site with what its page shows, prefetched."""
    qs = sites_for_user(user).prefetch_related(
        "polluters__enterprise",
        Prefetch("milestones", queryset=Milestone.objects.order_by("order", "id")),
    )
    return get_object_or_404(qs, pk=pk)


def liabilities_of(site: Site) -> list[Any]:
    """The site's liabilities, each with its obligations and the sums paid."""
    obligations = Obligation.objects.annotate(paid=Sum("payments__amount")).order_by("due_on", "id")
    return list(
        site.liabilities.select_related("enterprise").prefetch_related(Prefetch("obligations", queryset=obligations))
    )


def overview(user: Any) -> dict[str, Any]:
    """The programme overview: sites per stage, open and overdue obligations,
    overdue milestones; a fixed number of queries."""
    sites = sites_for_user(user)
    per_stage = dict(sites.order_by().values_list("stage").annotate(n=Count("id")))
    stages = [(value, label, per_stage.get(value, 0)) for value, label in Stage.choices]
    obligations = obligations_for_user(user)
    milestones = milestones_for_user(user)
    late_obligations = list(overdue_obligations(obligations).order_by("due_on")[:50])
    late_milestones = list(overdue_milestones(milestones).order_by("due_on")[:50])
    by_town = list(
        sites.order_by()
        .values("territorial_unit__name")
        .annotate(total=Count("id"), closed=Count("id", filter=Q(stage__in=[Stage.CLOSED, Stage.NOT_REQUIRED])))
        .order_by("territorial_unit__name")
    )
    return {
        "stages": stages,
        "total": sum(per_stage.values()),
        "late_obligations": late_obligations,
        "late_milestones": late_milestones,
        "by_town": by_town,
    }
