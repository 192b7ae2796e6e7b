"""Reads of joint enforcement, scoped to the user.

Staff (HQ and member units) see the programme's enforcement records: every
unit works the same zone and the results are reported to all. Enterprise
contacts, auditors and admins see none of it here (auditors read the audit
trail). Writes are narrower (see services.can_work_for_team).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from relocation.core.roles import is_hq_editor, is_staff_member
from relocation.enforcement.models import (
    ChecklistItem,
    DocumentKind,
    EnforcementDocument,
    EnforcementDomain,
    EnforcementTeam,
    FollowUpResult,
    Inspection,
    InspectionDraft,
    InspectionKind,
    InspectionPhoto,
    InspectionStatus,
    JointOperation,
    LegalBasis,
    Measure,
    MeasureKind,
    MeasureStatus,
    Violation,
)
from relocation.enterprises.models import Enterprise
from relocation.organisation.models import Programme, User
from relocation.organisation.selectors import programme_for

# Newest rows per section of the enterprise file; the full lists are one click away.
FILE_LIMIT = 20
# Re-inspections per page of the team queue (earliest due first).
QUEUE_PAGE = 30
APPROVAL_LIMIT = 50


def can_read(user: Any) -> bool:
    return is_staff_member(user)


def _programme_filter(user: Any) -> dict[str, Any]:
    """The user's programme (an installation-wide account's choice included);
    without one, nothing: never every programme's records."""
    programme = programme_for(user)
    return {"programme_id": programme.pk if programme is not None else None}


def scoped(qs: QuerySet, user: Any) -> QuerySet:
    if not can_read(user):
        return qs.none()
    return qs.filter(**_programme_filter(user))


def domains_for_user(user: Any) -> QuerySet[EnforcementDomain]:
    return scoped(EnforcementDomain.objects.select_related("lead_unit"), user)


def teams_for_user(user: Any) -> QuerySet[EnforcementTeam]:
    return scoped(EnforcementTeam.objects.select_related("domain", "lead_unit"), user)


def my_teams(user: Any) -> QuerySet[EnforcementTeam]:
    """The teams the user works in (HQ editors: all teams of the programme)."""
    qs = teams_for_user(user)
    if is_hq_editor(user):
        return qs
    return qs.filter(members=user)


def operations_for_user(user: Any) -> QuerySet[JointOperation]:
    return scoped(JointOperation.objects.all(), user)


def operation_for_user(user: Any, pk: int) -> JointOperation:
    return get_object_or_404(operations_for_user(user).prefetch_related("teams", "targets"), pk=pk)


def operation_results(operation: JointOperation) -> dict[str, Any]:
    """The roll-up of an operation from its inspections (three queries)."""
    inspections = Inspection.objects.filter(operation=operation, status=InspectionStatus.SUBMITTED)
    done = inspections.aggregate(n=Count("id"), enterprises=Count("enterprise", distinct=True))
    violations = (
        Violation.objects.filter(inspection__operation=operation)
        .values("domain__name")
        .annotate(n=Count("id"))
        .order_by("domain__name")
    )
    measures = (
        Measure.objects.filter(violation__inspection__operation=operation)
        .exclude(status__in=[MeasureStatus.REJECTED, MeasureStatus.REVOKED])
        .values("kind")
        .annotate(n=Count("id"), amount=Sum("amount"))
    )
    labels = dict(MeasureKind.choices)
    return {
        "inspections": done["n"],
        "enterprises_inspected": done["enterprises"],
        "violations_by_domain": list(violations),
        "violations": sum(v["n"] for v in violations),
        "measures": [
            {"kind": m["kind"], "label": labels[m["kind"]], "n": m["n"], "amount": m["amount"]} for m in measures
        ],
    }


def inspections_for_user(user: Any) -> QuerySet[Inspection]:
    return scoped(Inspection.objects.select_related("enterprise", "team", "team__domain"), user)


def inspection_for_user(user: Any, pk: int) -> Inspection:
    return get_object_or_404(
        inspections_for_user(user).prefetch_related(
            "inspectors",
            Prefetch("photos", queryset=InspectionPhoto.objects.select_related("stored_file")),
            "violations__domain",
        ),
        pk=pk,
    )


