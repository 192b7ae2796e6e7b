"""Reads of the lifecycle, scoped to the user through the ledger's selectors:
history, counts per stage and batch, overdue enterprises, letters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from relocation.enterprises.lifecycle_facts import AWAITING_SHUTDOWN, DONE
from relocation.enterprises.models import (
    Batch,
    CommitmentDateChange,
    CommitmentLetter,
    DateChangeStatus,
    Enterprise,
    LetterStatus,
    LifecycleStatus,
    StatusChange,
)
from relocation.enterprises.selectors import enterprises_for_user
from relocation.organisation.models import Phase, Programme

S = LifecycleStatus


def history_of(enterprise: Enterprise) -> QuerySet[StatusChange]:
    return enterprise.status_changes.select_related("actor").order_by("-at", "-id")


def production_stop_of(enterprise: Enterprise) -> StatusChange | None:
    """The lifecycle move that recorded production stopped (停产), the first
    one if the history holds several; None when production has not stopped
    on record. Its `at` is the production-stop time that incentives count."""
    return (
        StatusChange.objects.filter(enterprise=enterprise, to_status=LifecycleStatus.PRODUCTION_STOPPED)
        .select_related("actor")
        .order_by("at", "id")
        .first()
    )


def overdue_q(today: dt.date) -> Q:
    """Enterprises that should have stopped producing by now: past the
    committed shutdown date of their letter, or past their batch deadline."""
    return Q(status__in=AWAITING_SHUTDOWN) & (
        Q(commitment_letter__committed_shutdown_on__lt=today) | Q(relocation_plan__batch__deadline__lt=today)
    )


def overdue_for_user(user: Any, today: dt.date | None = None) -> QuerySet[Enterprise]:
    today = today or timezone.localdate()
    return (
        enterprises_for_user(user)
        .filter(overdue_q(today))
        .annotate(
            committed_shutdown_on=F("commitment_letter__committed_shutdown_on"),
            batch_name=F("relocation_plan__batch__name"),
            batch_deadline=F("relocation_plan__batch__deadline"),
        )
        .order_by("relocation_plan__batch__deadline", "name", "id")
    )


def overdue_ids(user: Any, today: dt.date | None = None, among: Iterable[Any] | None = None) -> set[int]:
    """The ids of the overdue enterprises the user sees (one query, for badges).

    `among` (enterprises or their ids, e.g. the rows of one page) limits the
    question to those: a list page then pays for its rows only, not for the
    whole ledger."""
    today = today or timezone.localdate()
    qs = enterprises_for_user(user)
    if among is not None:
        ids = [getattr(e, "pk", e) for e in among]
        if not ids:
            return set()
        qs = qs.filter(pk__in=ids)
    return set(qs.filter(overdue_q(today)).values_list("pk", flat=True))


def is_overdue(enterprise: Enterprise, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return Enterprise.objects.filter(pk=enterprise.pk).filter(overdue_q(today)).exists()


def stage_counts(user: Any) -> list[dict[str, Any]]:
    """How many enterprises stand at each stage (one query)."""
    counts = dict(
        enterprises_for_user(user).order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    return [{"status": value, "label": label, "count": counts.get(value, 0)} for value, label in S.choices]


def batches_for_programme(programme_id: int | None) -> QuerySet[Batch]:
    qs = Batch.objects.all()
    if programme_id:
        qs = qs.filter(programme_id=programme_id)
    return qs


def batch_progress(user: Any, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Per batch: enterprises by status, how many finished (relocated or
    closed) and how many overdue. Two queries whatever the number of batches."""
    today = today or timezone.localdate()
    visible = enterprises_for_user(user)
    programme_id = getattr(getattr(user, "unit", None), "programme_id", None)
    batches = list(batches_for_programme(programme_id))
    rows = (
        visible.exclude(relocation_plan__batch=None)
        .order_by()
        .values_list("relocation_plan__batch_id", "status")
        .annotate(n=Count("id"))
    )
    by_batch: dict[int, dict[str, int]] = {}
    for batch_id, status, n in rows:
        by_batch.setdefault(batch_id, {})[status] = n
    result = []
    for batch in batches:
        counts = by_batch.get(batch.pk, {})
        total = sum(counts.values())
        done = sum(counts.get(s, 0) for s in DONE)
        awaiting = sum(counts.get(s, 0) for s in AWAITING_SHUTDOWN)
        result.append(
            {
                "batch": batch,
                "total": total,
                "done": done,
                "percent": round(100 * done / total) if total else 0,
                "counts": [{"status": v, "label": lbl, "count": counts.get(v, 0)} for v, lbl in S.choices],
                "overdue": awaiting if batch.deadline < today else 0,
            }
        )
    return result


def phases_of(programme: Programme | None) -> QuerySet[Phase]:
    if programme is None:
        return Phase.objects.none()
    return programme.phases.order_by("order")


def letters_for_user(user: Any) -> QuerySet[CommitmentLetter]:
    return CommitmentLetter.objects.filter(enterprise__in=enterprises_for_user(user)).select_related(
        "enterprise", "enterprise__territorial_unit"
    )


def filter_letters(qs: QuerySet[CommitmentLetter], params: dict[str, str]) -> QuerySet[CommitmentLetter]:
    state = params.get("state")
    if state == "signed":
        qs = qs.filter(status=LetterStatus.SIGNED)
    elif state == "unsigned":
        qs = qs.exclude(status=LetterStatus.SIGNED)
    elif state == "changed":
        qs = qs.filter(dates_changed=True)
    elif state == "pending_change":
        qs = qs.filter(date_changes__status=DateChangeStatus.PENDING)
    if params.get("q"):
        qs = qs.filter(enterprise__search_text__contains=params["q"].lower())
    return qs.order_by("committed_shutdown_on", "id")


def date_changes_for_user(user: Any) -> QuerySet[CommitmentDateChange]:
    return CommitmentDateChange.objects.filter(letter__enterprise__in=enterprises_for_user(user)).select_related(
        "letter", "letter__enterprise", "requested_by", "decided_by"
    )


def enterprises_without_letter(user: Any) -> QuerySet[Enterprise]:
    return enterprises_for_user(user).filter(commitment_letter__isnull=True).exclude(status__in=DONE)
