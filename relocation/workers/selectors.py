"""Reads of the workers app, scoped to the user.

Rosters carry personal data, so this app is narrower than the ledger: HQ, the
group and auditors read the whole programme; the human-resources bureau
(人社, the unit with the human-resources function) reads every enterprise because the plan
makes it responsible for all of them; a territorial unit reads the enterprises
of its area; an enterprise contact reads its own enterprise; other member
units read nothing here.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from relocation.core.roles import is_auditor, is_enterprise_contact, is_hq, is_hq_editor, is_unit_member
from relocation.enterprises.models import Enterprise
from relocation.organisation.functions import UnitFunction
from relocation.organisation.selectors import programme_for, unit_has_function
from relocation.workers.models import (
    SETTLED_OUTCOMES,
    UNRESOLVED,
    CaseKind,
    CaseStatus,
    LabourCase,
    PlacementActivity,
    PlacementOutcome,
    Worker,
    WorkerStatus,
)


def is_labour_bureau(user: Any) -> bool:
    if not is_unit_member(user):
        return False
    return unit_has_function(getattr(user, "unit", None), UnitFunction.HUMAN_RESOURCES)


def sees_programme(user: Any) -> bool:
    """HQ, the group, auditors and the bureau see every enterprise's workers."""
    return is_hq(user) or is_auditor(user) or is_labour_bureau(user)


def can_read(user: Any) -> bool:
    return sees_programme(user) or is_unit_member(user) or is_enterprise_contact(user)


def enterprises_in_scope(user: Any) -> QuerySet[Enterprise]:
    qs = Enterprise.objects.all()
    if sees_programme(user):
        programme = programme_for(user)
        return qs.filter(programme=programme) if programme is not None else qs.none()
    if is_unit_member(user) and user.unit_id is not None:
        return qs.filter(territorial_unit_id=user.unit_id)
    if is_enterprise_contact(user):
        return qs.filter(contacts__user=user)
    return qs.none()


def enterprise_for_user(user: Any, pk: int) -> Enterprise:
    return get_object_or_404(enterprises_in_scope(user).select_related("territorial_unit"), pk=pk)


# ---------------------------------------------------------------- who may write


def can_edit_roster(user: Any, enterprise: Enterprise) -> bool:
    """HQ editors, the bureau and the enterprise's territorial unit keep rosters."""
    if is_hq_editor(user) or is_labour_bureau(user):
        return True
    return is_unit_member(user) and user.unit_id is not None and user.unit_id == enterprise.territorial_unit_id


def can_handle_case(user: Any, case: LabourCase) -> bool:
    """Verifying, mediating and recording payments: the same people as rosters."""
    return can_edit_roster(user, case.enterprise)


def can_escalate(user: Any) -> bool:
    return is_hq_editor(user) or is_labour_bureau(user)


def can_report_case(user: Any, enterprise: Enterprise) -> bool:
    """Anyone who keeps the roster, and the enterprise's own contact."""
    if can_edit_roster(user, enterprise):
        return True
    return is_enterprise_contact(user) and enterprise.contacts.filter(user=user).exists()


def can_record_activity(user: Any) -> bool:
    return is_hq_editor(user) or is_labour_bureau(user)


# ---------------------------------------------------------------- workers


def workers_for_user(user: Any) -> QuerySet[Worker]:
    return Worker.objects.filter(enterprise__in=enterprises_in_scope(user)).select_related("enterprise")


def worker_for_user(user: Any, pk: int) -> Worker:
    return get_object_or_404(workers_for_user(user), pk=pk)


def find_by_id_number(user: Any, id_number: str) -> QuerySet[Worker]:
    """Exact lookup through the blind index (nothing is decrypted to search)."""
    from relocation.core import crypto

    return workers_for_user(user).filter(id_number_index=crypto.blind_index(id_number))


# ---------------------------------------------------------------- cases


