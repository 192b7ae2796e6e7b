"""Commitment letters (关停搬迁承诺书): generate, sign (upload the scan), and
change the committed dates with HQ's approval.

The Word document is rendered from the default template in
document_templates/ unless HQ uploaded a replacement (core.documents).
Uploading the signed scan moves the enterprise to "commitment signed".
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit
from relocation.core.documents import next_document_number, render_docx, template_source
from relocation.core.errors import ConflictError, PermissionDeniedError, ServiceError
from relocation.core.notifications import notify
from relocation.core.roles import Role, is_enterprise_contact, is_hq_editor, is_unit_member
from relocation.enterprises.models import (
    CommitmentDateChange,
    CommitmentLetter,
    DateChangeStatus,
    Enterprise,
    LetterStatus,
    LifecycleStatus,
)
from relocation.enterprises.transitions import ALLOWED

TEMPLATE_CODE = "commitment_letter"
DEFAULT_TEMPLATE = Path(__file__).resolve().parent / "document_templates" / "commitment_letter.docx"
SCAN_KINDS = {"pdf", "jpeg", "png"}
SCAN_MAX_BYTES = 20 * 1024 * 1024
# The letter's number is issued under the enterprise's territorial town (机关代字 + 承诺),
# e.g. 某某镇承诺〔2022〕3号: each programme's towns number their own letters.
NUMBER_WORD = "承诺"

DEFAULT_OBLIGATIONS = [
    "在承诺关停日期前停止全部生产活动，不再新增生产用水、用电和排污。",
    "配合供水、供电单位切断生产用水、用电（两断）。",
    "清理原辅材料、生产设备、产品及危险废物（三清），危险废物交有资质单位处置。",
    "依法妥善安置员工，按时足额支付工资及经济补偿，不拖欠工资、押金。",
    "按照“谁污染、谁治理”的原则，配合开展厂区土壤环境调查和修复。",
    "如未按承诺期限关停搬迁，自愿接受有关部门依法采取的强制关停措施。",
]


def _hq_editors(programme_id: int) -> list[Any]:
    from relocation.organisation.selectors import people_in_roles

    return list(people_in_roles(programme_id, Role.HQ_COMMANDER, Role.HQ_STAFF))


def can_prepare(user: Any, enterprise: Enterprise) -> bool:
    """HQ editors and the territorial unit prepare letters and upload scans."""
    if is_hq_editor(user):
        return True
    return is_unit_member(user) and user.unit_id is not None and user.unit_id == enterprise.territorial_unit_id


def can_upload_scan(user: Any, enterprise: Enterprise) -> bool:
    """…and the enterprise itself may upload its signed letter."""
    if can_prepare(user, enterprise):
        return True
    return is_enterprise_contact(user) and enterprise.contacts.filter(user=user).exists()


def can_download_scan(user: Any, stored: Any) -> bool:
    """Who may download a signed letter: programme staff, and the enterprise's own contact."""
    from relocation.core.roles import is_staff_member

    if is_staff_member(user):
        return True
    return (
        is_enterprise_contact(user)
        and stored.enterprise_id is not None
        and Enterprise.objects.filter(pk=stored.enterprise_id, contacts__user=user).exists()
    )


def _check_dates(shutdown: dt.date | None, relocation: dt.date | None) -> None:
    if shutdown is None:
        raise ServiceError(_("请填写承诺关停日期。"), code="committed_shutdown_on")
    if relocation is not None and relocation < shutdown:
        raise ServiceError(_("承诺搬迁完成日期不能早于承诺关停日期。"), code="committed_relocation_on")


def _next_number(enterprise: Enterprise, year: int) -> str:
    town = enterprise.territorial_unit
    issuer = (town.short_name or town.name) if town is not None else enterprise.programme.name
    return next_document_number(f"{issuer}{NUMBER_WORD}", year)[1]


