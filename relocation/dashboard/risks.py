"""Why an enterprise is at risk of missing the deadline: each source returns
{enterprise id: [reason, …]} for the ids it is given, in one or two queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.utils.translation import gettext as _

from relocation.enterprises.models import LifecycleStatus

S = LifecycleStatus
NO_COMMITMENT = {S.SURVEYED, S.INTENTION_RECORDED}
HOLDOUT = {S.HOLDOUT, S.FORCED_CLOSURE}

RiskSource = Callable[[dict[int, str], dt.date], dict[int, list[str]]]


def lifecycle_risks(statuses: dict[int, str], today: dt.date) -> dict[int, list[str]]:
    from relocation.enterprises.lifecycle_selectors import overdue_q
    from relocation.enterprises.models import Enterprise

    result: dict[int, list[str]] = defaultdict(list)
    for enterprise_id, status in statuses.items():
        if status in NO_COMMITMENT:
            result[enterprise_id].append(_("未签承诺书"))
        elif status in HOLDOUT:
            result[enterprise_id].append(_("钉子户"))
    overdue = Enterprise.objects.filter(overdue_q(today), pk__in=list(statuses)).values_list("pk", flat=True)
    for enterprise_id in overdue:
        result[enterprise_id].append(_("超过承诺或批次期限"))
    return result


SOURCES: list[RiskSource] = [lifecycle_risks]


def at_risk(statuses: dict[int, str], today: dt.date, sources: Iterable[RiskSource] = SOURCES) -> dict[int, list[str]]:
    """Enterprises not yet closed or relocated that have at least one reason."""
    open_ids = {e: s for e, s in statuses.items() if s not in {S.RELOCATED, S.CLOSED}}
    merged: dict[int, list[str]] = defaultdict(list)
    for source in sources:
        for enterprise_id, reasons in source(open_ids, today).items():
            merged[enterprise_id].extend(reasons)
    return dict(merged)
