"""Writes of joint enforcement. Pages, API, the escalation job and the demo
seeder all go through these functions.

Rules that live here:
- an inspection names at least two inspectors of its team (administrative
  enforcement requires two officers) and the enterprise representative's
  acknowledgement (name, and signed or refused);
- a rectification order has a deadline in working days; issuing it schedules
  the re-inspection (回头看) in the team's queue and a follow-up task;
- an order is closed (销号) only by a re-inspection that confirms the fix; a
  failed or overdue one escalates along the ladder;
- a fine or any stronger measure takes effect only when a second person
  approves it; an approved decision is never edited, only revoked with a reason;
- N violations in M days mark the enterprise a repeat offender and propose
  forced closure (calls down to the enterprises lifecycle).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit
from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.roles import Role, is_hq_editor, role_of
from relocation.core.workdays import estimate_note
from relocation.core.workflow import move, save_if_unchanged
from relocation.enforcement import domains as defaults
from relocation.enforcement.models import (
    FOUR_EYES_KINDS,
    ChecklistItem,
    DocumentKind,
    EnforcementDocument,
    EnforcementDomain,
    EnforcementTeam,
    EscalationStep,
    FollowUpResult,
    Inspection,
    InspectionDraft,
    InspectionKind,
    InspectionPhoto,
    InspectionStatus,
    JointOperation,
    LegalBasis,
    Measure,
    MeasureKind,
    MeasureStatus,
    MeasureTransition,
    OperationStatus,
    RepeatOffenderRule,
    Violation,
)
from relocation.enforcement.transitions import MEASURE_MOVES
from relocation.enterprises import production
from relocation.enterprises.lifecycle import forced_closure_start
from relocation.enterprises.models import Enterprise, ProductionStatus
from relocation.enterprises.services import enterprise_mark_repeat_offender
from relocation.organisation.functions import UnitFunction
from relocation.organisation.models import Programme, Unit

PHOTO_KINDS = {"jpeg", "png"}
PHOTO_MAX_BYTES = 10 * 1024 * 1024
CHECKLIST_VALUES = {"ok", "problem", "na"}
TEMPLATE_DIR = Path(__file__).resolve().parent / "documents"

DOCUMENT_FOR_KIND: dict[str, str] = {
    MeasureKind.RECTIFICATION: DocumentKind.RECTIFICATION_NOTICE,
    MeasureKind.FINE: DocumentKind.PENALTY_DECISION,
    MeasureKind.SUSPENSION: DocumentKind.SUSPENSION_DECISION,
    MeasureKind.SEALING: DocumentKind.SEIZURE_DECISION,
    MeasureKind.BAN: DocumentKind.BAN_DECISION,
    MeasureKind.UTILITY_CUT: DocumentKind.UTILITY_CUT_REQUEST,
}
# The short word of each document in its number, e.g. 东环责改〔2026〕3号.
DOCUMENT_WORD: dict[str, str] = {
    DocumentKind.RECTIFICATION_NOTICE: "责改",
    DocumentKind.PENALTY_DECISION: "罚决",
    DocumentKind.SUSPENSION_DECISION: "停决",
    DocumentKind.SEIZURE_DECISION: "查扣",
    DocumentKind.BAN_DECISION: "取缔",
    DocumentKind.UTILITY_CUT_REQUEST: "停供函",
}


# ---------------------------------------------------------------------------
# Permissions
# ---------------------------------------------------------------------------


def is_team_member(user: Any, team: EnforcementTeam) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return team.members.filter(pk=user.pk).exists()


def can_work_for_team(user: Any, team: EnforcementTeam) -> bool:
    """Record inspections and issue measures for the team: its members and HQ editors."""
    return is_hq_editor(user) or is_team_member(user, team)


def can_approve_for_team(user: Any, team: EnforcementTeam) -> bool:
    """Approve the team's decisions: HQ editors, the lead unit's leader, or a team member."""
    if is_hq_editor(user):
        return True
    if role_of(user) == Role.UNIT_LEADER and user.unit_id == team.lead_unit_id:
        return True
    return is_team_member(user, team)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDeniedError(message)


# ---------------------------------------------------------------------------
# Configuration
# ---------------------------------------------------------------------------


def configuration_ensure(*, actor: Any, programme: Programme) -> None:
    """Load the plan's domains, checklist items, legal bases, ladder and
    repeat-offender rule where they are missing. Idempotent: existing rows,
    edited or not, are left alone."""
    if actor is not None and not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部可以配置执法领域。"))
    _configuration_fill(actor=actor, programme=programme)


def domains_fill_from_functions(*, actor: Any, programme: Programme) -> None:
    """Programme-load hook: the loader has checked its own permission; the
    domains follow the programme's units (see `_configuration_fill`)."""
    _configuration_fill(actor=actor, programme=programme)