def cases_for_user(user: Any) -> QuerySet[LabourCase]:
    return LabourCase.objects.filter(enterprise__in=enterprises_in_scope(user)).select_related(
        "enterprise", "reported_by"
    )


def case_for_user(user: Any, pk: int) -> LabourCase:
    return get_object_or_404(
        cases_for_user(user).prefetch_related("lines__worker", "payments", "evidence__file", "status_changes__actor"),
        pk=pk,
    )


def unresolved_cases(enterprise: Enterprise) -> QuerySet[LabourCase]:
    return LabourCase.objects.filter(enterprise=enterprise, status__in=UNRESOLVED)


# ---------------------------------------------------------------- placement


def placement_rate(placed: int, population: int) -> Decimal | None:
    """Share of workers placed, in percent (None when nobody is to be placed)."""
    if not population:
        return None
    return (Decimal(placed) * 100 / population).quantize(Decimal("0.1"))


def _placement_counts() -> dict[str, Any]:
    # Workers who left on their own are outside the population to be placed.
    return {
        "roster": Count("workers", distinct=True),
        "population": Count("workers", filter=~Q(workers__status=WorkerStatus.LEFT), distinct=True),
        "placed": Count("workers", filter=Q(workers__status=WorkerStatus.PLACED), distinct=True),
    }


def enterprise_overview(user: Any) -> list[Any]:
    """Enterprises in scope that have a roster or a case, with their figures:
    two queries whatever the number of enterprises."""
    qs = (
        enterprises_in_scope(user)
        .select_related("territorial_unit")
        .annotate(**_placement_counts())
        .order_by("name", "id")
    )
    open_cases = dict(
        LabourCase.objects.filter(enterprise__in=enterprises_in_scope(user), status__in=UNRESOLVED)
        .values("enterprise_id")
        .annotate(n=Count("id"))
        .values_list("enterprise_id", "n")
    )
    rows: list[Any] = []
    e: Any
    for e in qs.only("id", "name", "territorial_unit__name", "territorial_unit__short_name", "status"):
        e.open_cases = open_cases.get(e.pk, 0)
        if not e.roster and not e.open_cases:
            continue
        e.rate = placement_rate(e.placed, e.population)
        rows.append(e)
    return rows


def programme_placement(user: Any) -> dict[str, Any]:
    """Programme-wide (or the user's scope) placement figures and outcome breakdown."""
    workers = Worker.objects.filter(enterprise__in=enterprises_in_scope(user))
    by_status = dict(workers.values("status").annotate(n=Count("id")).values_list("status", "n"))
    by_outcome = dict(
        workers.exclude(status=WorkerStatus.LEFT)
        .values("placement_outcome")
        .annotate(n=Count("id"))
        .values_list("placement_outcome", "n")
    )
    population = by_status.get(WorkerStatus.EMPLOYED, 0) + by_status.get(WorkerStatus.PLACED, 0)
    placed = by_status.get(WorkerStatus.PLACED, 0)
    return {
        "roster": sum(by_status.values()),
        "population": population,
        "placed": placed,
        "left": by_status.get(WorkerStatus.LEFT, 0),
        "rate": placement_rate(placed, population),
        "outcomes": [(value, label, by_outcome.get(value, 0)) for value, label in PlacementOutcome.choices],
        "settled_outcomes": sorted(SETTLED_OUTCOMES),
    }


