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
NO_COMMITMENT = {S.SURVEYED.value, S.INTENTION_RECORDED.value}
HOLDOUT = {S.HOLDOUT.value, S.FORCED_CLOSURE.value}

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


def _ids_reason(qs: QuerySet, statuses: dict[int, str], reason: str) -> dict[int, list[str]]:
    # order_by() drops the model's default ordering, which DISTINCT would otherwise include.
    ids = qs.order_by().values_list("enterprise_id", flat=True).distinct()
    return {pk: [reason] for pk in ids if pk in statuses}


def enforcement_risks(statuses: dict[int, str], scope: QuerySet, today: dt.date) -> dict[int, list[str]]:
    """An order or decision still in force (not yet closed by a re-inspection)."""
    from relocation.enforcement.models import Measure

    open_measures = Measure.objects.filter(enterprise__in=scope, status__in=OPEN_MEASURE_STATUSES)
    return _ids_reason(open_measures, statuses, _("有未销号的违法整改"))


def monitoring_risks(statuses: dict[int, str], scope: QuerySet, today: dt.date) -> dict[int, list[str]]:
    from relocation.monitoring.models import Alert, AlertStatus

    alerts = Alert.objects.filter(enterprise__in=scope).exclude(status=AlertStatus.CLOSED)
    return _ids_reason(alerts, statuses, _("监控预警未处理"))


def procedure_risks(statuses: dict[int, str], scope: QuerySet, today: dt.date) -> dict[int, list[str]]:
    from relocation.parks.models import ProcedureItem
    from relocation.parks.selectors import attention_items

    items = attention_items(ProcedureItem.objects.filter(enterprise__in=scope), today)
    return _ids_reason(items, statuses, _("搬迁手续逾期或受阻"))


# Measures that keep an enterprise "with an open violation".
OPEN_MEASURE_STATUSES = ("pending_approval", "in_force", "escalated")

SOURCES: list[RiskSource] = [lifecycle_risks, enforcement_risks, monitoring_risks, procedure_risks]


def at_risk(
    statuses: dict[int, str], scope: QuerySet, today: dt.date, sources: Iterable[RiskSource] = SOURCES
) -> dict[int, list[str]]:
    """Enterprises not yet closed or relocated that have at least one reason."""
    done = {S.RELOCATED.value, S.CLOSED.value}
    open_ids = {e: s for e, s in statuses.items() if s not in done}
    merged: dict[int, list[str]] = {}
    for source in sources:
        for enterprise_id, reasons in source(open_ids, scope, today).items():
            if enterprise_id in merged:
                merged[enterprise_id] = merged[enterprise_id] + reasons
            else:
                merged[enterprise_id] = reasons
    return merged