def _configuration_fill(*, actor: Any, programme: Programme) -> None:
    """Create the missing domains with their lead and co-units taken from the
    units' functions; an existing domain whose lead unit is empty (the programme
    had no such unit before) gets it. Edited leads are left alone."""
    from relocation.organisation.selectors import unit_with_function

    with transaction.atomic():
        created = 0
        for order, spec in enumerate(defaults.DOMAINS):
            lead = unit_with_function(programme, spec["lead"])
            domain, is_new = EnforcementDomain.objects.get_or_create(
                programme=programme,
                code=spec["code"],
                defaults={"name": spec["name"], "lead_unit": lead, "order": order},
            )
            if not is_new:
                if domain.lead_unit_id is None and lead is not None:
                    domain.lead_unit = lead
                    domain.save(update_fields=["lead_unit", "updated_at"])
                continue
            created += 1
            domain.co_units.set([u for f in spec["co"] if (u := unit_with_function(programme, f)) is not None])
            ChecklistItem.objects.bulk_create(
                [ChecklistItem(domain=domain, text=t, order=i) for i, t in enumerate(spec["checklist"])]
            )
            LegalBasis.objects.bulk_create(
                [LegalBasis(domain=domain, law=law, article=art, summary=s) for law, art, s in spec["bases"]]
            )
        for level, kind, days in defaults.LADDER:
            EscalationStep.objects.get_or_create(
                programme=programme, level=level, defaults={"kind": kind, "rectification_workdays": days}
            )
        RepeatOffenderRule.objects.get_or_create(programme=programme, defaults=defaults.REPEAT_OFFENDER)
        if created:
            audit.record(
                actor=actor,
                action="enforcement.configuration_loaded",
                obj=programme,
                summary=_("载入执法领域、检查事项、法律依据与升级阶梯（%(n)s 个领域）") % {"n": created},
            )


def configuration_save(*, actor: Any, instance: Any, data: dict[str, Any]) -> Any:
    """Create or edit one row of configuration (checklist item, legal basis,
    ladder rung, repeat-offender rule). HQ editors only; validated and audited."""
    if actor is not None and not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部可以修改执法配置。"))
    fields = [f.name for f in instance._meta.concrete_fields if f.name not in {"id", "created_at", "updated_at"}]
    with transaction.atomic():
        before = audit.snapshot(instance, fields) if instance.pk else {}
        for key, value in data.items():
            if key in fields:
                setattr(instance, key, value)
        from django.core.exceptions import ValidationError

        try:
            instance.full_clean()
        except ValidationError as exc:
            field, messages = next(iter(exc.message_dict.items()))
            raise ServiceError(f"{field}：{' '.join(messages)}", code=field) from exc
        is_new = instance.pk is None
        instance.save()
        changes = audit.diff(before, audit.snapshot(instance, fields))
        audit.record(
            actor=actor,
            action="enforcement.configuration_changed",
            obj=instance,
            summary=(_("新增执法配置：%(o)s") if is_new else _("修改执法配置：%(o)s")) % {"o": instance},
            changes=changes,
        )
    return instance


def team_create(
    *,
    actor: Any,
    domain: EnforcementDomain,
    name: str,
    lead_unit: Unit | None = None,
    members: Iterable[Any] = (),
) -> EnforcementTeam:
    """Set up a 专项执法组 for a domain. HQ editors only."""
    if actor is not None and not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部可以设立专项执法组。"))
    if not name.strip():
        raise ServiceError(_("执法组名称不能为空。"), code="name")
    lead = lead_unit or domain.lead_unit
    if lead is None:
        raise ServiceError(_("请指定执法组的牵头单位。"), code="lead_unit")
    with transaction.atomic():
        if EnforcementTeam.objects.filter(programme=domain.programme, name=name.strip()).exists():
            raise ServiceError(_("已有同名执法组：%(name)s") % {"name": name}, code="name")
        team = EnforcementTeam.objects.create(
            programme=domain.programme, domain=domain, name=name.strip(), lead_unit=lead
        )
        team.members.set(list(members))
        audit.record(
            actor=actor,
            action="enforcement.team_created",
            obj=team,
            summary=_("设立专项执法组：%(name)s（%(domain)s）") % {"name": team.name, "domain": domain.name},
            changes={"members": [None, sorted(m.pk for m in team.members.all())]},
        )
    return team


