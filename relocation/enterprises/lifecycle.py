"""Writes on the relocation lifecycle: every status move of an enterprise.

`enterprise_transition` is the one way an enterprise's status changes. Pages,
the API, the commitment-letter upload, the parks app (confirming a park) and
the enforcement app (forced closure of repeat offenders) all call it, so the
table, the guards, the permission and the history have one home.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit, guards
from relocation.core.errors import PermissionDeniedError, ServiceError, TransitionError
from relocation.core.roles import is_hq_editor, is_unit_member
from relocation.core.workdays import add_workdays
from relocation.core.workflow import check_move, move
from relocation.enterprises.models import (
    CommitmentLetter,
    DestinationType,
    Enterprise,
    LetterStatus,
    LifecycleStatus,
    ProductionStatus,
    RelocationPlan,
    StatusChange,
)
from relocation.enterprises.transitions import ALLOWED, HQ_ONLY_TARGETS, PRE_CLOSURE

S = LifecycleStatus

# Days the territorial unit gets to carry out a forced closure.
FORCED_CLOSURE_TASK_DAYS = 5


def can_move(user: Any, enterprise: Enterprise, target: str) -> bool:
    """HQ editors make every move; the territorial unit makes the moves up to
    production stopped (and may flag a holdout); closure verification, the
    final states and forced closure are HQ's."""
    if user is None:
        return True  # the system (demo seeding, scheduled jobs)
    if is_hq_editor(user):
        return True
    if target in HQ_ONLY_TARGETS:
        return False
    return is_unit_member(user) and user.unit_id is not None and user.unit_id == enterprise.territorial_unit_id


def allowed_moves(user: Any, enterprise: Enterprise) -> list[str]:
    """The targets this user may move the enterprise to from where it stands."""
    order = {value: i for i, value in enumerate(S.values)}
    targets = sorted(ALLOWED.get(enterprise.status, ()), key=lambda t: order[t])
    return [t for t in targets if can_move(user, enterprise, t)]


def _plan_for_update(enterprise: Enterprise) -> RelocationPlan:
    plan, _created = RelocationPlan.objects.select_for_update().get_or_create(enterprise=enterprise)
    return plan


def move_blocker(enterprise: Enterprise, target: str, *, plan: RelocationPlan | None = None) -> str:
    """Why the move to `target` would be refused whatever the form says ("" when
    nothing blocks it). The page shows a blocked move disabled with this reason;
    `enterprise_transition` refuses with the same sentence."""
    from relocation.enterprises import closure

    if target == S.INTENTION_RECORDED and not enterprise.intention:
        return _("请先通过走访登记企业的搬迁意向。")
    if target == S.COMMITMENT_SIGNED:
        if not CommitmentLetter.objects.filter(enterprise=enterprise, status=LetterStatus.SIGNED).exists():
            return _("请先上传企业签署的关停搬迁承诺书。")
    if target == S.CLOSURE_VERIFIED:
        missing = closure.missing_items(enterprise)
        if missing:
            return _("两断三清尚未全部确认，缺少：%(items)s。") % {"items": "、".join(str(m) for m in missing)}
        blockers = guards.closure_blockers(enterprise)
        if blockers:
            return _("暂不能核验关停：%(reasons)s") % {"reasons": "；".join(blockers)}
        holds = closure.open_holds(enterprise, guards.VERIFICATION)
        if holds:
            return str(closure.holds_message(guards.VERIFICATION, holds))
    if target == S.RELOCATED:
        if plan is None:
            plan = RelocationPlan.objects.filter(enterprise=enterprise).first()
        destination = plan.destination_type if plan is not None else ""
        if destination not in {DestinationType.PARK, DestinationType.OUT_OF_CITY}:
            return _("企业没有确定的搬迁去向，只能登记为关停退出。")
    return ""


def _check_guards(
    enterprise: Enterprise,
    target: str,
    *,
    destination_type: str | None,
    destination_park_id: int | None,
    plan: RelocationPlan,
) -> None:
    """Refuse a move whose preconditions are not met, saying what is missing."""
    blocker = move_blocker(enterprise, target, plan=plan)
    if blocker:
        raise TransitionError(blocker)
    if target == S.DESTINATION_CONFIRMED:
        if destination_type not in DestinationType.values:
            raise ServiceError(_("请选择企业的去向（园区、迁出本市或关停退出）。"), code="destination_type")
        if destination_type == DestinationType.PARK and not destination_park_id:
            raise ServiceError(_("去向为承接园区时必须指定园区。"), code="destination_park_id")


