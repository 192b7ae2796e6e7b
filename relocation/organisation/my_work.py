"""My work from organisation: the account requests waiting for the security
admin's decision (never one the admin made). Found by core.my_work."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relocation.core import my_work
from relocation.core.roles import is_security_admin
from relocation.organisation.models import AccountApproval

APPROVAL = gettext_lazy("账户审批")


def account_approvals(user: Any, today: dt.date, limit: int) -> list[my_work.WorkItem]:
    if not is_security_admin(user):
        return []
    rows = (
        AccountApproval.objects.filter(status=AccountApproval.Status.PENDING)
        .exclude(requested_by=user)
        .order_by("created_at", "id")
        .select_related("user")[:limit]
    )
    return [
        my_work.WorkItem(
            kind=APPROVAL,
            title=_("%(kind)s %(u)s（%(role)s）")
            % {"kind": a.get_kind_display(), "u": a.user.username, "role": a.get_role_display()},
            action_label=gettext_lazy("审批"),
            action_url=reverse("organisation:approvals"),
            # A request waits since it was made: the oldest first.
            due=a.created_at,
        )
        for a in rows
    ]


my_work.register("organisation.approvals", account_approvals)
