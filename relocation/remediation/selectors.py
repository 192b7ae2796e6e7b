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
from relocation.organisation.selectors import programme_for
from relocation.remediation import permissions
from relocation.remediation.models import (
    Milestone,
    Obligation,
    ObligationStatus,
    RemediationTarget,
    SamplingResult,
    ScreeningValue,
    Site,
    Stage,
    TargetBasis,
)
from relocation.remediation.transitions import FINISHED_STAGES


def sites_for_user(user: Any) -> QuerySet[Site]:
    qs = Site.objects.select_related("enterprise", "territorial_unit")
    if permissions.sees_all_sites(user):
        # "All" is all of the programme the user works in, never another programme's sites.
        programme = programme_for(user)
        return qs.filter(programme=programme) if programme is not None else qs.none()
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


def default_target(site: Site, pollutant: ScreeningValue, land_use: str | None = None) -> Decimal:
    """The class's screening or intervention value, as the site's plan decided."""
    screening, intervention = pollutant.limits(land_use or site.land_use)
    return intervention if site.target_basis == TargetBasis.INTERVENTION else screening


def target_overrides(site: Site, land_use: str | None = None) -> dict[int, RemediationTarget]:
    """{pollutant id: target} set for the site and land use (one query)."""
    rows = RemediationTarget.objects.filter(site=site, land_use=land_use or site.land_use).select_related("set_by")
    return {t.pollutant_id: t for t in rows}


def latest_effect_results(site: Site) -> list[SamplingResult]:
    """The effect evaluation's results, the latest per point, depth and
    pollutant (a re-evaluation after more remediation supersedes the first)."""
    latest: dict[tuple, SamplingResult] = {}
    rows = site.results.filter(stage=Stage.EFFECT).select_related("pollutant").order_by("sampled_on", "id")
    for r in rows:
        latest[(r.point, r.depth_m, r.pollutant_id)] = r
    return sorted(latest.values(), key=lambda r: (r.point, r.depth_m, r.pollutant.order))


@dataclass
class TargetExceedance:
    result: SamplingResult
    target: Decimal

    def __str__(self) -> str:
        return f"{self.result.point} {self.result.pollutant.name} {self.result.concentration.normalize():f} > {self.target.normalize():f} mg/kg"


def effect_exceedances(site: Site, land_use: str | None = None) -> list[TargetExceedance]:
    """Effect-evaluation results above the site's remediation target for the
    land use (the site's own unless given)."""
    overrides = target_overrides(site, land_use)
    found = []
    for r in latest_effect_results(site):
        override = overrides.get(r.pollutant_id)
        target = override.value if override else default_target(site, r.pollutant, land_use)
        if r.concentration > target:
            found.append(TargetExceedance(r, target))
    return found


@dataclass
class TargetRow:
    """One pollutant on the targets page: the standard's values, the default,
    the override (if any), what applies, and the worst effect result."""

    pollutant: ScreeningValue
    screening: Decimal
    intervention: Decimal
    default: Decimal
    override: RemediationTarget | None
    worst_effect: Decimal | None

    @property
    def target(self) -> Decimal:
        return self.override.value if self.override else self.default

    @property
    def exceeded(self) -> bool:
        return self.worst_effect is not None and self.worst_effect > self.target


def site_targets(site: Site) -> list[TargetRow]:
    """Every pollutant measured at the site or given a target, in the
    standard's order (three queries whatever the number of rows)."""
    overrides = target_overrides(site)
    measured = set(site.results.values_list("pollutant_id", flat=True).distinct())
    effect: dict[int, Decimal] = {}
    for r in latest_effect_results(site):
        effect[r.pollutant_id] = max(effect.get(r.pollutant_id, r.concentration), r.concentration)
    rows = []
    for p in ScreeningValue.objects.filter(pk__in=measured | set(overrides)).order_by("order", "code"):
        screening, intervention = p.limits(site.land_use)
        rows.append(
            TargetRow(p, screening, intervention, default_target(site, p), overrides.get(p.pk), effect.get(p.pk))
        )
    return rows


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
        .annotate(total=Count("id"), closed=Count("id", filter=Q(stage__in=FINISHED_STAGES)))
        .order_by("territorial_unit__name")
    )
    return {
        "stages": stages,
        "total": sum(per_stage.values()),
        "late_obligations": late_obligations,
        "late_milestones": late_milestones,
        "by_town": by_town,
    }
