"""`{% enterprise_park_section enterprise %}`: the enterprise page's section on
its receiving park and relocation procedures (blocked and late items first)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from relocation.parks import selectors
from relocation.parks.models import ProcedureStatus

register = template.Library()


@register.inclusion_tag("parks/_enterprise_section_body.html", takes_context=True)
def enterprise_park_section(context: dict[str, Any], enterprise: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if not selectors.can_read_procedures(user):
        return {"visible": False}
    allocation = selectors.confirmed_allocation(enterprise)
    items = list(selectors.procedure_items_for_user(user).filter(enterprise=enterprise).order_by("order"))
    today = timezone.localdate()
    for item in items:
        item.is_late = item.due_on < today and item.status != ProcedureStatus.DONE
    return {
        "visible": allocation is not None or bool(items),
        "allocation": allocation,
        "items": items,
        "attention": [i for i in items if i.is_late or i.status == ProcedureStatus.BLOCKED],
        "can_read_parks": selectors.can_read_parks(user),
    }
