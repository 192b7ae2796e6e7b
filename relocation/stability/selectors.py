"""Reads on stability work, scoped to the user.

HQ, the group leaders and auditors see everything; a member unit sees the
entries its unit leads or works on with others (co-unit); enterprise contacts
and everyone else see nothing. Lists prefetch what their pages show, so their
query count does not grow with the number of rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import BooleanField, Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Sum, Value, When
from django.http import Http404
from django.utils import timezone

from relocation.core import risk_signals
from relocation.core.roles import is_auditor, is_hq, is_unit_member
from relocation.organisation.selectors import programme_for
from relocation.stability.models import (
    EmergencyPlan,
    Incident,
    OpinionEvent,
    OpinionStatus,
    PlanVersion,
    PlanVersionStatus,
    RiskAssessment,
    RiskLevel,
)
from relocation.stability.permissions import can_read

__all__ = ["can_read"]


def _sees_all(user: Any) -> bool:
    return is_hq(user) or is_auditor(user)


def _unit_scope(user: Any, qs: QuerySet, *, owner: str, through: Any, through_fk: str) -> QuerySet:
    """Rows whose `owner` unit is the user's, or on which the user's unit is a
    co-unit (an EXISTS on the M2M table, so no DISTINCT and no duplicates)."""
    unit_id = getattr(user, "unit_id", None)
    if unit_id is None:
        return qs.none()
    co = through.objects.filter(**{through_fk: OuterRef("pk")}, unit_id=unit_id)
    return qs.filter(Q(**{f"{owner}_id": unit_id}) | Q(Exists(co)))


def _scoped(user: Any, qs: QuerySet, *, owner: str, through: Any, through_fk: str) -> QuerySet:
    if not can_read(user):
        return qs.none()
    if _sees_all(user):
        return qs
    if is_unit_member(user):
        return _unit_scope(user, qs, owner=owner, through=through, through_fk=through_fk)
    return qs.none()


def _risks(user: Any, qs: QuerySet[RiskAssessment]) -> QuerySet[RiskAssessment]:
    return _scoped(
        user, qs, owner="responsible_unit", through=RiskAssessment.co_units.through, through_fk="riskassessment_id"
    )


def _incidents(user: Any, qs: QuerySet[Incident]) -> QuerySet[Incident]:
    return _scoped(user, qs, owner="lead_unit", through=Incident.co_units.through, through_fk="incident_id")


def _opinions(user: Any, qs: QuerySet[OpinionEvent], now: dt.datetime) -> QuerySet[OpinionEvent]:
    """Scoped, with `overdue`: still open past the response deadline."""
    qs = _scoped(user, qs, owner="owner_unit", through=OpinionEvent.co_units.through, through_fk="opinionevent_id")
    return qs.annotate(
        overdue=Case(
            When(~Q(status=OpinionStatus.CLOSED) & Q(response_due_at__lt=now), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


# ----------------------------------------------------------------------------- risk register

LEVEL_RANK = Case(
    When(level=RiskLevel.HIGH, then=Value(3)),
    When(level=RiskLevel.MEDIUM, then=Value(2)),
    default=Value(1),
    output_field=IntegerField(),
)


def risks_for_user(user: Any) -> QuerySet[RiskAssessment]:
    programme = programme_for(user)
    qs = RiskAssessment.objects.filter(enterprise__programme=programme) if programme else RiskAssessment.objects.none()
    return (
        _risks(user, qs)
        .select_related("enterprise", "responsible_unit")
        .prefetch_related("co_units")
        .annotate(level_rank=LEVEL_RANK)
        .order_by("-level_rank", "review_on", "id")
    )


def risk_for_user(user: Any, pk: int) -> RiskAssessment:
    risk = risks_for_user(user).filter(pk=pk).first()
    if risk is None:
        raise Http404
    return risk


def with_signals(risks: list[RiskAssessment]) -> list[RiskAssessment]:
    """Give each entry `signals` (what other apps know: open labour cases,
    detector alerts; core.risk_signals) and `effective_level`, the higher of
    the assessed level and the signals' (one query per provider, whatever the
    number of entries). The register shows both; the assessor's level stays
    theirs to change, with a reason."""
    if not risks:
        return risks
    by_programme: dict[int, list[int]] = {}
    for risk in risks:
        by_programme.setdefault(risk.enterprise.programme_id, []).append(risk.enterprise_id)
    found: dict[int, list[risk_signals.RiskSignal]] = {}
    for programme_id, ids in by_programme.items():
        found.update(risk_signals.collect(programme_id, ids))
    for risk in risks:
        risk.signals = found.get(risk.enterprise_id, [])
        risk.effective_level = risk_signals.highest(risk.level, risk.signals)
        risk.effective_level_label = RiskLevel(risk.effective_level).label
    return risks


def unassessed_signals(user: Any) -> list[dict[str, Any]]:
    """Enterprises with risk signals that are not on the register yet, for HQ
    and auditors (the units see the entries they are named on): each with its
    signals and the level they call for, strongest first."""
    from relocation.enterprises.models import Enterprise

    programme = programme_for(user)
    if programme is None or not can_read(user) or not _sees_all(user):
        return []
    found = risk_signals.collect(programme.pk)
    assessed = set(RiskAssessment.objects.filter(enterprise_id__in=list(found)).values_list("enterprise_id", flat=True))
    ids = [pk for pk in found if pk not in assessed]
    names = dict(Enterprise.objects.filter(pk__in=ids, programme=programme).values_list("pk", "name"))
    rows = [
        {
            "enterprise_id": pk,
            "enterprise_name": names[pk],
            "level": risk_signals.highest(RiskLevel.LOW, found[pk]),
            "level_label": RiskLevel(risk_signals.highest(RiskLevel.LOW, found[pk])).label,
            "signals": found[pk],
        }
        for pk in ids
        if pk in names
    ]
    rows.sort(key=lambda r: (-risk_signals.RANK[r["level"]], r["enterprise_name"]))
    return rows


def high_risk_for_user(user: Any) -> QuerySet[RiskAssessment]:
    """HQ's list of high-risk enterprises (and a unit's own)."""
    return risks_for_user(user).filter(level=RiskLevel.HIGH)


# ----------------------------------------------------------------------------- incidents


def incidents_for_user(user: Any) -> QuerySet[Incident]:
    programme = programme_for(user)
    qs = Incident.objects.filter(programme=programme) if programme else Incident.objects.none()
    return (
        _incidents(user, qs)
        .select_related("enterprise", "lead_unit")
        .prefetch_related("co_units")
        .order_by("-occurred_at", "-id")
    )


def incident_for_user(user: Any, pk: int) -> Incident:
    incident = incidents_for_user(user).filter(pk=pk).first()
    if incident is None:
        raise Http404
    return incident


def incident_detail(incident: Incident) -> dict[str, Any]:
    return {
        "history": list(incident.status_changes.select_related("actor")),
        "actions": list(incident.actions.select_related("unit", "task")),
        "evidence": list(incident.evidence.select_related("file")),
    }


# ----------------------------------------------------------------------------- emergency plans


def plans_for_user(user: Any) -> QuerySet[EmergencyPlan]:
    programme = programme_for(user)
    if not can_read(user) or programme is None:
        return EmergencyPlan.objects.none()
    qs = EmergencyPlan.objects.filter(programme=programme)
    if not _sees_all(user):
        unit_id = getattr(user, "unit_id", None)
        if unit_id is None:
            return EmergencyPlan.objects.none()
        through = EmergencyPlan.responsible_units.through
        qs = qs.filter(Exists(through.objects.filter(emergencyplan_id=OuterRef("pk"), unit_id=unit_id)))
    return qs.prefetch_related("responsible_units").order_by("title", "id")


def plan_for_user(user: Any, pk: int) -> EmergencyPlan:
    plan = plans_for_user(user).filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


def current_versions(plans: list[EmergencyPlan]) -> dict[int, PlanVersion]:
    """The version in force of each plan: its latest approved version (one query)."""
    result: dict[int, PlanVersion] = {}
    rows = (
        PlanVersion.objects.filter(plan__in=plans, status=PlanVersionStatus.APPROVED)
        .select_related("file")
        .order_by("plan_id", "-number")
    )
    for version in rows:
        result.setdefault(version.plan_id, version)
    return result


def current_version(plan: EmergencyPlan) -> PlanVersion | None:
    return current_versions([plan]).get(plan.pk)


def plan_detail(plan: EmergencyPlan) -> dict[str, Any]:
    return {
        "versions": list(plan.versions.select_related("file", "uploaded_by")),
        "drills": list(plan.drills.select_related("plan_version")),
        "current": current_version(plan),
    }


# ----------------------------------------------------------------------------- public opinion


def opinions_for_user(user: Any, *, now: dt.datetime | None = None) -> QuerySet[OpinionEvent]:
    """Opinion events with `overdue`: still open past the response deadline."""
    programme = programme_for(user)
    qs = OpinionEvent.objects.filter(programme=programme) if programme else OpinionEvent.objects.none()
    return (
        _opinions(user, qs, now or timezone.now())
        .select_related("enterprise", "owner_unit")
        .prefetch_related("co_units")
        .order_by("-first_seen_at", "-id")
    )


def opinion_for_user(user: Any, pk: int) -> OpinionEvent:
    event = opinions_for_user(user).filter(pk=pk).first()
    if event is None:
        raise Http404
    return event


# ----------------------------------------------------------------------------- files and sections


def may_download_evidence(user: Any, stored: Any) -> bool:
    from relocation.stability.models import IncidentEvidence

    incidents = IncidentEvidence.objects.filter(file=stored).values("incident_id")
    return incidents_for_user(user).filter(pk__in=incidents).exists()


def may_download_plan(user: Any, stored: Any) -> bool:
    plans = PlanVersion.objects.filter(file=stored).values("plan_id")
    return plans_for_user(user).filter(pk__in=plans).exists()


def enterprise_summary(user: Any, enterprise_id: int) -> dict[str, Any]:
    """What the enterprise page shows: three queries, scoped like the lists."""
    return {
        "risk": _risks(user, RiskAssessment.objects.filter(enterprise_id=enterprise_id))
        .select_related("responsible_unit")
        .first(),
        "incidents": list(
            _incidents(user, Incident.objects.filter(enterprise_id=enterprise_id)).order_by("-occurred_at", "-id")[:10]
        ),
        "opinions": list(
            _opinions(user, OpinionEvent.objects.filter(enterprise_id=enterprise_id), timezone.now()).order_by(
                "-first_seen_at", "-id"
            )[:10]
        ),
    }


def bulletin_figures(programme: Any, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The monthly bulletin's stability figures for a programme (HQ compiles
    it, so not scoped to a user): the month's incidents by severity with their
    first reports on time or late, those still open, the month's opinion
    events, and the register by effective level (signals included). JSON-able."""
    from relocation.stability.models import IncidentStatus, Severity

    month = Incident.objects.filter(programme=programme, occurred_at__date__range=(start, end))
    by_severity = dict(month.order_by().values("severity").annotate(n=Count("id")).values_list("severity", "n"))
    reported = list(month.filter(first_report_at__isnull=False).values_list("first_report_at", "report_due_at"))
    late = sum(1 for at, due in reported if due is not None and at > due)
    risks = with_signals(
        list(RiskAssessment.objects.filter(enterprise__programme=programme).select_related("enterprise"))
    )
    levels = {value: 0 for value in RiskLevel.values}
    for risk in risks:
        levels[risk.effective_level] += 1
    signalled = risk_signals.collect(programme.pk)
    assessed = {r.enterprise_id for r in risks}
    return {
        "incidents": {
            "total": sum(by_severity.values()),
            "by_severity": [
                {"label": str(label), "count": by_severity.get(value, 0)} for value, label in Severity.choices
            ],
            "people": month.aggregate(n=Sum("people_count"))["n"] or 0,
            "reported_on_time": len(reported) - late,
            "reported_late": late,
            "open": Incident.objects.filter(
                programme=programme, status__in=[IncidentStatus.REPORTED, IncidentStatus.RESPONDING]
            ).count(),
        },
        "opinion": {
            "total": OpinionEvent.objects.filter(programme=programme, first_seen_at__date__range=(start, end)).count()
        },
        "risks": {
            "by_level": [{"label": str(label), "count": levels[value]} for value, label in RiskLevel.choices],
            "with_signals": sum(1 for r in risks if r.signals),
            "unassessed_signals": len([pk for pk in signalled if pk not in assessed]),
        },
    }
