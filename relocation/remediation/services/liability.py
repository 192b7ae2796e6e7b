"""Liability and obligations: determining who is liable, the obligations and
their moves, payments, documents, and escalating an overdue obligation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit, uploads, workflow
from relocation.core.errors import ServiceError
from relocation.core.workdays import add_workdays
from relocation.enterprises.models import Enterprise
from relocation.remediation import permissions, transitions
from relocation.remediation.models import (
    Liability,
    LiabilityBasis,
    Obligation,
    ObligationChange,
    ObligationDocument,
    ObligationKind,
    ObligationStatus,
    Payment,
    Site,
)
from relocation.remediation.services.actors import _require, _user
from relocation.remediation.services.evidence import EVIDENCE_KINDS, OBLIGATION_FILE

# Working days the town gets to act on an escalated obligation.
ESCALATION_WORKDAYS = 10


def liability_determine(
    *,
    actor: Any,
    site: Site,
    basis: str,
    party_name: str = "",
    enterprise: Enterprise | None = None,
    basis_note: str = "",
    determined_on: dt.date | None = None,
) -> Liability:
    """Name the responsible party (谁污染、谁治理). A successor or a land user
    is liable only with a written basis (why the polluter cannot answer)."""
    _require(permissions.can_determine_liability(actor), _("只有指挥部或生态环境部门可以认定责任主体。"))
    if basis not in LiabilityBasis.values:
        raise ServiceError(_("认定依据无效。"))
    party_name = (party_name or (enterprise.name if enterprise else "")).strip()
    if not party_name:
        raise ServiceError(_("请填写责任主体名称或选择台账企业。"))
    if basis != LiabilityBasis.POLLUTER and not basis_note.strip():
        raise ServiceError(_("由承继单位或土地使用权人承担责任时，必须写明认定说明（污染责任人为何无法承担）。"))
    determined_on = determined_on or timezone.localdate()
    with transaction.atomic():
        liability = Liability.objects.create(
            site=site,
            basis=basis,
            enterprise=enterprise,
            party_name=party_name,
            basis_note=basis_note.strip(),
            determined_on=determined_on,
        )
        audit.record(
            actor=actor,
            action="remediation.liability_determined",
            obj=liability,
            enterprise_id=site.enterprise_id,
            summary=_("地块 %(site)s 认定责任主体：%(party)s（%(basis)s）")
            % {"site": site.code, "party": party_name, "basis": LiabilityBasis(basis).label},
            changes=audit.snapshot(liability),
        )
        if enterprise is not None and enterprise.pk != site.enterprise_id:
            # The liable enterprise's own timeline shows it too.
            audit.record(
                actor=actor,
                action="remediation.liability_determined",
                obj=liability,
                enterprise_id=enterprise.pk,
                summary=_("被认定为地块 %(site)s 的责任主体（%(basis)s）")
                % {"site": site.code, "basis": LiabilityBasis(basis).label},
            )
    return liability


def obligation_create(
    *,
    actor: Any,
    liability: Liability,
    kind: str,
    description: str,
    due_on: dt.date,
    amount: Decimal | None = None,
) -> Obligation:
    """Set what the responsible party must do by when; compensation needs an amount."""
    _require(permissions.can_determine_liability(actor), _("只有指挥部或生态环境部门可以设定责任义务。"))
    if kind not in ObligationKind.values:
        raise ServiceError(_("义务类型无效。"))
    if not description.strip():
        raise ServiceError(_("请填写义务内容。"))
    if kind == ObligationKind.COMPENSATION and (amount is None or amount <= 0):
        raise ServiceError(_("赔偿义务必须填写大于零的金额。"))
    site = liability.site
    with transaction.atomic():
        obligation = Obligation.objects.create(
            liability=liability,
            kind=kind,
            description=description.strip(),
            due_on=due_on,
            amount=amount if kind == ObligationKind.COMPENSATION else None,
        )
        audit.record(
            actor=actor,
            action="remediation.obligation_created",
            obj=obligation,
            enterprise_id=liability.enterprise_id or site.enterprise_id,
            summary=_("%(party)s：%(kind)s，%(due)s 前")
            % {
                "party": liability.party_name,
                "kind": obligation.get_kind_display(),
                "due": due_on.isoformat(),
            },
            changes=audit.snapshot(obligation),
        )
    return obligation


def obligation_update(
    *, actor: Any, obligation: Obligation, expected_version: int, description: str, due_on: dt.date, amount: Any
) -> Obligation:
    """Change an open obligation's content, deadline or amount (version-checked)."""
    _require(permissions.can_determine_liability(actor), _("只有指挥部或生态环境部门可以修改责任义务。"))
    if obligation.status != ObligationStatus.OPEN:
        raise ServiceError(_("只能修改履行中的义务。"))
    if obligation.kind == ObligationKind.COMPENSATION and (amount is None or amount <= 0):
        raise ServiceError(_("赔偿义务必须填写大于零的金额。"))
    paid = paid_total(obligation)
    if obligation.kind == ObligationKind.COMPENSATION and amount < paid:
        raise ServiceError(_("赔偿金额不能低于已支付的 %(paid)s 元。") % {"paid": _money(paid)})
    fields = ["description", "due_on", "amount"]
    with transaction.atomic():
        before = audit.snapshot(obligation, fields)
        obligation.description = description.strip()
        obligation.due_on = due_on
        obligation.amount = amount if obligation.kind == ObligationKind.COMPENSATION else None
        workflow.save_if_unchanged(obligation, expected_version=expected_version, fields=fields)
        audit.record(
            actor=actor,
            action="remediation.obligation_updated",
            obj=obligation,
            enterprise_id=obligation.liability.enterprise_id or obligation.liability.site.enterprise_id,
            summary=_("修改责任义务：%(o)s") % {"o": obligation},
            changes=audit.diff(before, audit.snapshot(obligation, fields)),
        )
    return obligation