def violation_proposals(inspection: Inspection, violations: list[Violation]) -> list[dict[str, Any]]:
    """The violations an inspection's "存在问题" items propose and nobody has
    recorded yet: each with the item's legal basis (or, when the item has
    none, the domain's only active basis) and a description to start from."""
    problem_ids = [int(k) for k, v in inspection.checklist.items() if v == "problem" and str(k).isdigit()]
    if not problem_ids:
        return []
    recorded = {v.checklist_item_id for v in violations}
    items = [
        i
        for i in ChecklistItem.objects.filter(pk__in=problem_ids).select_related("legal_basis", "domain")
        if i.pk not in recorded
    ]
    domain_bases = list(LegalBasis.objects.filter(domain_id=inspection.team.domain_id, is_active=True)[:2])
    only_basis = domain_bases[0] if len(domain_bases) == 1 else None
    proposals = []
    for item in items:
        basis = item.legal_basis if item.legal_basis_id and item.legal_basis.is_active else only_basis
        description = item.text + "：" + _("现场检查发现存在问题")
        if inspection.findings:
            description += "。" + inspection.findings
        proposals.append({"item": item, "legal_basis": basis, "description": description})
    return proposals


def violations_for_user(user: Any) -> QuerySet[Violation]:
    return scoped(Violation.objects.select_related("enterprise", "domain", "legal_basis", "inspection__team"), user)


def violation_for_user(user: Any, pk: int) -> Violation:
    return get_object_or_404(violations_for_user(user), pk=pk)


def measures_for_user(user: Any) -> QuerySet[Measure]:
    return scoped(
        Measure.objects.select_related("enterprise", "team", "violation__domain", "created_by", "approved_by"), user
    )


def measure_for_user(user: Any, pk: int) -> Measure:
    return get_object_or_404(measures_for_user(user), pk=pk)


def documents_for_user(user: Any) -> QuerySet[EnforcementDocument]:
    return scoped(EnforcementDocument.objects.defer("content").select_related("enterprise"), user)


def document_for_user(user: Any, pk: int) -> EnforcementDocument:
    return get_object_or_404(scoped(EnforcementDocument.objects.all(), user), pk=pk)


def team_members(team: EnforcementTeam) -> QuerySet[User]:
    return team.members.filter(is_active=True).order_by("display_name", "username")


