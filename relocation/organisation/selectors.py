from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from relocation.core.roles import is_hq, is_staff_member
from relocation.organisation.models import LiaisonAssignment, Membership, Person, Programme, Unit


def active_programme() -> Programme | None:
    return Programme.objects.filter(is_active=True).order_by("id").first()


def units_for_user(user: Any) -> QuerySet[Unit]:
    """Every staff member may see the list of member units and their duties
    (they must know whom to call); others see none."""
    if not is_staff_member(user):
        return Unit.objects.none()
    current = LiaisonAssignment.objects.filter(ends_on__isnull=True).select_related("person")
    return Unit.objects.prefetch_related(Prefetch("liaison_assignments", queryset=current, to_attr="current_liaisons"))


def unit_for_user(user: Any, pk: int) -> Unit:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(units_for_user(user), pk=pk)


def people_for_user(user: Any) -> QuerySet[Person]:
    if is_hq(user):
        return Person.objects.select_related("unit")
    if is_staff_member(user):
        return Person.objects.filter(unit_id=user.unit_id).select_related("unit")
    return Person.objects.none()


def memberships(programme: Programme) -> QuerySet[Membership]:
    return programme.memberships.select_related("person__unit")


def liaison_history(unit: Unit) -> QuerySet[LiaisonAssignment]:
    return unit.liaison_assignments.select_related("person", "assigned_by")
