"""Drafts, inspections (with photos and re-inspections) and violations; the
repeat-offender rule that proposes forced closure to the lifecycle."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit
from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.enforcement.models import (
    ChecklistItem,
    EnforcementDomain,
    EnforcementTeam,
    FollowUpResult,
    Inspection,
    InspectionDraft,
    InspectionKind,
    InspectionPhoto,
    InspectionStatus,
    JointOperation,
    LegalBasis,
    Measure,
    MeasureStatus,
    RepeatOffenderRule,
    Violation,
)
from relocation.enforcement.services.escalation import _escalate
from relocation.enforcement.services.measures import _follow_up_task_complete, _measure_move
from relocation.enforcement.services.permissions import _require, can_work_for_team
from relocation.enterprises.lifecycle import forced_closure_start
from relocation.enterprises.models import Enterprise
from relocation.enterprises.services import enterprise_mark_repeat_offender

PHOTO_KINDS = {"jpeg", "png"}
PHOTO_MAX_BYTES = 10 * 1024 * 1024
CHECKLIST_VALUES = {"ok", "problem", "na"}


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
    client_key: str = "",
) -> Inspection:
    """Record an inspection, or complete a scheduled re-inspection
    (`follow_up`), in one transaction with its photos.

    A re-inspection that confirms the fix closes the order (销号); one that
    does not escalates it along the ladder. `client_key` is the phone's
    identity of this submission: sent again (the answer was lost, the queue
    retried), it returns the inspection already recorded and writes nothing."""
    _require(can_work_for_team(actor, team), _("只有本执法组成员可以登记检查。"))
    client_key = (client_key or "").strip()[:64]
    if client_key:
        already = inspection_by_client_key(actor=actor, client_key=client_key)
        if already is not None:
            return already
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
            "client_key": client_key,
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
            try:
                with transaction.atomic():
                    inspection = Inspection.objects.create(
                        **values, created_by=actor if getattr(actor, "is_authenticated", False) else None
                    )
            except IntegrityError:
                # The same submission arrived twice at once: the other request recorded it.
                already = inspection_by_client_key(actor=actor, client_key=client_key) if client_key else None
                if already is None:
                    raise
                return already
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


def inspection_by_client_key(*, actor: Any, client_key: str) -> Inspection | None:
    """The inspection this user already submitted under `client_key`, if any."""
    if not client_key or not getattr(actor, "is_authenticated", False):
        return None
    return Inspection.objects.filter(created_by=actor, client_key=client_key).first()


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


def violation_record(
    *,
    actor: Any,
    inspection: Inspection,
    domain: EnforcementDomain,
    description: str,
    legal_basis: LegalBasis | None = None,
    checklist_item: ChecklistItem | None = None,
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
    if checklist_item is not None and (
        checklist_item.domain_id != domain.pk or inspection.checklist.get(str(checklist_item.pk)) != "problem"
    ):
        raise ServiceError(_("该检查事项在本次检查中未标记为“存在问题”。"), code="checklist_item")
    with transaction.atomic():
        violation = Violation.objects.create(
            programme_id=inspection.programme_id,
            inspection=inspection,
            enterprise_id=inspection.enterprise_id,
            domain=domain,
            legal_basis=legal_basis,
            checklist_item=checklist_item,
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