@transaction.atomic
def letter_generate(
    *,
    actor: Any,
    enterprise: Enterprise,
    committed_shutdown_on: dt.date,
    committed_relocation_on: dt.date | None = None,
    obligations: list[str] | None = None,
) -> CommitmentLetter:
    """Create the enterprise's letter, or update it while it is unsigned.
    Once signed, the dates change only through an approved date-change request."""
    if actor is not None and not can_prepare(actor, enterprise):
        raise PermissionDeniedError(_("您无权为该企业生成承诺书。"))
    _check_dates(committed_shutdown_on, committed_relocation_on)
    obligations = [o.strip() for o in (obligations or DEFAULT_OBLIGATIONS) if o and o.strip()]
    letter = CommitmentLetter.objects.select_for_update().filter(enterprise=enterprise).first()
    by = actor if getattr(actor, "is_authenticated", False) else None
    if letter is None:
        letter = CommitmentLetter.objects.create(
            enterprise=enterprise,
            number=_next_number(enterprise, timezone.localdate().year),
            committed_shutdown_on=committed_shutdown_on,
            committed_relocation_on=committed_relocation_on,
            obligations=obligations,
            generated_by=by,
        )
        action, before = "enterprise.letter_generated", {}
    else:
        if letter.status == LetterStatus.SIGNED:
            raise ConflictError(_("承诺书已签署，如需变更承诺日期请提交变更申请。"))
        before = audit.snapshot(letter, ["committed_shutdown_on", "committed_relocation_on", "obligations"])
        letter.committed_shutdown_on = committed_shutdown_on
        letter.committed_relocation_on = committed_relocation_on
        letter.obligations = obligations
        letter.generated_by = by
        letter.version += 1
        letter.save()
        action = "enterprise.letter_regenerated"
    audit.record(
        actor=actor,
        action=action,
        obj=letter,
        enterprise_id=enterprise.pk,
        summary=_("生成关停搬迁承诺书%(number)s：承诺 %(date)s 前关停")
        % {"number": letter.number, "date": committed_shutdown_on.isoformat()},
        changes=audit.diff(
            before, audit.snapshot(letter, ["committed_shutdown_on", "committed_relocation_on", "obligations"])
        ),
    )
    return letter


def letter_context(letter: CommitmentLetter) -> dict[str, Any]:
    """What the template's jinja tags receive."""
    enterprise = letter.enterprise
    plan = getattr(enterprise, "relocation_plan", None)
    destination = (plan.destination_name if plan and plan.destination_name else "") or (
        enterprise.get_intention_display() if enterprise.intention else _("待定")
    )
    fmt = "%Y年%m月%d日"
    return {
        "number": letter.number,
        "enterprise_name": enterprise.name,
        "credit_code": enterprise.credit_code,
        "legal_representative": enterprise.legal_representative or "",
        "address": enterprise.address or "",
        "committed_shutdown_on": letter.committed_shutdown_on.strftime(fmt),
        "committed_relocation_on": (
            letter.committed_relocation_on.strftime(fmt) if letter.committed_relocation_on else _("不适用")
        ),
        "destination": str(destination),
        "obligations": list(letter.obligations or DEFAULT_OBLIGATIONS),
        "programme_name": enterprise.programme.name,
        "zone_name": enterprise.programme.zone_name,
        "date": timezone.localdate().strftime(fmt),
    }


def letter_document(letter: CommitmentLetter) -> bytes:
    """The letter as a Word document (.docx bytes)."""
    return render_docx(TEMPLATE_CODE, DEFAULT_TEMPLATE, letter_context(letter))


TEMPLATE_MAX_BYTES = 5 * 1024 * 1024
SAMPLE_CONTEXT = {
    "number": "示例承诺〔2021〕1号",
    "enterprise_name": "示例电镀有限公司",
    "credit_code": "91441900000000000X",
    "legal_representative": "张三",
    "address": "示例市示例镇示例路1号",
    "committed_shutdown_on": "2021年12月31日",
    "committed_relocation_on": "2022年06月30日",
    "destination": "迁出本市",
    "obligations": DEFAULT_OBLIGATIONS,
    "programme_name": "示例项目",
    "zone_name": "示例区域",
    "date": "2021年07月01日",
}


