"""The remediation section on the enterprise page (core.sections): the plot
the enterprise vacated and the plots it is liable for, with stage,
exceedances and open obligations. A fixed number of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from relocation.remediation import permissions, selectors
from relocation.remediation.models import ObligationStatus


def section_context(request: HttpRequest, enterprise: Any) -> dict[str, Any] | None:
    user = getattr(request, "user", None)
    if not permissions.can_read(user):
        return None
    sites = list(
        selectors.sites_for_user(user)
        .filter(Q(enterprise=enterprise) | Q(liabilities__enterprise=enterprise))
        .distinct()
        .order_by("code")
    )
    if not sites:
        return None
    obligations = list(
        selectors.obligations_for_user(user)
        .filter(liability__site__in=[s.pk for s in sites], status=ObligationStatus.OPEN)
        .order_by("due_on")
    )
    today = timezone.localdate()
    for o in obligations:
        o.is_late = o.due_on < today
    return {"sites": sites, "obligations": obligations, "enterprise": enterprise}
