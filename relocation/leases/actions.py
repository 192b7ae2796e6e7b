"""The steps a person may take on a lease, and why a step is not open now.

One home for each rule: the services call `require` before they write, and
the detail page asks `offers_for` which buttons to show: a step the user's
role and unit may take is offered, enabled when the lease's state allows it,
otherwise shown disabled with the reason; a step the user may never take on
this lease is not shown at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relocation.core.errors import PermissionDeniedError, TransitionError
from relocation.leases import permissions
from relocation.leases.models import LeaseDispute, LeaseStatus

ISSUE_NOTICE = "issue_notice"
REFUND = "refund"
CLEARANCE = "clearance"
CLOSE = "close"
DISPUTE_OPEN = "dispute_open"
DISPUTE_RESOLVE = "dispute_resolve"


def open_dispute(lease: Any) -> LeaseDispute | None:
    """The lease's unresolved dispute (from the prefetched disputes when present)."""
    cache = getattr(lease, "_prefetched_objects_cache", {})
    if "disputes" in cache:
        return next((d for d in cache["disputes"] if d.resolved_on is None), None)
    return lease.disputes.filter(resolved_on__isnull=True).first()


def _state_refusal(lease: Any, action: str) -> str | None:
    status = lease.status
    if action == ISSUE_NOTICE and status != LeaseStatus.ACTIVE:
        return _("停租通知已经下发，不能重复下发。")
    if action == REFUND and status != LeaseStatus.NOTICE_ISSUED:
        if status == LeaseStatus.ACTIVE:
            return _("请先下发停租通知，再登记押金退还。")
        return _("押金退还已经登记。")
    if action == CLEARANCE and status != LeaseStatus.DEPOSIT_REFUNDED:
        if status in (LeaseStatus.ACTIVE, LeaseStatus.NOTICE_ISSUED):
            return _("请先登记押金退还，再核查清租退场。")
        return _("清租退场已核查通过。")
    if action == CLOSE:
        if status != LeaseStatus.CLEARED:
            return _("清租退场核查通过后才能办结。") if status != LeaseStatus.CLOSED else _("租约已办结。")
        if open_dispute(lease) is not None:
            return _("尚有未化解的租赁纠纷，化解后才能办结。")
    if action == DISPUTE_OPEN:
        if status == LeaseStatus.CLOSED:
            return _("租约已办结。")
        if open_dispute(lease) is not None:
            return _("已有一宗未化解的纠纷，请在其中补充情况。")
    if action == DISPUTE_RESOLVE and open_dispute(lease) is None:
        return _("没有未化解的纠纷。")
    return None


PERMITTED: dict[str, Callable[[Any, Any], bool]] = {
    ISSUE_NOTICE: permissions.can_handle,
    REFUND: permissions.can_handle,
    CLEARANCE: permissions.can_check_clearance,
    CLOSE: permissions.can_close,
    DISPUTE_OPEN: permissions.can_handle,
    DISPUTE_RESOLVE: permissions.can_handle,
}
DENIED = {
    ISSUE_NOTICE: gettext_lazy("您无权下发该租约的停租通知。"),
    REFUND: gettext_lazy("您无权登记该租约的押金退还。"),
    CLEARANCE: gettext_lazy("清租退场由租约所在社区核查。"),
    CLOSE: gettext_lazy("租约由承租企业的属地镇街或指挥部办结。"),
    DISPUTE_OPEN: gettext_lazy("您无权登记该租约的纠纷。"),
    DISPUTE_RESOLVE: gettext_lazy("您无权登记该租约纠纷的化解。"),
}


def require(user: Any, lease: Any, action: str) -> None:
    """Raise PermissionDeniedError (the role) or TransitionError (the state)."""
    if not PERMITTED[action](user, lease):
        raise PermissionDeniedError(str(DENIED[action]))
    reason = _state_refusal(lease, action)
    if reason:
        raise TransitionError(reason)


def refusal(user: Any, lease: Any, action: str) -> str | None:
    """Why the lease's state does not allow the step now (None: it does)."""
    return _state_refusal(lease, action)


@dataclass(frozen=True)
class Offer:
    key: str
    label: Any
    url_name: str
    enabled: bool
    reason: str = ""


# In the order of the lease's life; the page shows them in this order.
LABELS: list[tuple[str, Any, str]] = [
    (ISSUE_NOTICE, gettext_lazy("下发停租通知"), "leases:notice_issue"),
    (REFUND, gettext_lazy("登记押金退还"), "leases:refund"),
    (CLEARANCE, gettext_lazy("核查清租退场"), "leases:clearance"),
    (CLOSE, gettext_lazy("办结"), "leases:close"),
    (DISPUTE_OPEN, gettext_lazy("登记租赁纠纷"), "leases:dispute_open"),
    (DISPUTE_RESOLVE, gettext_lazy("登记纠纷化解"), "leases:dispute_resolve"),
]


def offers_for(user: Any, lease: Any) -> list[Offer]:
    offers = []
    for key, label, url_name in LABELS:
        if not PERMITTED[key](user, lease):
            continue
        reason = _state_refusal(lease, key)
        offers.append(Offer(key=key, label=label, url_name=url_name, enabled=reason is None, reason=reason or ""))
    return offers