def letter_template_replace(*, actor: Any, uploaded_file: Any) -> Any:
    """HQ replaces the Word template of commitment letters. The file must be a
    .docx that renders with the standard tags (tried before it is kept), so a
    broken template never reaches the enterprises."""
    import hashlib
    import io

    from django.core.files.base import ContentFile
    from docxtpl import DocxTemplate

    from relocation.core import uploads
    from relocation.core.models import DocumentTemplate

    if not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部可以更换承诺书模板。"))
    if uploaded_file is None:
        raise ServiceError(_("请选择 Word 模板文件（.docx）。"), code="file")
    data = uploaded_file.read(TEMPLATE_MAX_BYTES + 1)
    if len(data) > TEMPLATE_MAX_BYTES:
        raise ServiceError(_("文件过大：最大 %(mb).1f MB。") % {"mb": TEMPLATE_MAX_BYTES / 1024 / 1024}, code="file")
    if uploads.detect_kind(data[:16], ["docx"]) is None:
        raise ServiceError(_("文件类型不符：只接受 Word（.docx）文件。"), code="file")
    try:
        DocxTemplate(io.BytesIO(data)).render(SAMPLE_CONTEXT, autoescape=True)
    except Exception as exc:  # noqa: BLE001 - any template error means "refuse this file"
        raise ServiceError(_("模板无法生成承诺书：%(error)s") % {"error": str(exc)[:200]}, code="file") from exc
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        template = DocumentTemplate.objects.select_for_update().filter(code=TEMPLATE_CODE).first()
        if template is None:
            template = DocumentTemplate(code=TEMPLATE_CODE, name=str(_("关停搬迁承诺书")))
        template.uploaded_by = actor
        template.file.save(f"{TEMPLATE_CODE}-{digest[:12]}.docx", ContentFile(data), save=False)
        template.save()
        audit.record(
            actor=actor,
            action="enterprise.letter_template_replaced",
            obj=template,
            summary=_("更换关停搬迁承诺书模板"),
            changes={"sha256": [None, digest]},
        )
    return template


@transaction.atomic
def letter_template_reset(*, actor: Any) -> None:
    """Go back to the built-in template."""
    from relocation.core.models import DocumentTemplate

    if not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部可以更换承诺书模板。"))
    template = DocumentTemplate.objects.filter(code=TEMPLATE_CODE).first()
    if template is None:
        return
    audit.record(
        actor=actor,
        action="enterprise.letter_template_reset",
        obj=template,
        summary=_("恢复默认的关停搬迁承诺书模板"),
    )
    template.delete()


def letter_template_bytes() -> tuple[bytes, bool]:
    """The template in use (HQ's replacement or the built-in one), and whether it is a replacement."""
    source = template_source(TEMPLATE_CODE, DEFAULT_TEMPLATE)
    if isinstance(source, str):
        return Path(source).read_bytes(), False
    return source.read(), True


@transaction.atomic
def letter_sign(*, actor: Any, letter: CommitmentLetter, uploaded_file: Any, signed_on: dt.date) -> CommitmentLetter:
    """Keep the signed scan (PDF, JPEG or PNG; type by content, size limited,
    SHA-256 kept) and mark the letter signed; the enterprise moves to
    "commitment signed" if its lifecycle allows it from where it stands."""
    from relocation.core import uploads
    from relocation.enterprises.lifecycle import enterprise_transition

    enterprise = letter.enterprise
    if actor is not None and not can_upload_scan(actor, enterprise):
        raise PermissionDeniedError(_("您无权上传该企业的承诺书。"))
    if signed_on is None:
        raise ServiceError(_("请填写签署日期。"), code="signed_on")
    if signed_on > timezone.localdate():
        raise ServiceError(_("签署日期不能晚于今天。"), code="signed_on")
    if uploaded_file is None:
        raise ServiceError(_("请选择签署后的承诺书扫描件。"), code="file")
    locked = CommitmentLetter.objects.select_for_update().get(pk=letter.pk)
    stored = uploads.store_upload(
        actor=actor,
        uploaded_file=uploaded_file,
        kinds=SCAN_KINDS,
        max_bytes=SCAN_MAX_BYTES,
        enterprise_id=enterprise.pk,
        purpose="commitment_letter",
    )
    old_status = locked.status
    locked.signed_file = stored
    locked.signed_on = signed_on
    locked.status = LetterStatus.SIGNED
    locked.signed_uploaded_by = actor if getattr(actor, "is_authenticated", False) else None
    locked.version += 1
    locked.save()
    audit.record(
        actor=actor,
        action="enterprise.letter_signed",
        obj=locked,
        enterprise_id=enterprise.pk,
        summary=_("上传签署的关停搬迁承诺书（%(date)s 签署）") % {"date": signed_on.isoformat()},
        changes={"status": [old_status, locked.status], "signed_file": [None, stored.sha256]},
    )
    enterprise.refresh_from_db()
    if LifecycleStatus.COMMITMENT_SIGNED in ALLOWED.get(enterprise.status, ()):
        enterprise_transition(
            actor=actor,
            enterprise=enterprise,
            target=LifecycleStatus.COMMITMENT_SIGNED,
            reason=_("企业已签署关停搬迁承诺书"),
            check_permission=False,
        )
    letter.refresh_from_db()
    return letter


