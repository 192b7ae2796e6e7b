"""Writes on inquiries. Every function checks who acts and the item's state,
writes inside one transaction with its status history and audit event, and
leaves notifications to core.notifications (sent after commit).

Who may do what:
- anyone (no account) submits a report or inquiry and follows it up with its
  number and query code; an enterprise contact asks about their own enterprise;
- HQ (commander, staff) triages: assigns to a unit, rejects, publishes, closes;
- the assigned unit drafts the answer, and publishes it itself only where the
  kind's setting allows (`KindSetting.unit_may_publish`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit, workdays, workflow
from relocation.core.errors import ConflictError, PermissionDeniedError, ServiceError
from relocation.core.notifications import notify
from relocation.core.roles import Role, is_enterprise_contact, is_hq_editor, is_unit_member
from relocation.core.uploads import store_upload
from relocation.organisation.models import Programme, Unit, User
from relocation.organisation.selectors import active_programme, people_in_roles
from relocation.portal import ratelimit, selectors, tracking, transitions
from relocation.portal.models import (
    FollowUp,
    Inquiry,
    InquiryChannel,
    InquiryKind,
    InquiryStatus,
    InquiryStatusChange,
    KindSetting,
    RejectReason,
)

PHOTO_PURPOSE = selectors.PHOTO_PURPOSE
MAX_PHOTOS = 3
PHOTO_MAX_BYTES = 5 * 1024 * 1024
# The default working days per kind; HQ changes them on the inbox's settings page.
DEFAULT_DUE_WORKDAYS: dict[str, int] = {InquiryKind.POLLUTION: 5, InquiryKind.POLICY: 10, InquiryKind.COMPLAINT: 15}
# Who acted, in the audit log, when nobody logged in.
PUBLIC_ACTOR = "public"
_PHONE = re.compile(r"^\+?[0-9]{7,15}$")


def inquiry_url(inquiry: Inquiry) -> str:
    return f"/portal/{inquiry.pk}/"


def kind_setting(kind: str) -> KindSetting:
    """The kind's handling rules (created with the defaults on first use)."""
    obj, _created = KindSetting.objects.get_or_create(
        kind=kind, defaults={"due_workdays": DEFAULT_DUE_WORKDAYS.get(kind, 10)}
    )
    return obj


def kind_setting_update(
    *, actor: Any, kind: str, due_workdays: int, unit_may_publish: bool, expected_version: int
) -> KindSetting:
    """HQ changes a kind's time limit and publishing rule; items already
    assigned keep the due date they were given."""
    if not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部可以修改办理时限。"))
    if not 1 <= due_workdays <= 60:
        raise ServiceError(_("办理时限须在 1 至 60 个工作日之间。"), code="due_workdays")
    with transaction.atomic():
        setting = KindSetting.objects.select_for_update().get(pk=kind_setting(kind).pk)
        before = audit.snapshot(setting, ["due_workdays", "unit_may_publish"])
        setting.due_workdays = due_workdays
        setting.unit_may_publish = unit_may_publish
        workflow.save_if_unchanged(
            setting, expected_version=expected_version, fields=["due_workdays", "unit_may_publish"]
        )
        audit.record(
            actor=actor,
            action="portal.kind_setting_changed",
            obj=setting,
            summary=_("修改办理时限：%(kind)s %(n)s 个工作日")
            % {"kind": setting.get_kind_display(), "n": due_workdays},
            changes=audit.diff(before, audit.snapshot(setting, ["due_workdays", "unit_may_publish"])),
        )
    return setting


# ----------------------------------------------------------------------------- submitting


