"""Measures on a violation: rectification orders with their follow-up
(回头看), decisions under four eyes, revocation and lifting, and what a
decision does to the enterprise's production status."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit
from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.workflow import move, save_if_unchanged
from relocation.enforcement.models import (
    FOUR_EYES_KINDS,
    EnforcementTeam,
    EscalationStep,
    Inspection,
    InspectionKind,
    InspectionStatus,
    Measure,
    MeasureKind,
    MeasureStatus,
    MeasureTransition,
    Violation,
)
from relocation.enforcement.services.documents import _document_issue
from relocation.enforcement.services.permissions import _require, can_approve_for_team, can_work_for_team
from relocation.enforcement.transitions import MEASURE_MOVES
from relocation.enterprises import production
from relocation.enterprises.models import ProductionStatus
from relocation.organisation.functions import UnitFunction


def _measure_move(actor: Any, measure: Measure, target: str, reason: str = "", **extra: Any) -> None:
    previous = move(
        measure, field="status", target=target, allowed=MEASURE_MOVES, labels=MeasureStatus, extra=extra or None
    )
    MeasureTransition.objects.create(
        measure=measure,
        from_status=previous,
        to_status=target,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        reason=reason,
    )


def _ladder(programme_id: int) -> list[EscalationStep]:
    return list(EscalationStep.objects.filter(programme_id=programme_id).order_by("level"))


def _level_of(programme_id: int, kind: str) -> int:
    step = EscalationStep.objects.filter(programme_id=programme_id, kind=kind).first()
    return step.level if step else 0


def measure_issue(
    *,
    actor: Any,
    violation: Violation,
    kind: str,
    team: EnforcementTeam | None = None,
    content: str = "",
    workdays: int | None = None,
    amount: Decimal | None = None,
    decision_number: str = "",
    escalated_from: Measure | None = None,
    today: dt.date | None = None,
) -> Measure:
    """Take a measure on a violation.

    A rectification order takes effect at once: its deadline is `workdays`
    working days from today, its notice (责令改正通知书) is generated and
    numbered, and its re-inspection is scheduled at the deadline in the team's
    queue with a follow-up task for the team's unit. Every other measure waits
    for a second person's approval (`measure_approve`)."""
    team = team or violation.inspection.team
    if actor is not None:
        _require(can_work_for_team(actor, team), _("只有本执法组成员可以采取执法措施。"))
    if kind not in MeasureKind.values:
        raise ServiceError(_("未知的执法措施。"), code="kind")
    if team.programme_id != violation.programme_id:
        raise ServiceError(_("执法组不属于本项目。"), code="team")
    today = today or timezone.localdate()
    values: dict[str, Any] = {"content": content.strip()}
    if kind == MeasureKind.RECTIFICATION:
        if workdays is None or not (1 <= int(workdays) <= 180):
            raise ServiceError(_("整改期限须为 1 至 180 个工作日。"), code="workdays")
        from relocation.core.workdays import add_workdays

        values.update(workdays=int(workdays), deadline=add_workdays(today, int(workdays)))
    if kind == MeasureKind.FINE:
        if amount is None or Decimal(amount) <= 0:
            raise ServiceError(_("罚款金额须大于零。"), code="amount")
        values.update(amount=Decimal(amount), decision_number=decision_number.strip())
    with transaction.atomic():
        level = _level_of(violation.programme_id, kind) or 1
        measure = Measure.objects.create(
            programme_id=violation.programme_id,
            violation=violation,
            enterprise_id=violation.enterprise_id,
            team=team,
            kind=kind,
            status=MeasureStatus.PENDING_APPROVAL if kind in FOUR_EYES_KINDS else MeasureStatus.IN_FORCE,
            level=level,
            escalated_from=escalated_from,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            **values,
        )
        MeasureTransition.objects.create(
            measure=measure,
            from_status="",
            to_status=measure.status,
            actor=measure.created_by,
            reason=_("由升级产生") if escalated_from else "",
        )
        audit.record(
            actor=actor,
            action="enforcement.measure_issued" if kind == MeasureKind.RECTIFICATION else "enforcement.measure_drafted",
            obj=measure,
            enterprise_id=measure.enterprise_id,
            summary=(
                _("责令限期整改，%(n)s 个工作日内（%(d)s 前）") % {"n": measure.workdays, "d": measure.deadline}
                if kind == MeasureKind.RECTIFICATION
                else _("拟采取措施：%(k)s，待审批") % {"k": measure.get_kind_display()}
            ),
            changes=audit.snapshot(measure, ["kind", "status", "workdays", "deadline", "amount", "content"]),
        )
        if kind == MeasureKind.RECTIFICATION:
            _document_issue(actor=actor, measure=measure)
            _follow_up_schedule(actor=actor, order=measure)
        else:
            _approval_task(actor=actor, measure=measure)
    return measure