def queue_for_user(user: Any, *, today: dt.date | None = None, page: int = 1) -> dict[str, Any]:
    """The team queue (我的待办): scheduled re-inspections of the user's
    teams by date (a page at a time), decisions awaiting the user's approval,
    and the user's unfinished drafts. Rows are plain dicts (no model
    instances): a fixed, small number of queries whatever the volume."""
    my = list(my_teams(user).values("id", "name"))
    teams = [t["id"] for t in my]
    follow_ups = Inspection.objects.filter(team_id__in=teams, status=InspectionStatus.SCHEDULED).order_by(
        "scheduled_on", "id"
    )
    total = follow_ups.count()
    pages = max(1, -(-total // QUEUE_PAGE))
    page = min(max(1, page), pages)
    start = (page - 1) * QUEUE_PAGE
    rows = list(
        follow_ups.values(
            "id", "scheduled_on", "enterprise_id", "enterprise__name", "team__name", "follow_up_of__content"
        )[start : start + QUEUE_PAGE]
    )
    approvals = (
        Measure.objects.filter(team_id__in=teams, status=MeasureStatus.PENDING_APPROVAL)
        .exclude(created_by=user)
        .order_by("created_at", "id")
        .values("id", "kind", "enterprise__name", "team__name", "violation__domain__name")[:APPROVAL_LIMIT]
    )
    kinds = dict(MeasureKind.choices)
    drafts = (
        InspectionDraft.objects.filter(owner=user)
        .order_by("-updated_at")
        .values("id", "key", "inspection_id", "updated_at")[:20]
    )
    return {
        "follow_ups": rows,
        "follow_ups_total": total,
        "page": page,
        "pages": pages,
        "approvals": [{**a, "kind_label": kinds.get(a["kind"], a["kind"])} for a in approvals],
        "drafts": list(drafts),
        "teams": my,
        "today": today,
    }


def enterprise_for_file(user: Any, pk: int) -> Enterprise:
    if not can_read(user):
        raise Http404
    qs = Enterprise.objects.select_related("territorial_unit").filter(**_programme_filter(user))
    return get_object_or_404(qs, pk=pk)


def _rows(values: Any) -> list[dict[str, Any]]:
    return [dict(row) for row in values]


def enterprise_file(enterprise: Enterprise) -> dict[str, Any]:
    """一企一档: the newest inspections, violations, measures and documents of
    one enterprise, with their totals. Rows are plain dicts with display
    labels, so the page costs a fixed number of queries and no model
    instances however long the enterprise's history."""
    inspections = _rows(
        Inspection.objects.filter(enterprise=enterprise)
        .order_by("-inspected_on", "-id")
        .values(
            "id",
            "kind",
            "status",
            "scheduled_on",
            "inspected_on",
            "follow_up_result",
            "team__name",
            "operation__name",
        )[:FILE_LIMIT]
    )
    ids = [row["id"] for row in inspections]
    names: dict[int, list[str]] = defaultdict(list)
    for link in (
        Inspection.inspectors.through.objects.filter(inspection_id__in=ids)
        .order_by("inspection_id", "user_id")
        .values("inspection_id", "user__display_name", "user__username")
    ):
        names[link["inspection_id"]].append(link["user__display_name"] or link["user__username"])
    photos = dict(
        InspectionPhoto.objects.filter(inspection_id__in=ids)
        .values("inspection_id")
        .annotate(n=Count("id"))
        .values_list("inspection_id", "n")
    )
    kinds, results = dict(InspectionKind.choices), dict(FollowUpResult.choices)
    for row in inspections:
        row["kind_label"] = kinds.get(row["kind"], row["kind"])
        row["result_label"] = results.get(row["follow_up_result"], "")
        row["inspectors"] = "、".join(names.get(row["id"], []))
        row["photos"] = photos.get(row["id"], 0)
    violations = _rows(
        Violation.objects.filter(enterprise=enterprise)
        .order_by("-found_on", "-id")
        .values("id", "found_on", "description", "domain__name", "legal_basis__law", "legal_basis__article")[
            :FILE_LIMIT
        ]
    )
    measure_kinds, statuses = dict(MeasureKind.choices), dict(MeasureStatus.choices)
    measures = _rows(
        Measure.objects.filter(enterprise=enterprise)
        .order_by("-created_at", "-id")
        .values("id", "kind", "status", "deadline", "amount", "violation__domain__name")[:FILE_LIMIT]
    )
    for row in measures:
        row["kind_label"] = measure_kinds.get(row["kind"], row["kind"])
        row["status_label"] = statuses.get(row["status"], row["status"])
    document_kinds = dict(DocumentKind.choices)
    documents = _rows(
        EnforcementDocument.objects.filter(enterprise=enterprise)
        .order_by("-created_at", "-id")
        .values("id", "kind", "number")[:FILE_LIMIT]
    )
    for row in documents:
        row["kind_label"] = document_kinds.get(row["kind"], row["kind"])
    counts = {
        "inspections": Inspection.objects.filter(enterprise=enterprise, status=InspectionStatus.SUBMITTED).count(),
        "violations": Violation.objects.filter(enterprise=enterprise).count(),
        "measures": Measure.objects.filter(enterprise=enterprise).count(),
        "documents": EnforcementDocument.objects.filter(enterprise=enterprise).count(),
    }
    return {
        "inspections": inspections,
        "violations": violations,
        "measures": measures,
        "documents": documents,
        "counts": counts,
        "limit": FILE_LIMIT,
    }


def file_enterprises(user: Any, q: str = "") -> QuerySet[Enterprise]:
    """Enterprises with an enforcement record, for the file index."""
    qs = Enterprise.objects.filter(**_programme_filter(user)) if can_read(user) else Enterprise.objects.none()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(credit_code__icontains=q))
    return qs.annotate(violation_count=Count("violations")).order_by("-violation_count", "name")


def statistics(user: Any, *, year: int | None = None) -> dict[str, Any]:
    """Counts per domain, department (the team's lead unit), team and month:
    inspections, violations, measures and fines. One grouped query each."""
    inspections = inspections_for_user(user).filter(status=InspectionStatus.SUBMITTED)
    violations = violations_for_user(user)
    measures = measures_for_user(user).exclude(status__in=[MeasureStatus.REJECTED, MeasureStatus.REVOKED])
    if year:
        inspections = inspections.filter(inspected_on__year=year)
        violations = violations.filter(found_on__year=year)
        measures = measures.filter(created_at__year=year)

    def table(key_insp: str, key_viol: str, key_meas: str) -> list[dict[str, Any]]:
        rows: dict[Any, dict[str, Any]] = defaultdict(
            lambda: {"inspections": 0, "violations": 0, "orders": 0, "closed": 0, "decisions": 0, "fines": 0}
        )
        for r in inspections.values(key_insp).annotate(n=Count("id")).order_by():
            rows[r[key_insp]]["inspections"] = r["n"]
        for r in violations.values(key_viol).annotate(n=Count("id")).order_by():
            rows[r[key_viol]]["violations"] = r["n"]
        for r in (
            measures.values(key_meas)
            .annotate(
                orders=Count("id", filter=Q(kind=MeasureKind.RECTIFICATION)),
                closed=Count("id", filter=Q(kind=MeasureKind.RECTIFICATION, status=MeasureStatus.CLOSED)),
                decisions=Count("id", filter=~Q(kind=MeasureKind.RECTIFICATION)),
                fines=Sum("amount", filter=Q(kind=MeasureKind.FINE, status=MeasureStatus.IN_FORCE)),
            )
            .order_by()
        ):
            rows[r[key_meas]].update(
                orders=r["orders"], closed=r["closed"], decisions=r["decisions"], fines=r["fines"] or 0
            )
        return [{"key": k, **v} for k, v in sorted(rows.items(), key=lambda kv: str(kv[0] or ""))]

    months = _month_table(inspections, violations, measures)
    return {
        "by_domain": table("team__domain__name", "domain__name", "violation__domain__name"),
        "by_department": table("team__lead_unit__name", "inspection__team__lead_unit__name", "team__lead_unit__name"),
        "by_team": table("team__name", "inspection__team__name", "team__name"),
        "by_month": months,
    }


def _month_table(inspections: QuerySet, violations: QuerySet, measures: QuerySet) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = defaultdict(lambda: {"inspections": 0, "violations": 0, "orders": 0, "closed": 0})
    for r in inspections.annotate(m=TruncMonth("inspected_on")).values("m").annotate(n=Count("id")).order_by():
        rows[_month_key(r["m"])]["inspections"] = r["n"]
    for r in violations.annotate(m=TruncMonth("found_on")).values("m").annotate(n=Count("id")).order_by():
        rows[_month_key(r["m"])]["violations"] = r["n"]
    for r in (
        measures.filter(kind=MeasureKind.RECTIFICATION)
        .annotate(m=TruncMonth("created_at"))
        .values("m")
        .annotate(n=Count("id"), c=Count("id", filter=Q(status=MeasureStatus.CLOSED)))
        .order_by()
    ):
        rows[_month_key(r["m"])].update(orders=r["n"], closed=r["c"])
    return [{"key": k, **v} for k, v in sorted(rows.items())]


def _month_key(value: Any) -> str:
    if value is None:
        return ""
    return f"{value.year:04d}-{value.month:02d}"


def monthly_enforcement_figures(programme: Programme, year: int, month: int) -> dict[str, Any]:
    """The month's enforcement figures for the monthly bulletin (reporting
    reads this; keys are stable):

    inspections, follow_ups, enterprises_inspected, violations,
    violations_by_domain {code: n}, orders_issued, orders_closed,
    orders_overdue (in force past deadline at month end), fines_count,
    fines_amount (str, yuan), suspensions, sealings, bans, utility_cuts,
    escalations, repeat_offenders (enterprises flagged, programme total),
    operations (joint operations planned in the month)."""
    start = dt.date(year, month, 1)
    end = dt.date(year + (month == 12), month % 12 + 1, 1)
    insp = Inspection.objects.filter(
        programme=programme, status=InspectionStatus.SUBMITTED, inspected_on__gte=start, inspected_on__lt=end
    ).aggregate(
        n=Count("id"),
        follow_ups=Count("id", filter=Q(kind=InspectionKind.FOLLOW_UP)),
        enterprises=Count("enterprise", distinct=True),
    )
    viol = Violation.objects.filter(programme=programme, found_on__gte=start, found_on__lt=end)
    by_domain = {r["domain__code"]: r["n"] for r in viol.values("domain__code").annotate(n=Count("id")).order_by()}
    month_measures = Measure.objects.filter(programme=programme, created_at__date__gte=start, created_at__date__lt=end)
    effective = month_measures.exclude(
        status__in=[MeasureStatus.REJECTED, MeasureStatus.REVOKED, MeasureStatus.PENDING_APPROVAL]
    )
    m = effective.aggregate(
        orders=Count("id", filter=Q(kind=MeasureKind.RECTIFICATION)),
        fines=Count("id", filter=Q(kind=MeasureKind.FINE)),
        fines_amount=Sum("amount", filter=Q(kind=MeasureKind.FINE)),
        suspensions=Count("id", filter=Q(kind=MeasureKind.SUSPENSION)),
        sealings=Count("id", filter=Q(kind=MeasureKind.SEALING)),
        bans=Count("id", filter=Q(kind=MeasureKind.BAN)),
        utility_cuts=Count("id", filter=Q(kind=MeasureKind.UTILITY_CUT)),
    )
    closed = Measure.objects.filter(
        programme=programme,
        kind=MeasureKind.RECTIFICATION,
        status=MeasureStatus.CLOSED,
        closed_at__date__gte=start,
        closed_at__date__lt=end,
    ).count()
    overdue = Measure.objects.filter(
        programme=programme, kind=MeasureKind.RECTIFICATION, status=MeasureStatus.IN_FORCE, deadline__lt=end
    ).count()
    escalations = (
        Measure.objects.filter(
            programme=programme, escalated_from__isnull=False, created_at__date__gte=start, created_at__date__lt=end
        )
        .exclude(kind=MeasureKind.RECTIFICATION)
        .count()
    )
    return {
        "year": year,
        "month": month,
        "inspections": insp["n"],
        "follow_ups": insp["follow_ups"],
        "enterprises_inspected": insp["enterprises"],
        "violations": sum(by_domain.values()),
        "violations_by_domain": by_domain,
        "orders_issued": m["orders"],
        "orders_closed": closed,
        "orders_overdue": overdue,
        "fines_count": m["fines"],
        "fines_amount": f"{Decimal(m['fines_amount'] or 0):.2f}",
        "suspensions": m["suspensions"],
        "sealings": m["sealings"],
        "bans": m["bans"],
        "utility_cuts": m["utility_cuts"],
        "escalations": escalations,
        "repeat_offenders": Enterprise.objects.filter(programme=programme, is_repeat_offender=True).count(),
        "operations": JointOperation.objects.filter(
            programme=programme, planned_on__gte=start, planned_on__lt=end
        ).count(),
    }


def enterprise_section(request: Any, enterprise: Enterprise) -> dict[str, Any] | None:
    """The enforcement card on the enterprise's ledger page (core.sections):
    totals and the open orders, three queries; nothing for non-staff."""
    if not can_read(request.user):
        return None
    measures = Measure.objects.filter(enterprise=enterprise).aggregate(
        open_orders=Count("id", filter=Q(kind=MeasureKind.RECTIFICATION, status=MeasureStatus.IN_FORCE)),
        pending=Count("id", filter=Q(status=MeasureStatus.PENDING_APPROVAL)),
        decisions=Count("id", filter=~Q(kind=MeasureKind.RECTIFICATION) & Q(status=MeasureStatus.IN_FORCE)),
    )
    return {
        "enforcement_enterprise": enterprise,
        "inspections": Inspection.objects.filter(enterprise=enterprise, status=InspectionStatus.SUBMITTED).count(),
        "violations": Violation.objects.filter(enterprise=enterprise).count(),
        **measures,
    }


def open_violations_qs() -> QuerySet[Violation]:
    """Violations not yet put right: none of their rectification orders has
    been closed (销号) by a re-inspection that found the fix. A violation with
    no measure yet, with an order still in force or escalated, or under a
    decision (fine, suspension, sealing, ban) but never confirmed fixed, is open."""
    fixed = Measure.objects.filter(kind=MeasureKind.RECTIFICATION, status=MeasureStatus.CLOSED).values("violation_id")
    return Violation.objects.exclude(pk__in=fixed)


def open_violation_enterprise_ids() -> QuerySet:
    """`enterprise_id` values of the enterprises with an open violation, as a
    subquery (the dashboard's "有违法未销号" filter and risk column). Registered
    in core.compliance next to the counter, which uses the same definition."""
    return open_violations_qs().order_by().values("enterprise_id")


def open_violation_counts(enterprise_ids: Any) -> dict[int, int]:
    """{enterprise id: open violations} for the given enterprises, one query.
    Registered in core.compliance for apps that may not import enforcement
    (parks' incentive eligibility)."""
    rows = (
        open_violations_qs()
        .filter(enterprise_id__in=list(enterprise_ids))
        .order_by()
        .values("enterprise_id")
        .annotate(n=Count("id"))
    )
    return {r["enterprise_id"]: r["n"] for r in rows}