def _clean_text(value: str, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ServiceError(_("请填写%(label)s。") % {"label": label}, code=field)
    if len(value) > max_length:
        raise ServiceError(_("%(label)s不能超过 %(n)s 个字。") % {"label": label, "n": max_length}, code=field)
    return value


def _clean_phone(value: str) -> str:
    phone = re.sub(r"[\s\-()]", "", value or "")
    if phone and not _PHONE.match(phone):
        raise ServiceError(_("联系电话格式不正确：请填写手机号码或带区号的固定电话。"), code="phone")
    return phone


def _history(inquiry: Inquiry, *, actor: Any, from_status: str, to_status: str, note: str = "") -> None:
    InquiryStatusChange.objects.create(
        inquiry=inquiry,
        from_status=from_status,
        to_status=to_status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        at=timezone.now(),
        note=note[:300],
    )


def _hq_people(programme_id: int) -> list[User]:
    return list(people_in_roles(programme_id, Role.HQ_COMMANDER, Role.HQ_STAFF))


def _unit_people(unit: Unit) -> list[User]:
    return list(unit.users.filter(is_active=True, role__in=[Role.UNIT_LEADER, Role.UNIT_LIAISON]))


def _create(
    *,
    actor: Any,
    programme: Programme,
    channel: str,
    kind: str,
    subject: str,
    text: str,
    location: str,
    contact_name: str,
    phone: str,
    photos: Sequence[Any],
    enterprise: Any = None,
) -> tuple[Inquiry, str]:
    if kind not in InquiryKind.values:
        raise ServiceError(_("请选择诉求类型。"), code="kind")
    subject = _clean_text(subject, field="subject", label=_("标题"), max_length=120)
    text = _clean_text(text, field="text", label=_("内容"), max_length=5000)
    location = _clean_text(location, field="location", label=_("地点"), max_length=200, required=False)
    contact_name = _clean_text(contact_name, field="contact_name", label=_("联系人"), max_length=64, required=False)
    phone = _clean_phone(phone)
    if len(photos) > MAX_PHOTOS:
        raise ServiceError(_("最多上传 %(n)s 张照片。") % {"n": MAX_PHOTOS}, code="photos")
    code = tracking.new_code()
    with transaction.atomic():
        # Uploads inside the transaction: a bad photo leaves no half-made item behind.
        stored = [
            store_upload(
                actor=actor,
                uploaded_file=photo,
                kinds=("jpeg", "png"),
                max_bytes=PHOTO_MAX_BYTES,
                enterprise_id=enterprise.pk if enterprise is not None else None,
                purpose=PHOTO_PURPOSE,
            )
            for photo in photos
        ]
        arrived_on = timezone.localdate()
        inquiry = Inquiry.objects.create(
            programme=programme,
            number=tracking.next_number(programme, channel, arrived_on.year),
            code_digest=tracking.digest(code),
            channel=channel,
            kind=kind,
            subject=subject,
            text=text,
            location=location,
            contact_name=contact_name,
            phone=phone,
            submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
            enterprise=enterprise,
            # The time limit runs from arrival: an item waiting for triage is already
            # on the clock, so a slow triage shows as overdue instead of hiding the delay.
            due_date=workdays.add_workdays(arrived_on, kind_setting(kind).due_workdays),
        )
        if stored:
            inquiry.photos.set(stored)
        _history(inquiry, actor=actor, from_status="", to_status=InquiryStatus.RECEIVED)
        audit.record(
            actor=actor,
            action="portal.inquiry_received",
            obj=inquiry,
            enterprise_id=inquiry.enterprise_id,
            summary=_("收到%(kind)s：%(number)s %(subject)s")
            % {"kind": inquiry.get_kind_display(), "number": inquiry.number, "subject": subject},
            changes=audit.snapshot(inquiry, ["channel", "kind", "subject", "location", "contact_name", "phone"]),
        )
        notify(
            recipients=_hq_people(inquiry.programme_id),
            verb="inquiry.received",
            title=_("新诉求：%(number)s %(subject)s") % {"number": inquiry.number, "subject": subject},
            body=str(inquiry.get_kind_display()),
            url=inquiry_url(inquiry),
            dedupe_key=f"inquiry.received:{inquiry.pk}",
        )
    return inquiry, code


def inquiry_submit_public(
    *,
    kind: str,
    subject: str,
    text: str,
    location: str = "",
    contact_name: str = "",
    phone: str = "",
    photos: Sequence[Any] = (),
    honeypot: str = "",
    ip: str | None = None,
    programme: Any = None,
) -> tuple[Inquiry, str]:
    """A member of the public reports or asks, without an account. Returns the
    item and its query code, which is shown once and never stored in clear.

    Refused: a filled honeypot field (only scripts see it), more than the
    hourly number of submissions from one address. The item lands in
    `programme` (the portal the public used), by default the active one."""
    if honeypot.strip():
        raise ServiceError(_("提交未成功：请不要填写隐藏的“网址”栏，刷新页面后重新提交。"), code="honeypot")
    ratelimit.hit("submit", ip)
    programme = programme or active_programme()
    if programme is None:
        raise ServiceError(_("平台尚未开放受理。"), code="no_programme")
    return _create(
        actor=PUBLIC_ACTOR,
        programme=programme,
        channel=InquiryChannel.PUBLIC,
        kind=kind,
        subject=subject,
        text=text,
        location=location,
        contact_name=contact_name,
        phone=phone,
        photos=photos,
    )


def inquiry_ask(*, actor: Any, kind: str, subject: str, text: str, photos: Sequence[Any] = ()) -> Inquiry:
    """An enterprise contact asks a question about the enterprise their account
    is linked to (enterprises.EnterpriseContact); the item is linked to it."""
    if not is_enterprise_contact(actor):
        raise PermissionDeniedError(_("只有企业联系人可以提交企业咨询。"))
    link = getattr(actor, "enterprise_link", None)
    if link is None:
        raise ServiceError(_("您的账户尚未关联企业，请联系现场指挥部。"), code="no_enterprise")
    enterprise = link.enterprise
    inquiry, _code = _create(
        actor=actor,
        programme=enterprise.programme,
        channel=InquiryChannel.ENTERPRISE,
        kind=kind,
        subject=subject,
        text=text,
        location="",
        contact_name=actor.display_name or actor.get_username(),
        phone="",
        photos=photos,
        enterprise=enterprise,
    )
    return inquiry


# ----------------------------------------------------------------------------- handling


def _locked(inquiry: Inquiry, expected_version: int | None) -> Inquiry:
    locked = Inquiry.objects.select_for_update(of=("self",)).select_related("unit").get(pk=inquiry.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(_("在您处理期间，其他人已修改了这条诉求。请刷新页面查看最新内容后再操作。"))
    return locked


def _move(inquiry: Inquiry, *, actor: Any, target: str, extra: dict[str, Any], action: str, note: str = "") -> str:
    previous = workflow.move(
        inquiry, field="status", target=target, allowed=transitions.INQUIRY, labels=InquiryStatus, extra=extra
    )
    _history(inquiry, actor=actor, from_status=previous, to_status=target, note=note)
    audit.record(
        actor=actor,
        action=action,
        obj=inquiry,
        enterprise_id=inquiry.enterprise_id,
        summary=_("诉求 %(number)s：%(src)s → %(dst)s")
        % {"number": inquiry.number, "src": InquiryStatus(previous).label, "dst": InquiryStatus(target).label},
        changes={
            "status": [previous, target],
            **{k: [None, _plain(v)] for k, v in extra.items() if k != "answer"},
            **({"note": ["", note]} if note else {}),
        },
    )
    return previous


def _plain(value: Any) -> Any:
    """A value as the audit log's JSON holds it: objects by id, dates as text."""
    if hasattr(value, "pk"):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _require_hq(actor: Any) -> None:
    if not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部可以执行此操作。"))


def _make_task(inquiry: Inquiry, *, actor: Any, round_no: int) -> None:
    """A pollution report becomes a supervision task of its unit, so it shows in
    the unit's task list with the same deadline; a reopened report gets a new one."""
    from relocation.supervision.services import task_create

    unit, due = inquiry.unit, inquiry.due_date
    if unit is None or due is None:  # excluded by portal_handled_inquiry_has_unit and assignment
        raise ServiceError(_("请选择承办单位。"), code="unit")

    # The title reaches the enterprise's timeline, which its contacts read: a public
    # report's subject stays out of it (it could point at the person who reported).
    if inquiry.channel == InquiryChannel.PUBLIC and inquiry.enterprise_id:
        title = _("处置公众污染举报 %(number)s") % {"number": inquiry.number}
    else:
        title = _("处置污染举报 %(number)s：%(subject)s") % {"number": inquiry.number, "subject": inquiry.subject}
    task = task_create(
        actor=actor,
        title=title,
        description=inquiry.text[:2000] + (f"\n{_('地点')}：{inquiry.location}" if inquiry.location else ""),
        lead_unit=unit,
        deadline=due,
        source="portal",
        subject=inquiry,
        enterprise_id=inquiry.enterprise_id,
        dedupe_key=_task_key(inquiry, round_no),
    )
    Inquiry.objects.filter(pk=inquiry.pk).update(task=task)
    inquiry.task = task


def _task_key(inquiry: Inquiry, round_no: int) -> str:
    return f"portal.inquiry:{inquiry.pk}:{round_no}"


def inquiry_assign(
    *, actor: Any, inquiry: Inquiry, unit: Unit, enterprise: Any = None, expected_version: int | None = None
) -> Inquiry:
    """HQ hands a received item to a member unit. The due date was set on arrival
    (the kind's working days, official calendar plus local overrides): triage
    does not restart the clock; an item without one (older data) gets it from today.
    Optionally links the enterprise it concerns: from then on the item's
    events appear on that enterprise's timeline."""
    _require_hq(actor)
    if unit.kind == Unit.Kind.HEADQUARTERS:
        raise ServiceError(_("请选择承办的成员单位。"), code="unit")
    with transaction.atomic():
        inquiry = _locked(inquiry, expected_version)
        if unit.programme_id != inquiry.programme_id:
            raise ServiceError(_("该单位不属于本项目。"), code="unit")
        if enterprise is not None and enterprise.programme_id != inquiry.programme_id:
            raise ServiceError(_("该企业不属于本项目。"), code="enterprise")
        if inquiry.channel == InquiryChannel.ENTERPRISE and enterprise is not None:
            if enterprise.pk != inquiry.enterprise_id:
                raise ServiceError(_("企业咨询只能关联提问的企业。"), code="enterprise")
        due = inquiry.due_date or workdays.add_workdays(timezone.localdate(), kind_setting(inquiry.kind).due_workdays)
        extra: dict[str, Any] = {"unit": unit, "due_date": due}
        if enterprise is not None:
            extra["enterprise"] = enterprise
        _move(inquiry, actor=actor, target=InquiryStatus.ASSIGNED, extra=extra, action="portal.inquiry_assigned")
        if inquiry.kind == InquiryKind.POLLUTION:
            _make_task(inquiry, actor=actor, round_no=0)
        notify(
            recipients=_unit_people(unit),
            verb="inquiry.assigned",
            title=_("交办诉求：%(number)s %(subject)s") % {"number": inquiry.number, "subject": inquiry.subject},
            body=_("请于 %(d)s 前拟写答复。") % {"d": due.isoformat()},
            url=inquiry_url(inquiry),
            dedupe_key=f"inquiry.assigned:{inquiry.pk}:{inquiry.version}",
        )
    return inquiry


def _require_handler(actor: Any, inquiry: Inquiry) -> None:
    if is_hq_editor(actor):
        return
    if is_unit_member(actor) and actor.unit_id is not None and actor.unit_id == inquiry.unit_id:
        return
    raise PermissionDeniedError(_("只有承办单位和指挥部可以拟写答复。"))


def inquiry_draft(*, actor: Any, inquiry: Inquiry, text: str, expected_version: int) -> Inquiry:
    """The unit (or HQ) saves the answer it is drafting; nothing is published yet."""
    text = _clean_text(text, field="draft_answer", label=_("答复内容"), max_length=5000)
    with transaction.atomic():
        inquiry = _locked(inquiry, None)
        _require_handler(actor, inquiry)
        if inquiry.status != InquiryStatus.ASSIGNED:
            raise ServiceError(_("只有已交办、尚未答复的诉求可以拟写答复。"), code="status")
        inquiry.draft_answer = text
        workflow.save_if_unchanged(inquiry, expected_version=expected_version, fields=["draft_answer"])
        audit.record(
            actor=actor,
            action="portal.answer_drafted",
            obj=inquiry,
            enterprise_id=inquiry.enterprise_id,
            summary=_("拟写答复：%(number)s") % {"number": inquiry.number},
        )
    return inquiry


def can_publish(actor: Any, inquiry: Inquiry) -> bool:
    if is_hq_editor(actor):
        return True
    return (
        is_unit_member(actor)
        and actor.unit_id == inquiry.unit_id
        and actor.role in (Role.UNIT_LEADER, Role.UNIT_LIAISON)
        and kind_setting(inquiry.kind).unit_may_publish
    )


def inquiry_publish(*, actor: Any, inquiry: Inquiry, expected_version: int) -> Inquiry:
    """Publish the drafted answer to the person who asked: HQ does, or the
    unit's leader or liaison where the kind's setting lets units publish. A
    pollution report's task is marked done with it."""
    with transaction.atomic():
        inquiry = _locked(inquiry, expected_version)
        if not can_publish(actor, inquiry):
            raise PermissionDeniedError(_("答复须由指挥部审核后公开。"))
        if not inquiry.draft_answer.strip():
            raise ServiceError(_("请先拟写答复内容。"), code="draft_answer")
        _move(
            inquiry,
            actor=actor,
            target=InquiryStatus.ANSWERED,
            extra={"answer": inquiry.draft_answer, "answered_at": timezone.now()},
            action="portal.answer_published",
        )
        if inquiry.task is not None:
            from relocation.supervision.services import task_complete_for_subject

            task_complete_for_subject(
                actor=actor,
                subject=inquiry,
                dedupe_key=inquiry.task.dedupe_key,
                note=_("举报已答复：%(number)s") % {"number": inquiry.number},
            )
        if inquiry.submitted_by_id:
            notify(
                recipients=[inquiry.submitted_by],
                verb="inquiry.answered",
                title=_("您的咨询已答复：%(subject)s") % {"subject": inquiry.subject},
                url=inquiry_url(inquiry),
                dedupe_key=f"inquiry.answered:{inquiry.pk}:{inquiry.version}",
            )
    return inquiry


def inquiry_close(*, actor: Any, inquiry: Inquiry, expected_version: int, note: str = "") -> Inquiry:
    """HQ closes an answered item (办结)."""
    _require_hq(actor)
    with transaction.atomic():
        inquiry = _locked(inquiry, expected_version)
        _move(inquiry, actor=actor, target=InquiryStatus.CLOSED, extra={}, action="portal.inquiry_closed", note=note)
    return inquiry


def inquiry_reject(*, actor: Any, inquiry: Inquiry, reason: str, note: str = "", expected_version: int) -> Inquiry:
    """HQ refuses spam, a duplicate or something outside the platform's remit,
    with the reason (the asker sees it); a task made for it is cancelled."""
    _require_hq(actor)
    if reason not in RejectReason.values:
        raise ServiceError(_("请选择不予受理的原因。"), code="reason")
    note = _clean_text(note, field="note", label=_("说明"), max_length=300, required=reason != RejectReason.SPAM)
    with transaction.atomic():
        inquiry = _locked(inquiry, expected_version)
        _move(
            inquiry,
            actor=actor,
            target=InquiryStatus.REJECTED,
            extra={"reject_reason": reason, "reject_note": note},
            action="portal.inquiry_rejected",
            note=str(RejectReason(reason).label) + (f"：{note}" if note else ""),
        )
        if inquiry.task is not None and inquiry.task.status not in ("verified", "cancelled"):
            from relocation.supervision.services import task_cancel

            task_cancel(actor=actor, task=inquiry.task, reason=_("诉求不予受理"))
    return inquiry


def inquiry_follow_up(*, actor: Any, inquiry: Inquiry, text: str) -> Inquiry:
    """The asker adds to their item. After an answer (answered or closed) it
    reopens: back to the same unit with a fresh due date (and, for a pollution
    report, a fresh task). The caller has proved the asker: the query code for
    the public, the enterprise link for an enterprise contact."""
    text = _clean_text(text, field="text", label=_("追问内容"), max_length=2000)
    if getattr(actor, "is_authenticated", False):
        link = getattr(actor, "enterprise_link", None) if is_enterprise_contact(actor) else None
        if link is None or inquiry.channel != InquiryChannel.ENTERPRISE or link.enterprise_id != inquiry.enterprise_id:
            raise PermissionDeniedError(_("只能对本企业提交的咨询追问。"))
    with transaction.atomic():
        inquiry = _locked(inquiry, None)
        if inquiry.status == InquiryStatus.REJECTED:
            raise ServiceError(_("该诉求不予受理，不能追问；如有新情况请重新提交。"), code="status")
        FollowUp.objects.create(inquiry=inquiry, text=text, at=timezone.now())
        if inquiry.status in (InquiryStatus.ANSWERED, InquiryStatus.CLOSED):
            due = workdays.add_workdays(timezone.localdate(), kind_setting(inquiry.kind).due_workdays)
            _move(
                inquiry,
                actor=actor,
                target=InquiryStatus.ASSIGNED,
                extra={"due_date": due},
                action="portal.inquiry_reopened",
                note=_("追问：%(text)s") % {"text": text[:200]},
            )
            if inquiry.kind == InquiryKind.POLLUTION:
                _make_task(inquiry, actor=actor, round_no=inquiry.follow_ups.count())
            recipients = _unit_people(inquiry.unit) if inquiry.unit is not None else []
        else:
            audit.record(
                actor=actor,
                action="portal.follow_up",
                obj=inquiry,
                enterprise_id=inquiry.enterprise_id,
                summary=_("诉求 %(number)s 补充说明") % {"number": inquiry.number},
            )
            recipients = _unit_people(inquiry.unit) if inquiry.unit is not None else []
        notify(
            recipients=recipients + _hq_people(inquiry.programme_id),
            verb="inquiry.follow_up",
            title=_("诉求追问：%(number)s %(subject)s") % {"number": inquiry.number, "subject": inquiry.subject},
            body=text[:200],
            url=inquiry_url(inquiry),
            dedupe_key=f"inquiry.follow_up:{inquiry.pk}:{inquiry.follow_ups.count()}",
        )
    return inquiry
