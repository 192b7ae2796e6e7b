"""What the leases app tells the stability risk register (core.risk_signals):
an open dispute between landlord and tenant (the commonest cause of a
blockade at the gate of a collective property) calls for "high"; a deposit
not refunded by the date the termination notice gave calls for "medium"."""

from __future__ import annotations

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core.risk_signals import HIGH, MEDIUM, RiskSignal
from relocation.leases.models import Lease, LeaseDispute, LeaseStatus

DISPUTE = "lease_dispute"
REFUND_OVERDUE = "deposit_refund_overdue"


def lease_signals(programme_id: int, enterprise_ids: list[int] | None) -> list[RiskSignal]:
    """One signal per enterprise and kind (two queries in all)."""
    disputes = LeaseDispute.objects.filter(lease__programme_id=programme_id, resolved_on__isnull=True)
    overdue = Lease.objects.filter(
        programme_id=programme_id,
        status=LeaseStatus.NOTICE_ISSUED,
        deposit__gt=0,
        notice__refund_due_on__lt=timezone.localdate(),
    )
    if enterprise_ids is not None:
        disputes = disputes.filter(lease__enterprise_id__in=enterprise_ids)
        overdue = overdue.filter(enterprise_id__in=enterprise_ids)
    signals = [
        RiskSignal(
            enterprise_id=row["lease__enterprise_id"],
            factor=DISPUTE,
            label=_("租赁纠纷"),
            level=HIGH,
            detail=_("%(n)d宗租赁纠纷未化解") % {"n": row["n"]},
            source="leases",
        )
        for row in disputes.order_by().values("lease__enterprise_id").annotate(n=Count("id"))
    ]
    signals += [
        RiskSignal(
            enterprise_id=row["enterprise_id"],
            factor=REFUND_OVERDUE,
            label=_("押金逾期未退"),
            level=MEDIUM,
            detail=_("%(n)d份租约押金逾期未退，共 %(amount)s 元") % {"n": row["n"], "amount": row["amount"]},
            source="leases",
        )
        for row in overdue.order_by().values("enterprise_id").annotate(n=Count("id"), amount=Sum("deposit"))
    ]
    return signals