@transaction.atomic
def enterprise_transition(
    *,
    actor: Any,
    enterprise: Enterprise,
    target: str,
    reason: str,
    evidence: Any = None,
    destination_type: str | None = None,
    destination_park_id: int | None = None,
    destination_name: str = "",
    decision_ref: str = "",
    decision_object: models.Model | None = None,
    check_permission: bool = True,
) -> StatusChange:
    """Move `enterprise` to `target` and keep the history row.

    Invariants: only moves listed in transitions.ALLOWED happen; the move is a
    conditional UPDATE on the status the caller read, so of two concurrent
    moves one wins and the other gets a ConflictError; the guard of the target
    state holds (letter signed, destination given, closure checklist complete
    and no closure blocker from another app, no open finding against the
    closure that HQ has not overridden, a destination before "relocated");
    a StatusChange row and an audit event (on the enterprise's timeline) are
    written in the same transaction. `evidence` is an uploaded file (or a
    StoredFile) kept with the history row.
    """
    if target not in S.values:
        raise ServiceError(_("未知的搬迁进度状态。"), code="target")
    if check_permission and not can_move(actor, enterprise, target):
        raise PermissionDeniedError(_("您无权将该企业变更为“%(target)s”。") % {"target": S(target).label})
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("请填写变更理由。"), code="reason")
    check_move(ALLOWED, enterprise.status, target, S)
    plan = _plan_for_update(enterprise)
    if target == S.FORCED_CLOSURE:
        _check_forced_closure(enterprise, plan, decision_ref=decision_ref, decision_object=decision_object)
    _check_guards(
        enterprise, target, destination_type=destination_type, destination_park_id=destination_park_id, plan=plan
    )
    now = timezone.now()
    extra: dict[str, Any] = {"status_changed_at": now}
    if target == S.PRODUCTION_STOPPED:
        extra["production_status"] = ProductionStatus.STOPPED
    previous = move(enterprise, field="status", target=target, allowed=ALLOWED, labels=S, extra=extra)

    change = StatusChange(
        enterprise=enterprise,
        from_status=previous,
        to_status=target,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        at=now,
        reason=reason,
    )
    if target == S.DESTINATION_CONFIRMED:
        plan.destination_type = destination_type or ""
        plan.destination_park_id = destination_park_id if destination_type == DestinationType.PARK else None
        plan.destination_name = (destination_name or "").strip() or str(DestinationType(plan.destination_type).label)
        plan.save(update_fields=["destination_type", "destination_park_id", "destination_name", "updated_at"])
        change.destination_type = plan.destination_type
        change.destination_park_id = plan.destination_park_id
        change.destination_name = plan.destination_name
    if target == S.FORCED_CLOSURE:
        plan.decision_ref = decision_ref.strip()[:100]
        plan.decision_object_type = decision_object._meta.label_lower if decision_object is not None else ""
        plan.decision_object_id = str(decision_object.pk) if decision_object is not None else ""
        if not plan.destination_type:
            plan.destination_type = DestinationType.CLOSE
            plan.destination_name = str(DestinationType.CLOSE.label)
        plan.save(
            update_fields=[
                "decision_ref",
                "decision_object_type",
                "decision_object_id",
                "destination_type",
                "destination_name",
                "updated_at",
            ]
        )
        change.decision_ref = plan.decision_ref
        change.decision_object_type = plan.decision_object_type
        change.decision_object_id = plan.decision_object_id
    if evidence is not None:
        change.evidence = _store_evidence(actor, enterprise, evidence)
    change.save()

    changes: dict[str, Any] = {"status": [previous, target]}
    if change.destination_type:
        changes["destination"] = [None, change.destination_name]
    if change.decision_ref:
        changes["decision_ref"] = [None, change.decision_ref]
    audit.record(
        actor=actor,
        action="enterprise.status_changed",
        obj=enterprise,
        enterprise_id=enterprise.pk,
        summary=_("搬迁进度：%(src)s → %(dst)s（%(reason)s）")
        % {"src": S(previous).label, "dst": S(target).label, "reason": reason[:200]},
        changes=changes,
    )
    return change