def team_set_members(*, actor: Any, team: EnforcementTeam, members: Iterable[Any]) -> EnforcementTeam:
    if actor is not None and not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部可以调整执法组成员。"))
    with transaction.atomic():
        before = sorted(team.members.values_list("pk", flat=True))
        team.members.set(list(members))
        after = sorted(team.members.values_list("pk", flat=True))
        if before != after:
            audit.record(
                actor=actor,
                action="enforcement.team_members_changed",
                obj=team,
                summary=_("调整执法组成员：%(name)s") % {"name": team.name},
                changes={"members": [before, after]},
            )
    return team


# ---------------------------------------------------------------------------
# Joint operations
# ---------------------------------------------------------------------------


def operation_create(
    *,
    actor: Any,
    programme: Programme,
    name: str,
    planned_on: dt.date,
    targets: Iterable[Enterprise] = (),
    teams: Iterable[EnforcementTeam] = (),
    notes: str = "",
) -> JointOperation:
    """Plan a joint operation (联合执法行动). HQ editors only."""
    if actor is not None and not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部可以部署联合执法行动。"))
    if not name.strip():
        raise ServiceError(_("行动名称不能为空。"), code="name")
    targets, teams = list(targets), list(teams)
    if not teams:
        raise ServiceError(_("请至少选择一个参与执法组。"), code="teams")
    if any(t.programme_id != programme.pk for t in teams) or any(e.programme_id != programme.pk for e in targets):
        raise ServiceError(_("执法组或目标企业不属于本项目。"))
    with transaction.atomic():
        op = JointOperation.objects.create(
            programme=programme,
            name=name.strip(),
            planned_on=planned_on,
            notes=notes,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        op.targets.set(targets)
        op.teams.set(teams)
        audit.record(
            actor=actor,
            action="enforcement.operation_planned",
            obj=op,
            summary=_("部署联合执法行动：%(name)s（%(d)s，%(n)s 家企业）")
            % {"name": op.name, "d": planned_on.isoformat(), "n": len(targets)},
        )
    return op


def operation_complete(*, actor: Any, operation: JointOperation) -> JointOperation:
    if actor is not None and not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部可以结束联合执法行动。"))
    with transaction.atomic():
        updated = JointOperation.objects.filter(pk=operation.pk, status=OperationStatus.PLANNED).update(
            status=OperationStatus.DONE, updated_at=timezone.now()
        )
        if updated != 1:
            raise ServiceError(_("该行动不是“计划中”状态。"))
        operation.status = OperationStatus.DONE
        audit.record(
            actor=actor,
            action="enforcement.operation_done",
            obj=operation,
            summary=_("联合执法行动已完成：%(n)s") % {"n": operation.name},
        )
    return operation


# ---------------------------------------------------------------------------
# Drafts and inspections
# ---------------------------------------------------------------------------


def draft_save(*, actor: Any, key: str, data: dict[str, Any], inspection: Inspection | None = None) -> InspectionDraft:
    """Save what the inspector typed so far (called every few seconds while
    typing). One draft per user and key; no audit row, it is not a record yet."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDeniedError(_("请先登录。"))
    key = (key or "").strip()[:64]
    if not key:
        raise ServiceError(_("草稿标识不能为空。"), code="key")
    clean = {str(k)[:64]: (v if isinstance(v, (list, bool)) else str(v)[:5000]) for k, v in data.items()}
    try:
        with transaction.atomic():
            draft, _created = InspectionDraft.objects.update_or_create(
                owner=actor, key=key, defaults={"data": clean, "inspection": inspection}
            )
    except IntegrityError:
        draft = InspectionDraft.objects.get(owner=actor, key=key)
        draft.data = clean
        draft.save(update_fields=["data", "updated_at"])
    return draft


def _check_inspectors(team: EnforcementTeam, inspectors: list[Any]) -> list[Any]:
    unique = {u.pk: u for u in inspectors}
    if len(unique) < 2:
        raise ServiceError(_("行政执法须由两名以上执法人员进行，请至少选择两名执法人员。"), code="inspectors")
    member_ids = set(team.members.values_list("pk", flat=True))
    outsiders = [u for u in unique.values() if u.pk not in member_ids]
    if outsiders:
        raise ServiceError(
            _("以下人员不是“%(team)s”的成员：%(names)s")
            % {"team": team.name, "names": "、".join(u.display_name or u.username for u in outsiders)},
            code="inspectors",
        )
    return list(unique.values())


def _check_checklist(team: EnforcementTeam, checklist: dict[str, str]) -> dict[str, str]:
    valid_ids = {str(pk) for pk in team.domain.checklist_items.filter(is_active=True).values_list("pk", flat=True)}
    clean: dict[str, str] = {}
    for key, value in (checklist or {}).items():
        if str(key) not in valid_ids:
            raise ServiceError(_("检查事项 %(k)s 不属于本执法领域。") % {"k": key}, code="checklist")
        if value not in CHECKLIST_VALUES:
            raise ServiceError(_("检查事项结果只能是：符合、存在问题、不适用。"), code="checklist")
        clean[str(key)] = value
    return clean


def inspection_record(
    *,
    actor: Any,
    enterprise: Enterprise,
    team: EnforcementTeam,
    inspectors: Iterable[Any],
    inspected_on: dt.date | None = None,
    checklist: dict[str, str] | None = None,
    findings: str = "",
    representative_name: str = "",
    representative_signed: bool = False,
    representative_refused: bool = False,
    operation: JointOperation | None = None,
    photos: Iterable[Any] = (),
    follow_up: Inspection | None = None,
    follow_up_result: str = "",
    draft_key: str = "",
) -> Inspection:
    """Record an inspection, or complete a scheduled re-inspection
    (`follow_up`), in one transaction with its photos.

    A re-inspection that confirms the fix closes the order (销号); one that
    does not escalates it along the ladder."""
    _require(can_work_for_team(actor, team), _("只有本执法组成员可以登记检查。"))
    if enterprise.programme_id != team.programme_id:
        raise ServiceError(_("企业与执法组不属于同一项目。"))
    inspectors = _check_inspectors(team, list(inspectors))
    clean_checklist = _check_checklist(team, checklist or {})
    if not representative_name.strip() and not representative_refused:
        raise ServiceError(_("请填写在场企业代表姓名，或勾选“拒绝签名”。"), code="representative_name")
    if representative_signed == representative_refused:
        raise ServiceError(_("请确认企业代表“已签名”或“拒绝签名”（二选一）。"), code="representative_signed")
    if operation is not None and operation.programme_id != team.programme_id:
        raise ServiceError(_("联合执法行动不属于本项目。"), code="operation")
    if follow_up is not None:
        if follow_up.status != InspectionStatus.SCHEDULED or follow_up.follow_up_of_id is None:
            raise ServiceError(_("该复查已完成，不能重复提交。"), code="follow_up")
        if follow_up.enterprise_id != enterprise.pk:
            raise ServiceError(_("复查的企业与整改令不一致。"), code="enterprise")
        if follow_up_result not in FollowUpResult.values:
            raise ServiceError(_("请选择复查结论：已整改到位或未整改到位。"), code="follow_up_result")
    inspected_on = inspected_on or timezone.localdate()
    photos = list(photos)
    with transaction.atomic():
        values = {
            "programme_id": team.programme_id,
            "operation": operation,
            "enterprise": enterprise,
            "team": team,
            "status": InspectionStatus.SUBMITTED,
            "inspected_on": inspected_on,
            "checklist": clean_checklist,
            "findings": findings.strip(),
            "representative_name": representative_name.strip(),
            "representative_signed": representative_signed,
            "representative_refused": representative_refused,
            "submitted_at": timezone.now(),
        }
        if follow_up is not None:
            values.update(kind=InspectionKind.FOLLOW_UP, follow_up_result=follow_up_result)
            updated = Inspection.objects.filter(pk=follow_up.pk, status=InspectionStatus.SCHEDULED).update(
                **values, created_by=actor if getattr(actor, "is_authenticated", False) else None
            )
            if updated != 1:
                raise ServiceError(_("该复查已由他人提交。"), code="follow_up")
            inspection = Inspection.objects.get(pk=follow_up.pk)
        else:
            inspection = Inspection.objects.create(
                **values, created_by=actor if getattr(actor, "is_authenticated", False) else None
            )
        inspection.inspectors.set(inspectors)
        stored = [_attach_photo(actor=actor, inspection=inspection, uploaded_file=f).stored_file for f in photos]
        audit.record(
            actor=actor,
            action="enforcement.inspection_recorded",
            obj=inspection,
            enterprise_id=enterprise.pk,
            summary=(
                _("回头看复查（%(team)s）：%(result)s")
                % {"team": team.name, "result": inspection.get_follow_up_result_display()}
                if follow_up is not None
                else _("现场检查（%(team)s），%(n)s 名执法人员") % {"team": team.name, "n": len(inspectors)}
            ),
            changes={
                "inspectors": [None, [u.pk for u in inspectors]],
                "findings": [None, inspection.findings],
                "photos": [None, [f.sha256 for f in stored]],
            },
        )
        if follow_up is not None:
            order = Measure.objects.select_for_update().get(follow_ups=follow_up.pk)
            if follow_up_result == FollowUpResult.FIXED:
                _measure_move(actor, order, MeasureStatus.CLOSED, _("回头看复查确认整改到位"), closed_at=timezone.now())
                audit.record(
                    actor=actor,
                    action="enforcement.order_closed",
                    obj=order,
                    enterprise_id=order.enterprise_id,
                    summary=_("整改令销号：%(c)s") % {"c": order.content[:80] or order.get_kind_display()},
                )
                _follow_up_task_complete(actor=actor, order=order, inspection=inspection)
            elif order.status == MeasureStatus.IN_FORCE:
                _escalate(actor=actor, order=order, reason=_("回头看复查未整改到位"))
        if draft_key and getattr(actor, "is_authenticated", False):
            InspectionDraft.objects.filter(owner=actor, key=draft_key).delete()
    return inspection


def _attach_photo(*, actor: Any, inspection: Inspection, uploaded_file: Any) -> InspectionPhoto:
    from relocation.core.uploads import store_upload

    stored = store_upload(
        actor=actor,
        uploaded_file=uploaded_file,
        kinds=PHOTO_KINDS,
        max_bytes=PHOTO_MAX_BYTES,
        enterprise_id=inspection.enterprise_id,
        purpose="enforcement.inspection_photo",
    )
    return InspectionPhoto.objects.create(inspection=inspection, stored_file=stored)


def photo_add(*, actor: Any, inspection: Inspection, uploaded_file: Any) -> InspectionPhoto:
    """Add a photo to a submitted inspection (type and size checked, hash kept)."""
    _require(can_work_for_team(actor, inspection.team), _("只有本执法组成员可以上传现场照片。"))
    with transaction.atomic():
        photo = _attach_photo(actor=actor, inspection=inspection, uploaded_file=uploaded_file)
        audit.record(
            actor=actor,
            action="enforcement.photo_added",
            obj=inspection,
            enterprise_id=inspection.enterprise_id,
            summary=_("上传现场照片（SHA-256 %(h)s…）") % {"h": photo.stored_file.sha256[:12]},
        )
    return photo


# ---------------------------------------------------------------------------
# Violations
# ---------------------------------------------------------------------------


def violation_record(
    *,
    actor: Any,
    inspection: Inspection,
    domain: EnforcementDomain,
    description: str,
    legal_basis: LegalBasis | None = None,
) -> Violation:
    """Record a violation found in a submitted inspection; may mark the
    enterprise a repeat offender (N in M days) and propose forced closure."""
    _require(can_work_for_team(actor, inspection.team), _("只有本执法组成员可以认定违法行为。"))
    if inspection.status != InspectionStatus.SUBMITTED:
        raise ServiceError(_("请先提交检查记录，再认定违法行为。"))
    if domain.programme_id != inspection.programme_id:
        raise ServiceError(_("执法领域不属于本项目。"), code="domain")
    if legal_basis is not None and legal_basis.domain_id != domain.pk:
        raise ServiceError(_("所选法律依据不属于“%(d)s”领域。") % {"d": domain.name}, code="legal_basis")
    if not description.strip():
        raise ServiceError(_("请填写违法事实。"), code="description")
    with transaction.atomic():
        violation = Violation.objects.create(
            programme_id=inspection.programme_id,
            inspection=inspection,
            enterprise_id=inspection.enterprise_id,
            domain=domain,
            legal_basis=legal_basis,
            description=description.strip(),
            found_on=inspection.inspected_on or timezone.localdate(),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit.record(
            actor=actor,
            action="enforcement.violation_recorded",
            obj=violation,
            enterprise_id=inspection.enterprise_id,
            summary=_("认定违法行为（%(d)s）：%(t)s") % {"d": domain.name, "t": violation.description[:80]},
            changes={"legal_basis": [None, str(legal_basis) if legal_basis else ""]},
        )
        repeat_offender_check(actor=actor, enterprise=inspection.enterprise, violation=violation)
    return violation


def repeat_offender_check(
    *, actor: Any, enterprise: Enterprise, today: dt.date | None = None, violation: Violation | None = None
) -> bool:
    """Apply the programme's rule (N violations within M days). Returns True
    when this call marked the enterprise. Idempotent: a marked enterprise is
    not proposed again."""
    rule = RepeatOffenderRule.objects.filter(programme_id=enterprise.programme_id).first()
    if rule is None:
        return False
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=rule.window_days)
    count = Violation.objects.filter(enterprise=enterprise, found_on__gt=since, found_on__lte=today).count()
    if count < rule.violations:
        return False
    fresh = Enterprise.objects.only("pk", "is_repeat_offender", "status").get(pk=enterprise.pk)
    if fresh.is_repeat_offender or fresh.status == "forced_closure":
        return False
    reason = _("%(days)s 天内违法 %(n)s 次，屡禁不止") % {"days": rule.window_days, "n": count}
    with transaction.atomic():
        try:
            with transaction.atomic():
                enterprise_mark_repeat_offender(actor=actor, enterprise=enterprise, reason=reason)
                # The proposal is the programme's rule acting, not the inspector
                # who recorded the last violation: the lifecycle accepts the
                # system (None).
                forced_closure_start(
                    actor=None, enterprise=enterprise, reason=reason, decision_ref="", decision_object=violation
                )
        except ServiceError:
            # The lifecycle refused (e.g. the enterprise is already closed):
            # the flag still records the finding.
            enterprise_mark_repeat_offender(actor=actor, enterprise=enterprise, reason=reason)
        audit.record(
            actor=actor,
            action="enforcement.repeat_offender_proposed",
            obj=enterprise,
            enterprise_id=enterprise.pk,
            summary=_("屡禁不止，提请强制关停：%(r)s") % {"r": reason},
        )
    return True


# ---------------------------------------------------------------------------
# Measures
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# Escalation
# ---------------------------------------------------------------------------


def _escalate(*, actor: Any, order: Measure, reason: str, today: dt.date | None = None) -> Measure | None:
    """Move an order in force to "escalated", draft the next rung of the
    ladder (awaiting approval) and, below the top rung, renew the order with
    a fresh deadline so the follow-up never stops. Call inside atomic()."""
    _measure_move(actor, order, MeasureStatus.ESCALATED, reason)
    Inspection.objects.filter(follow_up_of=order, status=InspectionStatus.SCHEDULED).delete()
    ladder = _ladder(order.programme_id)
    taken = (
        Measure.objects.filter(violation_id=order.violation_id)
        .exclude(status__in=[MeasureStatus.REJECTED, MeasureStatus.REVOKED])
        .aggregate(m=Max("level"))["m"]
        or order.level
    )
    next_step = next((s for s in ladder if s.level > taken), None)
    audit.record(
        actor=actor,
        action="enforcement.order_escalated",
        obj=order,
        enterprise_id=order.enterprise_id,
        summary=_("整改令升级（%(r)s）：%(next)s")
        % {"r": reason, "next": next_step.get_kind_display() if next_step else _("已到最高级别")},
    )
    if next_step is None:
        _follow_up_task_cancel(
            actor=actor,
            order=order,
            reason=_("整改令升级（%(r)s），已到最高级别，不再复查") % {"r": reason},
            action="task.superseded",
        )
        return None
    stronger = measure_issue(
        actor=None,
        violation=order.violation,
        kind=next_step.kind,
        team=order.team,
        content=_("因%(r)s，依升级阶梯拟采取：%(k)s") % {"r": reason, "k": next_step.get_kind_display()},
        amount=Decimal("10000") if next_step.kind == MeasureKind.FINE else None,
        escalated_from=order,
    )
    # The renewed order carries the follow-up from here (with its own task,
    # see measure_issue); the escalated order's task is superseded by it.
    renewed = None
    if next_step.kind != MeasureKind.BAN and next_step.rectification_workdays:
        renewed = measure_issue(
            actor=None,
            violation=order.violation,
            kind=MeasureKind.RECTIFICATION,
            team=order.team,
            content=order.content,
            workdays=next_step.rectification_workdays,
            escalated_from=order,
            today=today,
        )
    _follow_up_task_cancel(
        actor=actor,
        order=order,
        reason=(
            _("整改令升级（%(r)s）为%(k)s，由新整改令（%(d)s 前）接续复查")
            % {"r": reason, "k": next_step.get_kind_display(), "d": renewed.deadline}
            if renewed is not None
            else _("整改令升级（%(r)s）为%(k)s，不再复查") % {"r": reason, "k": next_step.get_kind_display()}
        ),
        action="task.superseded",
    )
    return stronger


def escalate_overdue(*, today: dt.date | None = None) -> int:
    """Escalate every rectification order still in force after its deadline.
    Idempotent: an escalated order is no longer "in force", so running twice
    (or on two workers) escalates each order once. Returns how many moved."""
    from relocation.core.errors import ConflictError

    today = today or timezone.localdate()
    # At most 1,000 per run (each in its own transaction); the next quarter-hour takes the rest.
    due = list(
        Measure.objects.filter(
            kind=MeasureKind.RECTIFICATION, status=MeasureStatus.IN_FORCE, deadline__lt=today
        ).values_list("pk", flat=True)[:1000]
    )
    moved = 0
    for pk in due:
        try:
            with transaction.atomic():
                order = Measure.objects.select_for_update().select_related("violation", "team", "enterprise").get(pk=pk)
                if order.status != MeasureStatus.IN_FORCE:
                    continue
                _escalate(actor=None, order=order, reason=_("逾期未整改"), today=today)
                moved += 1
        except ConflictError:
            continue
    return moved


# ---------------------------------------------------------------------------
# Documents
# ---------------------------------------------------------------------------


def _document_issue(*, actor: Any, measure: Measure) -> EnforcementDocument:
    """Render the measure's Word document from its template (HQ may override
    it in core's document templates) and number it per department and year."""
    from relocation.core.documents import next_document_number, render_docx

    kind = DOCUMENT_FOR_KIND[measure.kind]
    unit = measure.team.lead_unit
    year = timezone.localdate().year
    prefix = f"{unit.short_name or unit.name}{DOCUMENT_WORD[kind]}"
    _n, number = next_document_number(prefix, year)
    violation = measure.violation
    context = {
        "number": number,
        "title": str(DocumentKind(kind).label),
        "unit": unit.name,
        "enterprise": measure.enterprise.name,
        "credit_code": measure.enterprise.credit_code,
        "address": measure.enterprise.address,
        "found_on": violation.found_on.isoformat(),
        "facts": violation.description,
        "legal_basis": str(violation.legal_basis) if violation.legal_basis_id else "",
        "measure": measure.get_kind_display(),
        "content": measure.content,
        "deadline": (measure.deadline.isoformat() + estimate_note(measure.deadline, timezone.localdate()))
        if measure.deadline
        else "",
        "workdays": measure.workdays or "",
        "amount": f"{measure.amount:,.2f}" if measure.amount is not None else "",
        "date": timezone.localdate().isoformat(),
    }
    content = render_docx(f"enforcement.{kind}", TEMPLATE_DIR / f"{kind}.docx", context)
    document = EnforcementDocument.objects.create(
        programme_id=measure.programme_id,
        measure=measure,
        enterprise_id=measure.enterprise_id,
        kind=kind,
        number=number,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(
        actor=actor,
        action="enforcement.document_issued",
        obj=document,
        enterprise_id=measure.enterprise_id,
        summary=_("制发%(k)s：%(n)s") % {"k": document.get_kind_display(), "n": number},
        changes={"sha256": [None, document.sha256]},
    )
    return document
