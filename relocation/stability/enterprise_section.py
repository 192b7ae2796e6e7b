"""The stability section on the enterprise page (core.sections): its risk
level, incidents and opinion events. HQ and member units only — an enterprise
contact never sees how the government rates its stability risk."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from relocation.core.roles import is_hq, is_unit_member
from relocation.stability import selectors


def section_context(request: HttpRequest, enterprise: Any) -> dict[str, Any] | None:
    user = getattr(request, "user", None)
    if not (is_hq(user) or is_unit_member(user)):
        return None
    summary = selectors.enterprise_summary(user, enterprise.pk)
    if summary["risk"] is None and not summary["incidents"] and not summary["opinions"]:
        return None
    return summary
