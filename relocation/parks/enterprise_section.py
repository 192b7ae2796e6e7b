"""The parks app's section on the enterprise page (core.sections): its
confirmed receiving park and its relocation procedures, blocked and late
items flagged. Two queries whatever the number of items."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from relocation.parks import selectors
from relocation.parks.models import ProcedureStatus


def section_context(request: HttpRequest, enterprise: Any) -> dict[str, Any] | None:
    user = getattr(request, "user", None)
    if not selectors.can_read_procedures(user):
        return None
    allocation = selectors.confirmed_allocation(enterprise)
    items = list(selectors.procedure_items_for_user(user).filter(enterprise=enterprise).order_by("order"))
    if allocation is None and not items:
        return None
    today = timezone.localdate()
    for item in items:
        item.is_late = item.due_on < today and item.status != ProcedureStatus.DONE
    return {
        "allocation": allocation,
        "items": items,
        "attention": [i for i in items if i.is_late or i.status == ProcedureStatus.BLOCKED],
        "can_read_parks": selectors.can_read_parks(user),
    }