def _approval_task(*, actor: Any, measure: Measure) -> None:
    from relocation.supervision.services import task_create

    task_create(
        actor=actor,
        title=_("审批执法措施：%(k)s · %(e)s") % {"k": measure.get_kind_display(), "e": measure.enterprise.name},
        lead_unit=measure.team.lead_unit,
        deadline=timezone.localdate() + dt.timedelta(days=3),
        source="enforcement",
        subject=measure,
        enterprise_id=measure.enterprise_id,
        dedupe_key=f"enforcement.approve:{measure.pk}",
    )


def _follow_up_schedule(*, actor: Any, order: Measure) -> Inspection:
    """Put the re-inspection (回头看) in the team's queue at the deadline, and
    a follow-up task for the team's unit. Idempotent per order."""
    from relocation.supervision.services import task_create

    existing = Inspection.objects.filter(follow_up_of=order, status=InspectionStatus.SCHEDULED).first()
    if existing is not None:
        return existing
    follow_up = Inspection.objects.create(
        programme_id=order.programme_id,
        enterprise_id=order.enterprise_id,
        team=order.team,
        kind=InspectionKind.FOLLOW_UP,
        status=InspectionStatus.SCHEDULED,
        scheduled_on=order.deadline,
        follow_up_of=order,
    )
    task_create(
        actor=actor,
        title=_("回头看复查：%(e)s（整改期限 %(d)s）") % {"e": order.enterprise.name, "d": order.deadline},
        lead_unit=order.team.lead_unit,
        deadline=order.deadline or timezone.localdate(),
        description=order.content,
        source="enforcement",
        subject=order,
        enterprise_id=order.enterprise_id,
        dedupe_key=f"enforcement.follow_up:{order.pk}",
    )
    return follow_up


def _follow_up_task_complete(*, actor: Any, order: Measure, inspection: Inspection) -> None:
    """The re-inspection that closed the order is the proof the follow-up task
    asked for: the task is verified through supervision, in this transaction."""
    from relocation.supervision.services import task_complete_for_subject

    task_complete_for_subject(
        actor=actor,
        subject=order,
        dedupe_key=f"enforcement.follow_up:{order.pk}",
        note=_("回头看复查确认整改到位，整改令销号（检查 #%(id)s，%(d)s）")
        % {"id": inspection.pk, "d": inspection.inspected_on},
    )


def _follow_up_task_cancel(*, actor: Any, order: Measure, reason: str, action: str) -> None:
    """The order will never be re-inspected (revoked, or escalated and renewed
    by an order with its own task): its follow-up task is cancelled through
    supervision with the reason, in this transaction, so no unit is left
    chasing it."""
    from relocation.supervision.services import task_cancel_for_subject

    task_cancel_for_subject(
        actor=actor,
        subject=order,
        dedupe_key=f"enforcement.follow_up:{order.pk}",
        reason=reason,
        action=action,
    )


# What an approved decision does to the enterprise's production status.
PRODUCTION_HOLDS = {
    MeasureKind.SUSPENSION: ProductionStatus.STOPPED,
    MeasureKind.SEALING: ProductionStatus.SEALED,
    MeasureKind.BAN: ProductionStatus.STOPPED,
}
# Decisions that are lifted (解除) once the enterprise has put things right;
# a ban (取缔) is final and only a revocation undoes it.
LIFTABLE_KINDS = frozenset({MeasureKind.SUSPENSION, MeasureKind.SEALING})