def date_change_request(
    *,
    actor: Any,
    letter: CommitmentLetter,
    new_shutdown_on: dt.date,
    new_relocation_on: dt.date | None,
    reason: str,
) -> CommitmentDateChange:
    """Ask HQ to change the committed dates; one open request per letter."""
    if not can_upload_scan(actor, letter.enterprise):
        raise PermissionDeniedError(_("您无权申请变更该企业的承诺日期。"))
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("请填写变更理由。"), code="reason")
    _check_dates(new_shutdown_on, new_relocation_on)
    if new_shutdown_on == letter.committed_shutdown_on and new_relocation_on == letter.committed_relocation_on:
        raise ServiceError(_("新日期与原承诺日期相同。"), code="new_shutdown_on")
    try:
        with transaction.atomic():
            change = CommitmentDateChange.objects.create(
                letter=letter,
                old_shutdown_on=letter.committed_shutdown_on,
                old_relocation_on=letter.committed_relocation_on,
                new_shutdown_on=new_shutdown_on,
                new_relocation_on=new_relocation_on,
                reason=reason,
                requested_by=actor,
            )
            audit.record(
                actor=actor,
                action="enterprise.letter_date_change_requested",
                obj=change,
                enterprise_id=letter.enterprise_id,
                summary=_("申请变更承诺关停日期：%(old)s → %(new)s（%(reason)s）")
                % {
                    "old": letter.committed_shutdown_on.isoformat(),
                    "new": new_shutdown_on.isoformat(),
                    "reason": reason,
                },
                changes={
                    "committed_shutdown_on": [letter.committed_shutdown_on.isoformat(), new_shutdown_on.isoformat()]
                },
            )
            notify(
                recipients=[u for u in _hq_editors(letter.enterprise.programme_id) if u.pk != actor.pk],
                verb="letter.date_change_requested",
                title=_("承诺日期变更待审批：%(name)s") % {"name": letter.enterprise.name},
                body=reason,
                url=f"/enterprises/{letter.enterprise_id}/#letter",
                dedupe_key=f"letter-date-change:{change.pk}",
            )
    except IntegrityError:
        raise ConflictError(_("该承诺书已有待审批的变更申请。"))
    return change


@transaction.atomic
def date_change_decide(
    *, actor: Any, change: CommitmentDateChange, approve: bool, note: str = ""
) -> CommitmentDateChange:
    """HQ approves or rejects a date-change request; never the requester.
    Approval updates the letter's dates and marks it "dates changed"."""
    if not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部可以审批承诺日期变更。"))
    if actor.pk == change.requested_by_id:
        raise PermissionDeniedError(_("不能审批自己提交的变更申请。"))
    if not approve and not (note or "").strip():
        raise ServiceError(_("驳回时请填写审批意见。"), code="note")
    now = timezone.now()
    new_status = DateChangeStatus.APPROVED if approve else DateChangeStatus.REJECTED
    updated = CommitmentDateChange.objects.filter(pk=change.pk, status=DateChangeStatus.PENDING).update(
        status=new_status, decided_by=actor, decided_at=now, decision_note=(note or "").strip(), updated_at=now
    )
    if updated != 1:
        raise ConflictError(_("该申请已被处理。"))
    change.refresh_from_db()
    letter = CommitmentLetter.objects.select_for_update().get(pk=change.letter_id)
    if approve:
        letter.committed_shutdown_on = change.new_shutdown_on
        letter.committed_relocation_on = change.new_relocation_on
        letter.dates_changed = True
        letter.version += 1
        letter.save(
            update_fields=["committed_shutdown_on", "committed_relocation_on", "dates_changed", "version", "updated_at"]
        )
    audit.record(
        actor=actor,
        action="enterprise.letter_date_change_decided",
        obj=change,
        enterprise_id=letter.enterprise_id,
        summary=(_("批准变更承诺日期：%(old)s → %(new)s") if approve else _("驳回承诺日期变更：%(old)s → %(new)s"))
        % {"old": change.old_shutdown_on.isoformat(), "new": change.new_shutdown_on.isoformat()},
        changes={
            "status": [DateChangeStatus.PENDING, new_status],
            "committed_shutdown_on": [change.old_shutdown_on.isoformat(), change.new_shutdown_on.isoformat()]
            if approve
            else None,
        },
    )
    notify(
        recipients=[change.requested_by],
        verb="letter.date_change_decided",
        title=(_("承诺日期变更已批准：%(name)s") if approve else _("承诺日期变更被驳回：%(name)s"))
        % {"name": letter.enterprise.name},
        body=change.decision_note,
        url=f"/enterprises/{letter.enterprise_id}/#letter",
        dedupe_key=f"letter-date-change-decided:{change.pk}",
    )
    return change
