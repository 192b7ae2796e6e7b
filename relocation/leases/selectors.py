"""Reads of the leases app, scoped to the user's programme, unit and role."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from relocation.core.roles import is_enterprise_contact
from relocation.leases import permissions
from relocation.leases.models import LandlordKind, Lease, LeaseDispute, LeaseStatus
from relocation.leases.transitions import NOT_CLEARED
from relocation.organisation.selectors import programme_for


def leases_for_user(user: Any) -> QuerySet[Lease]:
    """HQ, group leaders and auditors: the leases of their own programme; a
    community: the leases of its property; a territorial town: its
    enterprises' leases; an enterprise contact: its own; others: none."""
    qs = Lease.objects.select_related("enterprise", "community_unit", "enterprise__territorial_unit")
    if permissions.sees_all(user):
        programme = programme_for(user)
        return qs.filter(programme=programme) if programme is not None else qs.none()
    if permissions.is_community(user) or permissions.is_territorial_town(user):
        programme_id = user.unit.programme_id
        mine = Q()
        if permissions.is_community(user):
            mine |= Q(community_unit_id=user.unit_id)
        if permissions.is_territorial_town(user):
            mine |= Q(enterprise__territorial_unit_id=user.unit_id)
        return qs.filter(mine, programme_id=programme_id)
    if is_enterprise_contact(user):
        link = getattr(user, "enterprise_link", None)
        return qs.filter(enterprise_id=link.enterprise_id) if link is not None else qs.none()
    return qs.none()


def lease_for_user(user: Any, pk: int) -> Lease:
    return get_object_or_404(leases_for_user(user), pk=pk)


def lease_detail(user: Any, pk: int) -> Lease:
    """The lease with its notice, refund, checks, disputes and history (a fixed number of queries)."""
    qs = (
        leases_for_user(user)
        .select_related("notice", "refund")
        .prefetch_related(
            "clearance_checks__checked_by",
            Prefetch("disputes", queryset=LeaseDispute.objects.select_related("opened_by", "resolved_by")),
            "status_changes__actor",
        )
    )
    return get_object_or_404(qs, pk=pk)


def filter_leases(qs: QuerySet[Lease], params: dict[str, str]) -> QuerySet[Lease]:
    """Filters of the list, the export and the API: status, open (not yet
    cleared), landlord kind, community (unit id), town (unit id), text, disputed=1,
    refund_overdue=1."""
    if params.get("status") in LeaseStatus.values:
        qs = qs.filter(status=params["status"])
    elif params.get("status") == "open":
        qs = qs.filter(status__in=NOT_CLEARED)
    if params.get("landlord_kind") in LandlordKind.values:
        qs = qs.filter(landlord_kind=params["landlord_kind"])
    if params.get("community", "").isdigit():
        qs = qs.filter(community_unit_id=int(params["community"]))
    if params.get("town", "").isdigit():
        qs = qs.filter(enterprise__territorial_unit_id=int(params["town"]))
    if params.get("q"):
        text = params["q"].strip()
        qs = qs.filter(
            Q(number__icontains=text)
            | Q(landlord_name__icontains=text)
            | Q(address__icontains=text)
            | Q(enterprise__name__icontains=text)
        )
    if params.get("disputed") == "1":
        qs = qs.filter(pk__in=LeaseDispute.objects.filter(resolved_on__isnull=True).values("lease_id"))
    if params.get("refund_overdue") == "1":
        qs = qs.filter(status=LeaseStatus.NOTICE_ISSUED, deposit__gt=0, notice__refund_due_on__lt=timezone.localdate())
    return qs


def lease_list(user: Any, params: dict[str, str]) -> QuerySet[Lease]:
    """The list page and its export: each lease with its notice and its count
    of open disputes in the same query."""
    return (
        filter_leases(leases_for_user(user), params)
        .select_related("notice", "refund")
        .annotate(open_disputes=Count("disputes", filter=Q(disputes__resolved_on__isnull=True), distinct=True))
        .order_by("ends_on", "number", "id")
    )


def is_refund_overdue(lease: Lease) -> bool:
    """The notice's refund date has passed and the deposit is not yet refunded."""
    notice = getattr(lease, "notice", None) if lease.status == LeaseStatus.NOTICE_ISSUED else None
    return bool(notice and lease.deposit > 0 and notice.refund_due_on < timezone.localdate())