def _store_evidence(actor: Any, enterprise: Enterprise, evidence: Any) -> Any:
    from relocation.core import uploads

    if isinstance(evidence, uploads.StoredFile):
        return evidence
    return uploads.store_upload(
        actor=actor,
        uploaded_file=evidence,
        kinds={"pdf", "jpeg", "png"},
        enterprise_id=enterprise.pk,
        purpose="lifecycle_evidence",
    )


def destination_confirm(
    *,
    actor: Any,
    enterprise: Enterprise,
    destination_type: str,
    destination_park_id: int | None = None,
    destination_name: str = "",
    reason: str = "",
) -> StatusChange:
    """Confirm where the enterprise goes (a park, out of the city, or closing).
    The parks app calls this when HQ confirms an allocation; confirming again
    changes the destination and keeps both in the history."""
    return enterprise_transition(
        actor=actor,
        enterprise=enterprise,
        target=S.DESTINATION_CONFIRMED,
        reason=reason
        or _("确定去向：%(name)s") % {"name": destination_name or DestinationType(destination_type).label},
        destination_type=destination_type,
        destination_park_id=destination_park_id,
        destination_name=destination_name,
    )


def forced_closure_allowed(
    enterprise: Enterprise, *, decision_object: models.Model | None = None, today: dt.date | None = None
) -> bool:
    """What the plan allows: forced closure follows an enforcement decision, or
    falls on an enterprise still not stopped after its deadline (its batch's, or
    the date it committed to: the overdue rule). A surveyed enterprise still
    within its deadline is persuaded, not forced."""
    if enterprise.status not in PRE_CLOSURE | {S.HOLDOUT}:
        return False
    if decision_object is not None:
        return True
    from relocation.enterprises import lifecycle_selectors

    return lifecycle_selectors.is_overdue(enterprise, today)


def _check_forced_closure(
    enterprise: Enterprise, plan: RelocationPlan, *, decision_ref: str, decision_object: models.Model | None
) -> None:
    if not (decision_ref or "").strip() and decision_object is None:
        raise ServiceError(_("请填写强制关停决定文号。"), code="decision_ref")
    if decision_object is None and not forced_closure_allowed(enterprise):
        raise TransitionError(
            _("强制关停只适用于关停时限（批次时限或承诺关停日期）已过仍未关停的企业，或依据执法决定。")
        )


@transaction.atomic
def forced_closure_lift(*, actor: Any, enterprise: Enterprise, reason: str) -> StatusChange:
    """HQ lifts a forced closure (the decision was revoked, or the enterprise
    signed after all): back to holdout, from where it returns to the main road.
    The reason is required and the move is audited like every other."""
    if not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部可以解除强制关停。"))
    if not (reason or "").strip():
        raise ServiceError(_("请填写解除强制关停的理由。"), code="reason")
    if enterprise.status != S.FORCED_CLOSURE:
        raise TransitionError(_("企业当前为“%(status)s”，不在强制关停中。") % {"status": S(enterprise.status).label})
    change = enterprise_transition(
        actor=actor, enterprise=enterprise, target=S.HOLDOUT, reason=reason, check_permission=False
    )
    audit.record(
        actor=actor,
        action="enterprise.forced_closure_lifted",
        obj=enterprise,
        enterprise_id=enterprise.pk,
        summary=_("解除强制关停：%(reason)s") % {"reason": reason.strip()[:200]},
    )
    return change


