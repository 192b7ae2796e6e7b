"""Production status (生产状态) changed by enforcement decisions.

A suspension (停产停业整改) or a ban (取缔) stops the enterprise, a sealing
(查封扣押) seals it. Enforcement (floor 4) calls down here when such a
decision takes effect and when it is lifted or revoked; this module keeps the
history (ProductionStatusChange) and decides what the status returns to:
the strongest decision still in force, else stopped when the lifecycle has
production stopped, else what it was before the first decision took hold.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit
from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.roles import is_hq_editor, is_unit_member
from relocation.core.workflow import move
from relocation.enterprises.lifecycle_facts import STOPPED
from relocation.enterprises.models import (
    Enterprise,
    ProductionChangeKind,
    ProductionStatus,
    ProductionStatusChange,
)

P = ProductionStatus

# A decision may move the production status from anything to anything; the
# table exists so the move is still a conditional UPDATE (no lost update).
PRODUCTION_MOVES: dict[str, frozenset[str]] = {s: frozenset(P.values) for s in P.values}
# What a decision imposes; a sealing outranks a stop when both are in force.
HOLD_TARGETS = frozenset({P.STOPPED, P.SEALED})
_STRENGTH = {P.STOPPED: 1, P.SEALED: 2}


def can_change(user: Any, enterprise: Enterprise) -> bool:
    """HQ editors, or the territorial unit's people."""
    if user is None:
        return True
    return is_hq_editor(user) or (
        is_unit_member(user) and user.unit_id is not None and user.unit_id == enterprise.territorial_unit_id
    )


def _key(decision_object: models.Model) -> tuple[str, str]:
    return decision_object._meta.label_lower, str(decision_object.pk)


def _replay(enterprise: Enterprise) -> tuple[dict[tuple[str, str], str], str | None]:
    """(holds still in force → status each imposes, status before the first of them)."""
    active: dict[tuple[str, str], str] = {}
    base: str | None = None
    for row in ProductionStatusChange.objects.filter(enterprise=enterprise).order_by("at", "id"):
        key = (row.decision_object_type, row.decision_object_id)
        if row.kind == ProductionChangeKind.HOLD:
            if not active:
                base = row.from_status
            active[key] = row.to_status
        else:
            active.pop(key, None)
    return active, base


def _apply(
    *,
    actor: Any,
    enterprise: Enterprise,
    kind: str,
    target: str,
    reason: str,
    decision_object: models.Model,
) -> ProductionStatusChange:
    previous = enterprise.production_status
    if target != previous:
        move(enterprise, field="production_status", target=target, allowed=PRODUCTION_MOVES, labels=P)
    object_type, object_id = _key(decision_object)
    change = ProductionStatusChange.objects.create(
        enterprise=enterprise,
        kind=kind,
        from_status=previous,
        to_status=target,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        at=timezone.now(),
        reason=reason,
        decision_object_type=object_type,
        decision_object_id=object_id,
    )
    audit.record(
        actor=actor,
        action="enterprise.production_status_changed",
        obj=enterprise,
        enterprise_id=enterprise.pk,
        summary=_("生产状态：%(src)s → %(dst)s（%(reason)s）")
        % {"src": P(previous).label, "dst": P(target).label, "reason": reason[:200]},
        changes={"production_status": [previous, target], "decision": [None, f"{object_type}#{object_id}"]},
    )
    return change


def _check_request(actor: Any, enterprise: Enterprise, reason: str, check_permission: bool) -> None:
    """What holding and releasing both require: the right to change the
    enterprise (unless the calling service has checked it) and a reason."""
    if check_permission and not can_change(actor, enterprise):
        raise PermissionDeniedError(_("您无权变更该企业的生产状态。"))
    if not reason.strip():
        raise ServiceError(_("请填写变更理由。"), code="reason")


def production_hold(
    *,
    actor: Any,
    enterprise: Enterprise,
    target: str,
    reason: str,
    decision_object: models.Model,
    check_permission: bool = True,
) -> ProductionStatusChange:
    """An enforcement decision in force stops (`stopped`) or seals (`sealed`)
    the enterprise. The row is kept even when the status does not change
    (a ban on an enterprise already stopped), so releasing one decision never
    lifts another. `check_permission=False` is for the enforcement service,
    which has checked that the actor may approve the decision."""
    if target not in HOLD_TARGETS:
        raise ServiceError(_("执法决定只能使企业停产或查封。"), code="target")
    _check_request(actor, enterprise, reason, check_permission)
    with transaction.atomic():
        enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        active, _base = _replay(enterprise)
        if _key(decision_object) in active:
            raise ServiceError(_("该执法决定已经生效。"), code="decision")
        strongest = max([target, *active.values()], key=lambda s: _STRENGTH.get(s, 0))
        return _apply(
            actor=actor,
            enterprise=enterprise,
            kind=ProductionChangeKind.HOLD,
            target=strongest,
            reason=reason.strip(),
            decision_object=decision_object,
        )


def production_release(
    *,
    actor: Any,
    enterprise: Enterprise,
    reason: str,
    decision_object: models.Model,
    check_permission: bool = True,
) -> ProductionStatusChange | None:
    """The decision no longer holds (lifted or revoked): the status becomes
    what the decisions still in force impose, else `stopped` when the
    lifecycle says production has stopped, else what it was before the first
    decision took hold. None when the decision never held the enterprise."""
    _check_request(actor, enterprise, reason, check_permission)
    with transaction.atomic():
        enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        active, base = _replay(enterprise)
        if active.pop(_key(decision_object), None) is None:
            return None
        if active:
            target = max(active.values(), key=lambda s: _STRENGTH.get(s, 0))
        elif enterprise.status in STOPPED:
            target = P.STOPPED
        else:
            target = base or P.PRODUCING
        return _apply(
            actor=actor,
            enterprise=enterprise,
            kind=ProductionChangeKind.RELEASE,
            target=target,
            reason=reason.strip(),
            decision_object=decision_object,
        )


def production_history(enterprise: Enterprise) -> list[ProductionStatusChange]:
    """The enterprise's production-status changes by decisions, newest first."""
    return list(enterprise.production_changes.select_related("actor").order_by("-at", "-id"))
