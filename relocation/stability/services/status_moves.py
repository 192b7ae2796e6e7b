"""How incidents and opinion events move between statuses: the checked
transition, its history row and its audit event, in the caller's transaction."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from relocation.core import audit, workflow
from relocation.stability.models import (
    StatusChange,
)
from relocation.stability.services.routing import _user


def _status_history(
    history: type[StatusChange], record: Any, *, actor: Any, from_status: str, to_status: str, reason: str = ""
) -> None:
    """A row of an incident's or an opinion event's status history; the history
    model names the field that points at its record."""
    history.objects.create(
        **{history.record_field: record},
        from_status=from_status,
        to_status=to_status,
        actor=_user(actor),
        at=timezone.now(),
        reason=reason,
    )


def _status_move(
    history: type[StatusChange],
    record: Any,
    *,
    actor: Any,
    target: str,
    allowed: Any,
    reason: str,
    extra: dict | None,
    action: str,
    summary: str,
) -> None:
    """Incidents and opinion events move alike: the checked transition, its
    history row and its audit event (`action` + `_` + target), all in the
    caller's transaction. The caller checks who may move it and words the summary."""
    previous = workflow.move(
        record, field="status", target=target, allowed=allowed, labels=history.statuses, extra=extra
    )
    _status_history(history, record, actor=actor, from_status=previous, to_status=target, reason=reason)
    audit.record(
        actor=actor,
        action=f"{action}_{target}",
        obj=record,
        enterprise_id=record.enterprise_id,
        summary=summary,
        changes={"status": [previous, target]},
    )