def case_totals(user: Any) -> dict[str, Any]:
    """Open cases and the money still owed, in the user's scope, overall and
    per kind (`by_kind`: wages, deposits, severance, social insurance). One query."""
    rows = list(
        cases_for_user(user)
        .order_by()
        .values("kind", "status")
        .annotate(n=Count("id"), owed=Sum("total_owed"), paid=Sum("total_paid"))
    )
    by_status: dict[str, int] = {}
    kinds = {
        value: {
            "kind": value,
            "label": str(label),
            "cases": 0,
            "open": 0,
            "paid": 0,
            "owed": Decimal(0),
            "repaid": Decimal(0),
            "outstanding": Decimal(0),
        }
        for value, label in CaseKind.choices
    }
    for row in rows:
        by_status[row["status"]] = by_status.get(row["status"], 0) + row["n"]
        k = kinds[row["kind"]]
        k["cases"] += row["n"]
        k["owed"] += row["owed"] or 0
        k["repaid"] += row["paid"] or 0
        if row["status"] in UNRESOLVED:
            k["open"] += row["n"]
            k["outstanding"] += (row["owed"] or 0) - (row["paid"] or 0)
        elif row["status"] == CaseStatus.PAID:
            k["paid"] += row["n"]
    return {
        "by_status": [(value, label, by_status.get(value, 0)) for value, label in CaseStatus.choices],
        "by_kind": list(kinds.values()),
        "open": sum(by_status.get(s, 0) for s in UNRESOLVED),
        "outstanding": sum((k["outstanding"] for k in kinds.values()), Decimal(0)),
    }


def activities_for_user(user: Any) -> QuerySet[PlacementActivity]:
    if not can_read(user):
        return PlacementActivity.objects.none()
    programme = programme_for(user)
    qs = PlacementActivity.objects.filter(programme=programme).select_related("enterprise")
    if sees_programme(user):
        return qs
    # Others see the activities aimed at their enterprises, and the zone-wide ones.
    return qs.filter(Q(enterprise__isnull=True) | Q(enterprise__in=enterprises_in_scope(user)))


def bulletin_figures(programme: Any, start: Any, end: Any) -> dict[str, Any]:
    """The monthly bulletin's workers figures for a programme (not scoped to
    a user: HQ compiles it): per case kind what is still open and owed, what
    was repaid and settled in the month; the placement rate. JSON-able."""
    from relocation.workers.models import CasePayment, CaseStatusChange

    cases = LabourCase.objects.filter(programme=programme)
    open_rows = {
        r["kind"]: r
        for r in cases.filter(status__in=UNRESOLVED)
        .order_by()
        .values("kind")
        .annotate(n=Count("id"), owed=Sum("total_owed"), paid=Sum("total_paid"))
    }
    settled = dict(
        CaseStatusChange.objects.filter(
            case__programme=programme, to_status=CaseStatus.PAID, created_at__date__range=(start, end)
        )
        .order_by()
        .values("case__kind")
        .annotate(n=Count("case_id", distinct=True))
        .values_list("case__kind", "n")
    )
    repaid = dict(
        CasePayment.objects.filter(case__programme=programme, paid_on__range=(start, end))
        .order_by()
        .values("case__kind")
        .annotate(s=Sum("amount"))
        .values_list("case__kind", "s")
    )
    kinds = []
    for value, label in CaseKind.choices:
        row = open_rows.get(value, {})
        kinds.append(
            {
                "kind": value,
                "label": str(label),
                "open": row.get("n", 0),
                "outstanding": str(
                    (Decimal(row.get("owed") or 0) - Decimal(row.get("paid") or 0)).quantize(Decimal("0.01"))
                ),
                "paid_in_month": settled.get(value, 0),
                "repaid_in_month": str(Decimal(repaid.get(value) or 0).quantize(Decimal("0.01"))),
            }
        )
    workers = Worker.objects.filter(enterprise__programme=programme)
    by_status = dict(workers.order_by().values("status").annotate(n=Count("id")).values_list("status", "n"))
    population = by_status.get(WorkerStatus.EMPLOYED, 0) + by_status.get(WorkerStatus.PLACED, 0)
    placed = by_status.get(WorkerStatus.PLACED, 0)
    rate = placement_rate(placed, population)
    return {
        "kinds": kinds,
        "placement": {
            "roster": sum(by_status.values()),
            "population": population,
            "placed": placed,
            "placed_in_month": workers.filter(status=WorkerStatus.PLACED, placed_on__range=(start, end)).count(),
            "rate": str(rate) if rate is not None else None,
        },
    }
