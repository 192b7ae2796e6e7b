"""What the leases app tells the stability risk register (core.risk_signals):
an open dispute between landlord and tenant (the commonest cause of a
blockade at the gate of a collective property) calls for "high"; a deposit
not refunded by the date the termination notice gave calls for "medium"."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core.risk_signals import HIGH, MEDIUM, RiskSignal
from relocation.leases.models import Lease, LeaseDispute, LeaseStatus

DISPUTE = "lease_dispute"
REFUND_OVERDUE = "deposit_refund_overdue"


def lease_signals(programme_id: int, enterprise_ids: list[int] | None) -> list[RiskSignal]:
    """Up to two signals per enterprise (one query: the register costs the
    same whatever its length)."""
    disputed = Q(Exists(LeaseDispute.objects.filter(lease=OuterRef("pk"), resolved_on__isnull=True)))
    overdue = Q(status=LeaseStatus.NOTICE_ISSUED, deposit__gt=0, notice__refund_due_on__lt=timezone.localdate())
    leases = Lease.objects.filter(disputed | overdue, programme_id=programme_id)
    if enterprise_ids is not None:
        leases = leases.filter(enterprise_id__in=enterprise_ids)
    rows = (
        leases.order_by()
        .values("enterprise_id")
        .annotate(
            disputes=Count("id", filter=disputed),
            overdue=Count("id", filter=overdue),
            amount=Sum("deposit", filter=overdue),
        )
    )
    signals = []
    for row in rows:
        if row["disputes"]:
            signals.append(
                RiskSignal(
                    enterprise_id=row["enterprise_id"],
                    factor=DISPUTE,
                    label=_("租赁纠纷"),
                    level=HIGH,
                    detail=_("%(n)d宗租赁纠纷未化解") % {"n": row["disputes"]},
                    source="leases",
                )
            )
        if row["overdue"]:
            signals.append(
                RiskSignal(
                    enterprise_id=row["enterprise_id"],
                    factor=REFUND_OVERDUE,
                    label=_("押金逾期未退"),
                    level=MEDIUM,
                    detail=_("%(n)d份租约押金逾期未退，共 %(amount)s 元")
                    % {"n": row["overdue"], "amount": row["amount"]},
                    source="leases",
                )
            )
    return signals