def _move_obligation(*, actor: Any, obligation: Obligation, target: str, reason: str, action: str) -> Obligation:
    with transaction.atomic():
        previous = workflow.move(
            obligation, field="status", target=target, allowed=transitions.OBLIGATION, labels=ObligationStatus
        )
        ObligationChange.objects.create(
            obligation=obligation, from_status=previous, to_status=target, reason=reason, actor=_user(actor)
        )
        audit.record(
            actor=actor,
            action=action,
            obj=obligation,
            enterprise_id=obligation.liability.enterprise_id or obligation.liability.site.enterprise_id,
            summary=_("%(o)s：%(src)s → %(dst)s")
            % {"o": obligation, "src": ObligationStatus(previous).label, "dst": ObligationStatus(target).label},
            changes={"status": [previous, target], "reason": reason},
        )
    return obligation


def paid_total(obligation: Obligation) -> Decimal:
    return obligation.payments.aggregate(total=Sum("amount"))["total"] or Decimal("0")


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def obligation_fulfil(*, actor: Any, obligation: Obligation, reason: str) -> Obligation:
    """Mark an obligation fulfilled; compensation only once it is paid in full."""
    _require(permissions.can_work_on_site(actor, obligation.liability.site), _("您没有确认该义务履行情况的权限。"))
    if not reason.strip():
        raise ServiceError(_("请填写理由。"))
    if obligation.kind == ObligationKind.COMPENSATION and paid_total(obligation) != (obligation.amount or 0):
        raise ServiceError(_("赔偿款尚未足额支付，不能确认履行完毕。"))
    return _move_obligation(
        actor=actor,
        obligation=obligation,
        target=ObligationStatus.FULFILLED,
        reason=reason.strip(),
        action="remediation.obligation_fulfilled",
    )


def obligation_cancel(*, actor: Any, obligation: Obligation, reason: str) -> Obligation:
    _require(permissions.can_determine_liability(actor), _("只有指挥部或生态环境部门可以撤销责任义务。"))
    if not reason.strip():
        raise ServiceError(_("请填写撤销理由。"))
    return _move_obligation(
        actor=actor,
        obligation=obligation,
        target=ObligationStatus.CANCELLED,
        reason=reason.strip(),
        action="remediation.obligation_cancelled",
    )


def payment_record(
    *,
    actor: Any,
    obligation: Obligation,
    paid_on: dt.date,
    amount: Decimal,
    reference: str = "",
    evidence: Any = None,
) -> Payment:
    """Record a compensation payment (with its receipt, checked, if given).

    Invariant: the payments of an obligation never add up to more than its
    amount. The obligation row is locked while the sum is read, so two
    payments recorded at once cannot both pass the check."""
    site = obligation.liability.site
    _require(permissions.can_record_payment(actor, site), _("您没有登记赔偿支付的权限。"))
    if obligation.kind != ObligationKind.COMPENSATION:
        raise ServiceError(_("只有赔偿义务可以登记支付。"))
    if obligation.status != ObligationStatus.OPEN:
        raise ServiceError(_("该义务已结束，不能再登记支付。"))
    if amount is None or amount <= 0:
        raise ServiceError(_("支付金额必须大于零。"))
    if paid_on > timezone.localdate():
        raise ServiceError(_("支付日期不能晚于今天。"))
    with transaction.atomic():
        locked = Obligation.objects.select_for_update().get(pk=obligation.pk)
        if locked.status != ObligationStatus.OPEN:
            raise ServiceError(_("该义务已结束，不能再登记支付。"))
        paid = paid_total(locked)
        outstanding = (locked.amount or Decimal("0")) - paid
        if amount > outstanding:
            raise ServiceError(
                _("支付金额 %(amount)s 元超过未付余额：应付 %(due)s 元，已付 %(paid)s 元，最多还可登记 %(left)s 元。")
                % {
                    "amount": _money(amount),
                    "due": _money(locked.amount or Decimal("0")),
                    "paid": _money(paid),
                    "left": _money(outstanding),
                }
            )
        stored = None
        if evidence is not None:
            stored = uploads.store_upload(
                actor=actor,
                uploaded_file=evidence,
                kinds=EVIDENCE_KINDS,
                enterprise_id=obligation.liability.enterprise_id or site.enterprise_id,
                purpose=OBLIGATION_FILE,
            )
        payment = Payment.objects.create(
            obligation=obligation,
            paid_on=paid_on,
            amount=amount,
            reference=reference.strip(),
            evidence=stored,
            recorded_by=_user(actor),
        )
        audit.record(
            actor=actor,
            action="remediation.payment_recorded",
            obj=payment,
            enterprise_id=obligation.liability.enterprise_id or site.enterprise_id,
            summary=_("%(party)s 支付赔偿 %(amount)s 元")
            % {"party": obligation.liability.party_name, "amount": amount},
        )
    return payment


