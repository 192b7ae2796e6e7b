"""Why an enterprise is at risk of missing the deadline.

Each reason is either given by the enterprise's lifecycle stage or by other
records (a condition on Enterprise). Only enterprises not yet closed or
relocated count, except for the reasons that doubt the closure itself (a
"stopped but still consuming" or toxic-chemical alert): those show whatever
the enterprise's status, since a closed site drawing water is the point. Today's reasons are computed by the database, one 0/1
column per reason, so that ten thousand enterprises never become Python
objects; a past date (time travel) checks the stages it rebuilt from
history in Python and the other conditions with one query each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When, Window
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from relocation.enterprises import lifecycle_facts
from relocation.enterprises.models import LifecycleStatus

S = LifecycleStatus
NO_COMMITMENT = frozenset({S.SURVEYED.value, S.INTENTION_RECORDED.value})
# A risk while the enterprise refuses, and until a forced closure has stopped it.
HOLDOUT = lifecycle_facts.HOLDOUT | lifecycle_facts.FORCED_CLOSURE_IN_PROGRESS
DONE = lifecycle_facts.DONE


def _overdue(today: dt.date) -> Q:
    from relocation.enterprises.lifecycle_selectors import overdue_q

    return overdue_q(today)


def open_violation_q() -> Q:
    """Enterprises with a violation not yet put right, as enforcement defines
    it (core.compliance, the definition parks' incentives use too): a
    subquery, never rows in Python. Without a provider, none is flagged."""
    from relocation.core import compliance

    ids = compliance.open_violation_enterprise_ids()
    return Q(pk__in=[]) if ids is None else Q(pk__in=ids)


def _open_violation(today: dt.date) -> Q:
    return open_violation_q()


# Alerts that doubt a stop or a closure (the monitoring detectors' evidence).
EVIDENCE_ALERT_KINDS = ("stopped_consuming", "toxic_discrepancy")


def _open_alerts():
    from relocation.monitoring.models import Alert, AlertStatus

    return Alert.objects.exclude(status=AlertStatus.CLOSED).order_by()


def _open_alert(today: dt.date) -> Q:
    return Q(pk__in=_open_alerts().exclude(kind__in=EVIDENCE_ALERT_KINDS).values("enterprise_id"))


def _open_evidence_alert(today: dt.date) -> Q:
    return Q(pk__in=_open_alerts().filter(kind__in=EVIDENCE_ALERT_KINDS).values("enterprise_id"))


def _procedure_attention(today: dt.date) -> Q:
    from relocation.parks.models import ProcedureItem
    from relocation.parks.selectors import attention_items

    return Q(pk__in=attention_items(ProcedureItem.objects.all(), today).order_by().values("enterprise_id"))


@dataclass(frozen=True)
class Reason:
    key: str
    label: Promise
    # Given by the lifecycle stage (the stage shown: today's, or a past date's)…
    stages: frozenset[str] = frozenset()
    # …or by other records, as a condition on Enterprise for the given date.
    condition: Callable[[dt.date], Q] | None = None
    # Counted for closed and relocated enterprises too.
    any_status: bool = False

    @property
    def column(self) -> str:
        return f"risk_{self.key}"

    def q(self, today: dt.date) -> Q:
        return Q(status__in=self.stages) if self.condition is None else self.condition(today)


# In the order the reasons are listed for an enterprise.
REASONS: list[Reason] = [
    Reason("no_commitment", _("未签承诺书"), stages=NO_COMMITMENT),
    Reason("holdout", _("拒不关停搬迁"), stages=HOLDOUT),
    Reason("overdue", _("超过承诺或批次期限"), condition=_overdue),
    Reason("open_violation", _("有未销号的违法整改"), condition=_open_violation),
    Reason("alert", _("监控预警未处理"), condition=_open_alert),
    Reason("evidence", _("停产仍用水用电或剧毒化学品预警未处理"), condition=_open_evidence_alert, any_status=True),
    Reason("procedure", _("搬迁手续逾期或受阻"), condition=_procedure_attention),
]
COLUMNS = tuple(r.column for r in REASONS)


def _flag(q: Q) -> Case:
    return Case(When(q, then=Value(1)), default=Value(0), output_field=IntegerField())


def _total(flags: list[Case]) -> Any:
    return sum(flags, start=Value(0))


def _gated(reason: Reason, today: dt.date) -> Q:
    """The reason's condition, limited to open enterprises unless it counts for all."""
    return reason.q(today) if reason.any_status else ~Q(status__in=DONE) & reason.q(today)


def annotate(scope: QuerySet, today: dt.date) -> QuerySet:
    """`scope` with one 0/1 column per reason and `risk_count`, their sum
    (closed or relocated enterprises count only the any-status reasons)."""
    is_open = ~Q(status__in=DONE)
    # The count tests "open" once rather than in each reason: the zone map
    # asks it of every enterprise.
    always = [_flag(r.q(today)) for r in REASONS if r.any_status]
    count = Case(
        When(is_open, then=_total([_flag(r.q(today)) for r in REASONS])),
        default=_total(always),
        output_field=IntegerField(),
    )
    return scope.annotate(**{r.column: _flag(_gated(r, today)) for r in REASONS}, risk_count=count)


def reasons_of(row: dict[str, Any]) -> list[str]:
    """The reasons of a row fetched with the columns `annotate` adds."""
    return [str(r.label) for r in REASONS if row[r.column]]


def ranked(scope: QuerySet, today: dt.date, limit: int | None = None) -> tuple[list[dict[str, Any]], int]:
    """Today's enterprises at risk, most reasons first, then by name: up to
    `limit` rows of {id, name, status, reasons}, and how many there are in all
    (one query: the database sorts and cuts, a window counts)."""
    conditions = [_gated(r, today) for r in REASONS]
    any_reason = conditions[0]
    for q in conditions[1:]:
        any_reason |= q
    flags = {r.column: _flag(q) for r, q in zip(REASONS, conditions, strict=True)}
    # Enterprises with a reason are filtered first (the conditions stop at
    # the first that holds); the flags are then computed once per row and
    # the sort refers to their selected sum.
    qs = (
        scope.filter(any_reason)
        .annotate(**flags, risk_count=_total(list(flags.values())), n_at_risk=Window(Count("id")))
        .order_by("-risk_count", "name", "id")
        .values("id", "name", "status", "risk_count", "n_at_risk", *COLUMNS)
    )
    rows = list(qs if limit is None else qs[:limit])
    total = rows[0]["n_at_risk"] if rows else 0
    return [{"id": r["id"], "name": r["name"], "status": r["status"], "reasons": reasons_of(r)} for r in rows], total


def at_risk(statuses: dict[int, str], scope: QuerySet, today: dt.date) -> dict[int, list[str]]:
    """{enterprise id: [reason, …]} for the enterprises of `statuses` (their
    stage on `today`, e.g. rebuilt from history) that have at least one
    reason (closed or relocated by then: only the any-status reasons). One
    query per condition reason."""
    open_ids = {e: s for e, s in statuses.items() if s not in DONE}
    result: dict[int, list[str]] = {}
    for reason in REASONS:
        label = str(reason.label)
        eligible = statuses if reason.any_status else open_ids
        if reason.condition is None:
            hits = [e for e, s in eligible.items() if s in reason.stages]
        else:
            found = set(scope.filter(reason.condition(today)).order_by().values_list("pk", flat=True))
            hits = [e for e in found if e in eligible]
        for enterprise_id in hits:
            result.setdefault(enterprise_id, []).append(label)
    return result


def rank(risk: dict[int, list[str]], names: dict[int, str]) -> list[tuple[int, list[str]]]:
    """The same order as `ranked`, for reasons computed in Python."""
    return sorted(risk.items(), key=lambda item: (-len(item[1]), names.get(item[0], ""), item[0]))