def forced_closure_tasks(*, actor: Any, enterprise: Enterprise, today: dt.date | None = None) -> list[Any]:
    """The territorial unit's tasks for a forced closure (idempotent by key)."""
    from relocation.organisation.functions import UnitFunction
    from relocation.supervision.services import task_create

    unit = enterprise.territorial_unit
    if unit is None:
        raise ServiceError(_("该企业未设置属地单位，无法交办强制关停任务。"))
    deadline = _task_deadline(today or timezone.localdate())

    from relocation.organisation.models import Unit

    # Keyed by function: one unit may supply both water and power.
    utilities = list(
        Unit.objects.filter(
            programme_id=unit.programme_id,
            assigned_functions__function__in=[UnitFunction.WATER_SUPPLY, UnitFunction.POWER_SUPPLY],
        )
        .distinct()
        .order_by("order", "code")
    )
    return [
        task_create(
            actor=actor,
            title=_("组织强制关停：%(name)s") % {"name": enterprise.name},
            description=_("按照强制关停决定，组织对该企业实施全面关停，落实两断三清。"),
            lead_unit=unit,
            deadline=deadline,
            source="lifecycle",
            subject=enterprise,
            enterprise_id=enterprise.pk,
            dedupe_key=f"forced-closure:{enterprise.pk}",
        ),
        task_create(
            actor=actor,
            title=_("通知供水供电停止供应：%(name)s") % {"name": enterprise.name},
            description=_("通知供水、供电单位对该企业停止生产用水、用电供应。"),
            lead_unit=unit,
            co_units=utilities,
            deadline=deadline,
            source="lifecycle",
            subject=enterprise,
            enterprise_id=enterprise.pk,
            dedupe_key=f"forced-closure:{enterprise.pk}:utilities",
        ),
    ]


def _task_deadline(today: dt.date) -> dt.date:
    """Five working days (official calendar), not five calendar days."""
    return add_workdays(today, FORCED_CLOSURE_TASK_DAYS)


@transaction.atomic
def forced_closure_start(
    *,
    actor: Any,
    enterprise: Enterprise,
    reason: str,
    decision_ref: str = "",
    decision_object: models.Model | None = None,
) -> Enterprise:
    """Start forced closure in one step: an enterprise before production stops
    becomes a holdout and then goes to forced closure (two history rows), and
    the territorial unit gets its tasks. Calling it again for an enterprise
    already in forced closure creates nothing new. HQ editors only, or the
    system (actor=None) for enforcement's repeat-offender rule."""
    if actor is not None and not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部可以启动强制关停。"))
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("请填写强制关停的理由。"), code="reason")
    if enterprise.status in PRE_CLOSURE | {S.HOLDOUT}:
        # Checked before the holdout step so that a refusal leaves nothing half-written.
        _check_forced_closure(
            enterprise, _plan_for_update(enterprise), decision_ref=decision_ref, decision_object=decision_object
        )
    if enterprise.status in PRE_CLOSURE:
        enterprise_transition(
            actor=actor, enterprise=enterprise, target=S.HOLDOUT, reason=reason, check_permission=False
        )
    if enterprise.status == S.HOLDOUT:
        enterprise_transition(
            actor=actor,
            enterprise=enterprise,
            target=S.FORCED_CLOSURE,
            reason=reason,
            decision_ref=decision_ref,
            decision_object=decision_object,
            check_permission=False,
        )
    if enterprise.status != S.FORCED_CLOSURE:
        raise TransitionError(_("企业当前为“%(status)s”，无需强制关停。") % {"status": S(enterprise.status).label})
    forced_closure_tasks(actor=actor, enterprise=enterprise)
    return enterprise


def next_step(enterprise: Enterprise) -> dict[str, str] | None:
    """The next step and its owner, as shown on the enterprise page."""
    territorial = str(enterprise.territorial_unit or _("属地单位"))
    hq = _("现场指挥部")
    steps: dict[str, tuple[Any, Any]] = {
        S.SURVEYED: (_("走访登记搬迁意向"), territorial),
        S.INTENTION_RECORDED: (_("签署并上传关停搬迁承诺书"), territorial),
        S.COMMITMENT_SIGNED: (_("确定去向（承接园区、迁出本市或关停退出）"), hq),
        S.DESTINATION_CONFIRMED: (_("按承诺日期停止生产"), territorial),
        S.PRODUCTION_STOPPED: (_("完成两断三清核验，由指挥部确认关停"), _("供水、供电、属地、生态环境部门")),
        S.CLOSURE_VERIFIED: (_("新厂投产后登记已搬迁，或登记关停退出"), hq),
        S.HOLDOUT: (_("劝导签署承诺书或启动强制关停"), hq),
        S.FORCED_CLOSURE: (_("组织强制关停，停止供水供电"), territorial),
    }
    step = steps.get(enterprise.status)
    if step is None:
        return None
    return {"step": str(step[0]), "owner": str(step[1])}