def _production_hold(*, actor: Any, measure: Measure) -> None:
    target = PRODUCTION_HOLDS.get(measure.kind)
    if target is None:
        return
    # The approver's right was checked above (can_approve_for_team); the
    # decision is the authority for the change, so the ledger's own
    # permission (HQ or the territorial unit) is not asked again.
    production.production_hold(
        actor=actor,
        enterprise=measure.enterprise,
        target=target,
        reason=_("%(k)s决定生效（%(n)s）")
        % {"k": measure.get_kind_display(), "n": measure.decision_number or measure.pk},
        decision_object=measure,
        check_permission=False,
    )


def _production_release(*, actor: Any, measure: Measure, reason: str) -> None:
    if measure.kind not in PRODUCTION_HOLDS:
        return
    production.production_release(
        actor=actor,
        enterprise=measure.enterprise,
        reason=reason,
        decision_object=measure,
        check_permission=False,
    )


EDITABLE_MEASURE_FIELDS = ["content", "amount", "decision_number"]


def measure_update(*, actor: Any, measure: Measure, data: dict[str, Any], expected_version: int) -> Measure:
    """Edit a draft decision. An approved (or rejected, revoked) decision is
    never edited: it can only be revoked with a reason."""
    _require(can_work_for_team(actor, measure.team), _("只有本执法组成员可以修改执法措施。"))
    if measure.status != MeasureStatus.PENDING_APPROVAL:
        raise ServiceError(_("已生效的决定不能修改，只能说明理由后撤销。"), code="status")
    values = {k: v for k, v in data.items() if k in EDITABLE_MEASURE_FIELDS}
    if (
        measure.kind == MeasureKind.FINE
        and "amount" in values
        and (values["amount"] is None or Decimal(values["amount"]) <= 0)
    ):
        raise ServiceError(_("罚款金额须大于零。"), code="amount")
    with transaction.atomic():
        before = audit.snapshot(measure, EDITABLE_MEASURE_FIELDS)
        for k, v in values.items():
            setattr(measure, k, v)
        changes = audit.diff(before, audit.snapshot(measure, EDITABLE_MEASURE_FIELDS))
        if not changes:
            return measure
        # The status condition rides on the version check: approval bumps the version.
        save_if_unchanged(measure, expected_version=expected_version, fields=list(changes))
        audit.record(
            actor=actor,
            action="enforcement.measure_updated",
            obj=measure,
            enterprise_id=measure.enterprise_id,
            summary=_("修改待审批措施：%(k)s") % {"k": measure.get_kind_display()},
            changes=changes,
        )
    return measure


def measure_approve(*, actor: Any, measure: Measure) -> Measure:
    """Four eyes: a second person (never the one who drafted it) approves the
    decision; it takes effect, its document is generated and numbered, and a
    supply cut becomes tasks for the water and power units."""
    _require(can_approve_for_team(actor, measure.team), _("您无权审批该执法措施。"))
    if measure.created_by_id is not None and measure.created_by_id == actor.pk:
        raise PermissionDeniedError(_("审批人不能是经办人本人（四眼原则）。"))
    with transaction.atomic():
        _measure_move(
            actor, measure, MeasureStatus.IN_FORCE, _("审批通过"), approved_by=actor, approved_at=timezone.now()
        )
        document = _document_issue(actor=actor, measure=measure)
        if measure.kind == MeasureKind.FINE and not measure.decision_number:
            Measure.objects.filter(pk=measure.pk).update(decision_number=document.number)
            measure.decision_number = document.number
        audit.record(
            actor=actor,
            action="enforcement.measure_approved",
            obj=measure,
            enterprise_id=measure.enterprise_id,
            summary=_("审批通过：%(k)s（%(n)s）") % {"k": measure.get_kind_display(), "n": document.number},
        )
        if measure.kind == MeasureKind.UTILITY_CUT:
            _utility_cut_tasks(actor=actor, measure=measure)
        _production_hold(actor=actor, measure=measure)
    return measure