def obligation_document_upload(
    *, actor: Any, obligation: Obligation, uploaded_file: Any, note: str = ""
) -> ObligationDocument:
    """A document for an obligation: the enterprise's proof of remediation or
    payment, or the officials' notices. Type and size checked by core.uploads."""
    _require(permissions.can_upload_for_obligation(actor, obligation), _("您没有为该义务上传文件的权限。"))
    if uploaded_file is None:
        raise ServiceError(_("请选择文件。"))
    enterprise_id = obligation.liability.enterprise_id or obligation.liability.site.enterprise_id
    with transaction.atomic():
        stored = uploads.store_upload(
            actor=actor,
            uploaded_file=uploaded_file,
            kinds=EVIDENCE_KINDS,
            enterprise_id=enterprise_id,
            purpose=OBLIGATION_FILE,
        )
        document = ObligationDocument.objects.create(
            obligation=obligation, file=stored, note=note.strip()[:200], uploaded_by=_user(actor)
        )
        audit.record(
            actor=actor,
            action="remediation.obligation_document",
            obj=obligation,
            enterprise_id=enterprise_id,
            summary=_("为“%(o)s”上传文件：%(name)s") % {"o": obligation, "name": stored.original_name},
            changes={"sha256": stored.sha256},
        )
    return document


def obligation_escalate(*, actor: Any, obligation: Obligation, today: dt.date | None = None) -> Any:
    """Hand an overdue obligation to the site's territorial unit as a
    supervision task (the bureau co-handles). Idempotent: a second call
    returns the same task."""
    from relocation.organisation.functions import UnitFunction
    from relocation.organisation.selectors import unit_with_function
    from relocation.supervision.services import task_create

    if actor is not None:
        _require(permissions.can_determine_liability(actor), _("只有指挥部或生态环境部门可以督办。"))
    today = today or timezone.localdate()
    if obligation.status != ObligationStatus.OPEN or obligation.due_on >= today:
        raise ServiceError(_("只有逾期未履行的义务可以督办。"))
    liability = obligation.liability
    site = liability.site
    bureau = unit_with_function(site.programme_id, UnitFunction.ENVIRONMENT)
    with transaction.atomic():
        locked = Obligation.objects.select_for_update().get(pk=obligation.pk)
        task = task_create(
            actor=actor,
            title=_("督促 %(party)s 履行地块 %(site)s 的%(kind)s义务")
            % {"party": liability.party_name, "site": site.code, "kind": obligation.get_kind_display()},
            description=_("履行期限 %(due)s 已过。%(text)s")
            % {"due": obligation.due_on.isoformat(), "text": obligation.description},
            lead_unit=site.territorial_unit,
            co_units=[bureau] if bureau is not None else [],
            deadline=add_workdays(today, ESCALATION_WORKDAYS),
            source="remediation",
            subject=obligation,
            enterprise_id=liability.enterprise_id or site.enterprise_id,
            dedupe_key=f"remediation.obligation:{obligation.pk}",
        )
        if locked.task_id != task.pk:
            Obligation.objects.filter(pk=obligation.pk).update(
                task_id=task.pk, escalated_on=today, updated_at=timezone.now()
            )
            audit.record(
                actor=actor,
                action="remediation.obligation_escalated",
                obj=obligation,
                enterprise_id=liability.enterprise_id or site.enterprise_id,
                summary=_("逾期义务转属地督办：%(o)s（任务 #%(task)s）") % {"o": obligation, "task": task.pk},
            )
        obligation.task_id, obligation.escalated_on = task.pk, locked.escalated_on or today
    return task


def escalate_overdue(*, today: dt.date | None = None) -> int:
    """The daily job: escalate every overdue obligation not yet escalated."""
    today = today or timezone.localdate()
    count = 0
    pending = Obligation.objects.filter(status=ObligationStatus.OPEN, due_on__lt=today, task_id__isnull=True)
    for obligation in pending.select_related("liability__site__territorial_unit"):
        obligation_escalate(actor=None, obligation=obligation, today=today)
        count += 1
    return count
