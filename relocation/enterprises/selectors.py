"""Reads of the ledger, always scoped to the user.

HQ and the group see every enterprise of the programme; member-unit staff see
the programme's enterprises too (every unit works the same zone) but may edit
only where they are the territorial unit; an enterprise contact sees only its
own enterprise; everyone else sees nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from relocation.core.roles import is_enterprise_contact, is_hq_editor, is_staff_member
from relocation.enterprises.models import Enterprise, ProductionStatusChange, Visit
from relocation.organisation.selectors import programme_for


def enterprises_for_user(user: Any) -> QuerySet[Enterprise]:
    qs = Enterprise.objects.select_related("territorial_unit", "category")
    if is_staff_member(user):
        # One programme only; a staff account without a unit (a city leader) works in the one it chose.
        programme = programme_for(user)
        return qs.filter(programme=programme) if programme is not None else qs.none()
    if is_enterprise_contact(user):
        return qs.filter(contacts__user=user)
    return qs.none()


def enterprise_for_user(user: Any, pk: int) -> Enterprise:
    """The enterprise, or 404 when the user may not see it."""
    return get_object_or_404(enterprises_for_user(user), pk=pk)


def can_edit_enterprise(user: Any, enterprise: Enterprise) -> bool:
    if is_hq_editor(user):
        return True
    return is_staff_member(user) and user.unit_id is not None and user.unit_id == enterprise.territorial_unit_id


def search(qs: QuerySet[Enterprise], text: str) -> QuerySet[Enterprise]:
    """Chinese full-text search: every whitespace-separated term must match
    the name, credit code, address or people (substring match, so partial
    Chinese words such as “电镀” match without a tokenizer)."""
    for term in text.lower().split():
        qs = qs.filter(search_text__contains=term)
    return qs


def filter_ledger(qs: QuerySet[Enterprise], params: dict[str, str]) -> QuerySet[Enterprise]:
    if params.get("q"):
        qs = search(qs, params["q"])
    for field in ("status", "industry", "capital_background", "production_status", "intention"):
        if params.get(field):
            qs = qs.filter(**{field: params[field]})
    if params.get("category") == "none":
        qs = qs.filter(category__isnull=True)
    elif params.get("category"):
        qs = qs.filter(category__code=params["category"])
    if params.get("town"):
        if not str(params["town"]).isdigit():
            return qs.none()
        qs = qs.filter(territorial_unit_id=params["town"])
    if params.get("key_polluter") in {"1", "0"}:
        qs = qs.filter(is_key_polluter=params["key_polluter"] == "1")
    return qs


SORTS = {
    "name": "name",
    "-name": "-name",
    "workers": "workers_count",
    "-workers": "-workers_count",
    "area": "floor_area_m2",
    "-area": "-floor_area_m2",
    "status": "status",
    "-updated": "-updated_at",
}


def sort_ledger(qs: QuerySet[Enterprise], sort: str | None) -> QuerySet[Enterprise]:
    key = SORTS.get(sort or "name", "name")
    # The tie-break follows the direction so that one index serves the whole ORDER BY.
    return qs.order_by(key, "-id" if key.startswith("-") else "id")


def visits_of(enterprise: Enterprise) -> QuerySet[Visit]:
    return enterprise.visits.select_related("recorded_by")


def production_changes_of(enterprise: Enterprise) -> QuerySet[ProductionStatusChange]:
    """The enterprise's production-status history (holds and releases by
    enforcement decisions), newest first. Callers have scoped the enterprise
    (`enterprise_for_user`), so whoever may see it sees its history."""
    return enterprise.production_changes.select_related("actor").order_by("-at", "-id")


def visits_for_user(user: Any) -> QuerySet[Visit]:
    return Visit.objects.filter(enterprise__in=enterprises_for_user(user)).select_related("enterprise", "recorded_by")


# Columns the list and the export never show: skipping them saves decrypting
# phones and loading large text for every row.
LIST_DEFERRED = ("parcel", "notes", "search_text")


def ledger_page_queryset(user: Any, params: dict[str, str]) -> QuerySet[Enterprise]:
    """What the ledger list shows for these filters (the export uses the same)."""
    qs = filter_ledger(enterprises_for_user(user), params)
    return sort_ledger(qs, params.get("sort")).defer(*LIST_DEFERRED)
