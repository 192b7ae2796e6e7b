"""Why an enterprise is at risk of missing the deadline: each source returns
{enterprise id: [reason, …]} for the ids it is given, in one or two queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from relocation.enterprises.models import LifecycleStatus

S = LifecycleStatus
NO_COMMITMENT = {S.SURVEYED, S.INTENTION_RECORDED}
HOLDOUT = {S.HOLDOUT, S.FORCED_CLOSURE}

# A source gets the open enterprises' stages, the scope as a queryset (for
# subqueries) and the date; it returns the reasons it finds.
RiskSource = Callable[[dict[int, str], QuerySet, dt.date], dict[int, list[str]]]


def lifecycle_risks(statuses: dict[int, str], scope: QuerySet, today: dt.date) -> dict[int, list[str]]:
    from relocation.enterprises.lifecycle_selectors import overdue_q

    no_commitment, holdout, overdue_reason = _("未签承诺书"), _("钉子户"), _("超过承诺或批次期限")
    result: dict[int, list[str]] = defaultdict(list)
    for enterprise_id, status in statuses.items():
        if status in NO_COMMITMENT:
            result[enterprise_id].append(no_commitment)
        elif status in HOLDOUT:
            result[enterprise_id].append(holdout)
    for enterprise_id in scope.filter(overdue_q(today)).values_list("pk", flat=True):
        if enterprise_id in statuses:
            result[enterprise_id].append(overdue_reason)
    return result


SOURCES: list[RiskSource] = [lifecycle_risks]


def at_risk(
    statuses: dict[int, str], scope: QuerySet, today: dt.date, sources: Iterable[RiskSource] = SOURCES
) -> dict[int, list[str]]:
    """Enterprises not yet closed or relocated that have at least one reason."""
    open_ids = {e: s for e, s in statuses.items() if s not in {S.RELOCATED, S.CLOSED}}
    merged: dict[int, list[str]] = defaultdict(list)
    for source in sources:
        for enterprise_id, reasons in source(open_ids, scope, today).items():
            merged[enterprise_id].extend(reasons)
    return dict(merged)
