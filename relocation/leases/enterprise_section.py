"""The leases section on the enterprise page (core.sections): the
enterprise's leases of collective property with their status, and whether
one still holds its closure. One query."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from relocation.leases import permissions, selectors
from relocation.leases.transitions import NOT_CLEARED


def section_context(request: HttpRequest, enterprise: Any) -> dict[str, Any] | None:
    user = getattr(request, "user", None)
    if not permissions.can_read(user):
        return None
    leases = list(selectors.lease_list(user, {}).filter(enterprise=enterprise))
    if not leases:
        return None
    for lease in leases:
        lease.refund_overdue = selectors.is_refund_overdue(lease)
    return {
        "enterprise": enterprise,
        "leases": leases,
        "not_cleared": sum(1 for lease in leases if lease.status in NOT_CLEARED),
    }