def _utility_cut_tasks(*, actor: Any, measure: Measure) -> None:
    from relocation.organisation.selectors import unit_with_function
    from relocation.supervision.services import task_create

    cuts = [
        (UnitFunction.WATER_SUPPLY, _("停止供水")),
        (UnitFunction.POWER_SUPPLY, _("停止供电")),
    ]
    targets = [(function, word, unit_with_function(measure.programme_id, function)) for function, word in cuts]
    if any(unit is None for _f, _w, unit in targets):
        raise ServiceError(_("项目中缺少供水或供电单位，无法发出停水停电函。"))
    for function, word, unit in targets:
        task_create(
            actor=actor,
            title=_("%(w)s：%(e)s") % {"w": word, "e": measure.enterprise.name},
            lead_unit=unit,
            deadline=timezone.localdate() + dt.timedelta(days=3),
            description=measure.content,
            source="enforcement",
            subject=measure,
            enterprise_id=measure.enterprise_id,
            # Keyed by function: one unit may supply both water and power.
            dedupe_key=f"enforcement.utility_cut:{measure.pk}:{function}",
        )


def measure_reject(*, actor: Any, measure: Measure, reason: str) -> Measure:
    _require(can_approve_for_team(actor, measure.team), _("您无权审批该执法措施。"))
    if not reason.strip():
        raise ServiceError(_("请说明驳回理由。"), code="reason")
    with transaction.atomic():
        _measure_move(actor, measure, MeasureStatus.REJECTED, reason.strip())
        audit.record(
            actor=actor,
            action="enforcement.measure_rejected",
            obj=measure,
            enterprise_id=measure.enterprise_id,
            summary=_("驳回：%(k)s，理由：%(r)s") % {"k": measure.get_kind_display(), "r": reason.strip()},
        )
    return measure


def measure_revoke(*, actor: Any, measure: Measure, reason: str) -> Measure:
    """Revoke a decision in force, with a reason; its open re-inspection leaves the queue."""
    _require(can_approve_for_team(actor, measure.team), _("您无权撤销该执法措施。"))
    if not reason.strip():
        raise ServiceError(_("撤销须说明理由。"), code="reason")
    with transaction.atomic():
        _measure_move(actor, measure, MeasureStatus.REVOKED, reason.strip(), revoked_reason=reason.strip())
        Inspection.objects.filter(follow_up_of=measure, status=InspectionStatus.SCHEDULED).delete()
        _follow_up_task_cancel(
            actor=actor,
            order=measure,
            reason=_("整改令已撤销：%(r)s") % {"r": reason.strip()},
            action="task.cancelled",
        )
        audit.record(
            actor=actor,
            action="enforcement.measure_revoked",
            obj=measure,
            enterprise_id=measure.enterprise_id,
            summary=_("撤销：%(k)s，理由：%(r)s") % {"k": measure.get_kind_display(), "r": reason.strip()},
        )
        _production_release(
            actor=actor,
            measure=measure,
            reason=_("%(k)s决定撤销：%(r)s") % {"k": measure.get_kind_display(), "r": reason.strip()},
        )
    return measure


def measure_lift(*, actor: Any, measure: Measure, reason: str) -> Measure:
    """Lift (解除) a suspension or a sealing in force once the enterprise has
    put things right: the measure is closed and the enterprise's production
    status returns to what is right (see enterprises.production). A ban is
    final; it can only be revoked."""
    _require(can_approve_for_team(actor, measure.team), _("您无权解除该执法措施。"))
    if measure.kind not in LIFTABLE_KINDS:
        raise ServiceError(_("只有停产停业整改和查封扣押可以解除。"), code="kind")
    if not reason.strip():
        raise ServiceError(_("解除须说明理由。"), code="reason")
    with transaction.atomic():
        _measure_move(actor, measure, MeasureStatus.CLOSED, reason.strip(), closed_at=timezone.now())
        audit.record(
            actor=actor,
            action="enforcement.measure_lifted",
            obj=measure,
            enterprise_id=measure.enterprise_id,
            summary=_("解除：%(k)s，理由：%(r)s") % {"k": measure.get_kind_display(), "r": reason.strip()},
        )
        _production_release(
            actor=actor,
            measure=measure,
            reason=_("%(k)s解除：%(r)s") % {"k": measure.get_kind_display(), "r": reason.strip()},
        )
    return measure
