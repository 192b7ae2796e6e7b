"""What the workers app tells the stability risk register (core.risk_signals):
every enterprise with unresolved labour cases, per kind, with the money still
owed. Unpaid wages are the commonest cause of a gathering at the gate, so any
open case calls for at least "medium"; many workers or a large sum for "high"."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Sum
from django.utils.translation import gettext as _

from relocation.core.risk_signals import HIGH, MEDIUM, RiskSignal
from relocation.workers.models import UNRESOLVED, CaseKind, CaseLine, LabourCase

# Past either of these, one kind of case alone makes the enterprise high-risk.
HIGH_WORKERS = 30
HIGH_OUTSTANDING = Decimal("500000")


def open_case_signals(programme_id: int, enterprise_ids: list[int] | None) -> list[RiskSignal]:
    """One signal per enterprise and case kind (two queries in all)."""
    cases = LabourCase.objects.filter(programme_id=programme_id, status__in=UNRESOLVED)
    if enterprise_ids is not None:
        cases = cases.filter(enterprise_id__in=enterprise_ids)
    rows = list(
        cases.order_by()
        .values("enterprise_id", "kind")
        .annotate(n=Count("id"), left=Sum(F("total_owed") - F("total_paid")))
    )
    if not rows:
        return []
    people: dict[tuple[int, str], int] = {
        (r["case__enterprise_id"], r["case__kind"]): r["w"]
        for r in CaseLine.objects.filter(case__in=cases)
        .order_by()
        .values("case__enterprise_id", "case__kind")
        .annotate(w=Count("worker_id", distinct=True))
    }
    signals = []
    for row in rows:
        workers = people.get((row["enterprise_id"], row["kind"]), 0)
        left: Any = row["left"] or Decimal(0)
        high = workers >= HIGH_WORKERS or left >= HIGH_OUTSTANDING
        signals.append(
            RiskSignal(
                enterprise_id=row["enterprise_id"],
                factor=row["kind"],
                label=CaseKind(row["kind"]).label,
                level=HIGH if high else MEDIUM,
                detail=_("%(n)d件未解决，涉及%(w)d名工人，尚欠 %(left)s 元")
                % {"n": row["n"], "w": workers, "left": left},
                source="workers",
            )
        )
    return signals
