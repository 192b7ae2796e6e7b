"""Writes on leases. Every function checks who acts (by role and by the
unit's function, see permissions.py) and the lease's state (actions.py),
locks the lease, writes inside one transaction with its status history and
audit event (on the tenant's timeline), and leaves notifications to
core.notifications (sent after commit)."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit, documents, workflow
from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.notifications import notify
from relocation.core.official_layout import official_date
from relocation.core.roles import Role
from relocation.enterprises.models import Enterprise, EnterpriseContact
from relocation.leases import actions, permissions, transitions
from relocation.leases.models import (
    ClearanceCheck,
    DepositRefund,
    LandlordKind,
    Lease,
    LeaseDispute,
    LeaseStatus,
    LeaseStatusChange,
    TerminationNotice,
)
from relocation.organisation.functions import UnitFunction
from relocation.organisation.models import Unit, User
from relocation.organisation.selectors import unit_has_function

NOTICE_TEMPLATE_CODE = "leases.termination_notice"
NOTICE_TEMPLATE = Path(__file__).resolve().parent / "documents" / "termination_notice.docx"
# The short word of the notice in its number, after the issuing unit's short name: 社区停租〔2022〕3号.
NOTICE_WORD = "停租"


def lease_url(lease: Lease) -> str:
    return f"/leases/{lease.pk}/"


def _money(value: Any, *, label: str, field: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        raise ServiceError(_("%(label)s须为金额。") % {"label": label}, code=field) from None
    if amount < 0:
        raise ServiceError(_("%(label)s不能为负数。") % {"label": label}, code=field)
    return amount


def _text(value: str, *, label: str, field: str, max_length: int = 2000, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ServiceError(_("请填写%(label)s。") % {"label": label}, code=field)
    if len(value) > max_length:
        raise ServiceError(_("%(label)s不能超过 %(n)s 个字。") % {"label": label, "n": max_length}, code=field)
    return value


def _history(lease: Lease, *, actor: Any, from_status: str, to_status: str, note: str = "") -> None:
    LeaseStatusChange.objects.create(
        lease=lease,
        from_status=from_status,
        to_status=to_status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        at=timezone.now(),
        note=note[:300],
    )


def _move(lease: Lease, *, actor: Any, target: str, note: str) -> None:
    previous = workflow.move(lease, field="status", target=target, allowed=transitions.LEASE, labels=LeaseStatus)
    _history(lease, actor=actor, from_status=previous, to_status=target, note=note)


def _unit_people(unit: Unit) -> list[User]:
    return list(unit.users.filter(is_active=True, role__in=[Role.UNIT_LEADER, Role.UNIT_LIAISON]))


def _contacts(enterprise: Enterprise) -> list[User]:
    return [c.user for c in EnterpriseContact.objects.filter(enterprise=enterprise).select_related("user")]


# ----------------------------------------------------------------------------- registering


def lease_register(
    *,
    actor: Any,
    enterprise: Enterprise,
    community_unit: Unit,
    number: str,
    landlord_kind: str,
    landlord_name: str,
    address: str,
    area_m2: Any,
    starts_on: dt.date,
    ends_on: dt.date,
    monthly_rent: Any = 0,
    deposit: Any = 0,
    notes: str = "",
) -> Lease:
    """Register a lease of collective property to an enterprise of the ledger.

    Invariants: the community unit performs the community function in the
    tenant's programme; the number is unique in the programme; the term ends
    on or after it starts; area positive, rent and deposit not negative."""
    if community_unit.programme_id != enterprise.programme_id or not unit_has_function(
        community_unit, UnitFunction.COMMUNITY
    ):
        raise ServiceError(_("请选择本项目承担社区职能的单位。"), code="community_unit")
    if not permissions.can_register_for(actor, community_unit=community_unit, enterprise=enterprise):
        raise PermissionDeniedError(_("您无权登记该租约。"))
    number = _text(number, label=_("租约编号"), field="number", max_length=40)
    if landlord_kind not in LandlordKind.values:
        raise ServiceError(_("请选择出租方类型。"), code="landlord_kind")
    landlord_name = _text(landlord_name, label=_("出租方"), field="landlord_name", max_length=200)
    address = _text(address, label=_("物业地址"), field="address", max_length=300)
    area = _money(area_m2, label=_("租赁面积"), field="area_m2")
    if area <= 0:
        raise ServiceError(_("租赁面积须大于零。"), code="area_m2")
    if not starts_on or not ends_on or ends_on < starts_on:
        raise ServiceError(_("租期届满日期不能早于起始日期。"), code="ends_on")
    rent = _money(monthly_rent, label=_("月租金"), field="monthly_rent")
    deposit_amount = _money(deposit, label=_("押金"), field="deposit")
    with transaction.atomic():
        if Lease.objects.filter(programme_id=enterprise.programme_id, number=number).exists():
            raise ServiceError(_("租约编号“%(n)s”已登记。") % {"n": number}, code="number")
        lease = Lease.objects.create(
            programme_id=enterprise.programme_id,
            number=number,
            landlord_kind=landlord_kind,
            landlord_name=landlord_name,
            community_unit=community_unit,
            enterprise=enterprise,
            address=address,
            area_m2=area,
            starts_on=starts_on,
            ends_on=ends_on,
            monthly_rent=rent,
            deposit=deposit_amount,
            notes=(notes or "").strip(),
        )
        _history(lease, actor=actor, from_status="", to_status=LeaseStatus.ACTIVE, note=_("登记租约"))
        audit.record(
            actor=actor,
            action="lease.registered",
            obj=lease,
            enterprise_id=enterprise.pk,
            summary=_("登记租约 %(n)s：%(landlord)s 出租 %(address)s")
            % {"n": number, "landlord": landlord_name, "address": address},
            changes={"deposit": [None, str(deposit_amount)], "ends_on": [None, ends_on.isoformat()]},
        )
    return lease


# ----------------------------------------------------------------------------- the termination notice


def notice_context(
    lease: Lease, *, number: str, issued_on: dt.date, vacate_by: dt.date, refund_due_on: dt.date, reason: str
) -> dict[str, Any]:
    return {
        "number": number,
        "unit": lease.community_unit.name,
        "enterprise": lease.enterprise.name,
        "credit_code": lease.enterprise.credit_code,
        "landlord": lease.landlord_name,
        "address": lease.address,
        "lease_number": lease.number,
        "area": f"{lease.area_m2:,.2f}",
        "starts_on": official_date(lease.starts_on),
        "ends_on": official_date(lease.ends_on),
        "reason": reason,
        "vacate_by": official_date(vacate_by),
        "refund_due_on": official_date(refund_due_on),
        "deposit": f"{lease.deposit:,.2f}",
        "date": official_date(issued_on),
    }


def notice_issue(
    *,
    actor: Any,
    lease: Lease,
    vacate_by: dt.date,
    refund_due_on: dt.date,
    reason: str,
    issued_on: dt.date | None = None,
) -> TerminationNotice:
    """Issue the numbered termination notice (Word, from the template HQ may
    replace) in the community unit's name, and move the lease to
    notice-issued. The number comes from the unit's yearly sequence and is
    rolled back with the rest if anything fails."""
    issued_on = issued_on or timezone.localdate()
    reason = _text(reason, label=_("停租事由"), field="reason")
    if not vacate_by or vacate_by < issued_on:
        raise ServiceError(_("限期腾退日期不能早于发出日期。"), code="vacate_by")
    if not refund_due_on or refund_due_on < issued_on:
        raise ServiceError(_("押金退还期限不能早于发出日期。"), code="refund_due_on")
    with transaction.atomic():
        lease = _relock(lease)
        actions.require(actor, lease, actions.ISSUE_NOTICE)
        unit = lease.community_unit
        _serial, number = documents.next_document_number(f"{unit.short_name or unit.name}{NOTICE_WORD}", issued_on.year)
        context = notice_context(
            lease, number=number, issued_on=issued_on, vacate_by=vacate_by, refund_due_on=refund_due_on, reason=reason
        )
        content = documents.render_docx(NOTICE_TEMPLATE_CODE, NOTICE_TEMPLATE, context)
        notice = TerminationNotice.objects.create(
            lease=lease,
            number=number,
            issued_on=issued_on,
            vacate_by=vacate_by,
            refund_due_on=refund_due_on,
            reason=reason,
            issued_by=actor if getattr(actor, "is_authenticated", False) else None,
            document=content,
            sha256=hashlib.sha256(content).hexdigest(),
        )
        _move(lease, actor=actor, target=LeaseStatus.NOTICE_ISSUED, note=number)
        audit.record(
            actor=actor,
            action="lease.notice_issued",
            obj=lease,
            enterprise_id=lease.enterprise_id,
            summary=_("下发停租通知 %(number)s：租约 %(lease)s，限 %(day)s 前腾退")
            % {"number": number, "lease": lease.number, "day": vacate_by.isoformat()},
            changes={"status": [LeaseStatus.ACTIVE, LeaseStatus.NOTICE_ISSUED], "sha256": [None, notice.sha256]},
        )
        notify(
            recipients=_contacts(lease.enterprise) + _unit_people(unit),
            verb="lease.notice",
            title=_("停租通知 %(number)s：%(address)s") % {"number": number, "address": lease.address},
            body=_("请于 %(day)s 前腾空物业、清走设备、交回钥匙。") % {"day": vacate_by.isoformat()},
            url=lease_url(lease),
            dedupe_key=f"lease.notice:{lease.pk}",
        )
    return notice


def _relock(lease: Lease) -> Lease:
    """Lock the lease's row for this transaction and re-read it, so the rules
    judge the state as it is now, not as the caller read it."""
    if not list(Lease.objects.select_for_update().filter(pk=lease.pk).values_list("pk", flat=True)):
        raise Lease.DoesNotExist
    lease.refresh_from_db()
    return lease


# ----------------------------------------------------------------------------- the deposit


def deposit_refund_record(
    *, actor: Any, lease: Lease, amount: Any, refunded_on: dt.date, withheld_reason: str = ""
) -> DepositRefund:
    """Record the deposit returned to the tenant and move the lease on.

    Invariants: never more than the deposit; less only with the reason for
    what is withheld; not dated before the notice nor in the future."""
    value = _money(amount, label=_("退还金额"), field="amount")
    withheld_reason = (withheld_reason or "").strip()
    with transaction.atomic():
        lease = _relock(lease)
        actions.require(actor, lease, actions.REFUND)
        if value > lease.deposit:
            raise ServiceError(
                _("退还金额 %(a)s 元超过押金 %(d)s 元。") % {"a": value, "d": lease.deposit}, code="amount"
            )
        if value < lease.deposit and not withheld_reason:
            raise ServiceError(
                _("退还金额少于押金 %(d)s 元，请写明扣留 %(w)s 元的理由。")
                % {"d": lease.deposit, "w": lease.deposit - value},
                code="withheld_reason",
            )
        notice = TerminationNotice.objects.get(lease=lease)
        if not refunded_on or refunded_on < notice.issued_on or refunded_on > timezone.localdate():
            raise ServiceError(_("退还日期须在停租通知发出之后，且不晚于今天。"), code="refunded_on")
        refund = DepositRefund.objects.create(
            lease=lease,
            amount=value,
            refunded_on=refunded_on,
            withheld_reason=withheld_reason,
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
            recorded_at=timezone.now(),
        )
        partial = value < lease.deposit
        _move(
            lease,
            actor=actor,
            target=LeaseStatus.DEPOSIT_REFUNDED,
            note=_("部分退还：%(reason)s") % {"reason": withheld_reason} if partial else _("全额退还"),
        )
        audit.record(
            actor=actor,
            action="lease.deposit_refunded",
            obj=lease,
            enterprise_id=lease.enterprise_id,
            summary=(
                _("退还押金 %(a)s 元（押金 %(d)s 元，扣留理由：%(r)s）")
                % {"a": value, "d": lease.deposit, "r": withheld_reason}
                if partial
                else _("全额退还押金 %(a)s 元") % {"a": value}
            ),
            changes={
                "refunded": [None, str(value)],
                "status": [LeaseStatus.NOTICE_ISSUED, LeaseStatus.DEPOSIT_REFUNDED],
            },
        )
        notify(
            recipients=_unit_people(lease.community_unit),
            verb="lease.refunded",
            title=_("押金已退还，请核查清租退场：%(address)s") % {"address": lease.address},
            url=lease_url(lease),
            dedupe_key=f"lease.refunded:{lease.pk}",
        )
    return refund


# ----------------------------------------------------------------------------- clearance and closing


def clearance_check_record(
    *,
    actor: Any,
    lease: Lease,
    checked_on: dt.date,
    premises_vacated: bool,
    equipment_removed: bool,
    keys_returned: bool,
    note: str = "",
) -> ClearanceCheck:
    """The community's 清租退场 check. Every check is kept; one that passes
    (vacated, equipment removed, keys returned) clears the lease, one that
    fails must say what is missing and leaves the lease where it was."""
    note = (note or "").strip()
    with transaction.atomic():
        lease = _relock(lease)
        actions.require(actor, lease, actions.CLEARANCE)
        if not checked_on or checked_on > timezone.localdate():
            raise ServiceError(_("核查日期不能晚于今天。"), code="checked_on")
        check = ClearanceCheck(
            lease=lease,
            checked_on=checked_on,
            premises_vacated=bool(premises_vacated),
            equipment_removed=bool(equipment_removed),
            keys_returned=bool(keys_returned),
            note=note,
            checked_by=actor if getattr(actor, "is_authenticated", False) else None,
            recorded_at=timezone.now(),
        )
        if not check.passed and not note:
            raise ServiceError(_("核查未通过，请写明尚未完成的情况。"), code="note")
        check.save()
        if check.passed:
            _move(lease, actor=actor, target=LeaseStatus.CLEARED, note=note or _("清租退场核查通过"))
        audit.record(
            actor=actor,
            action="lease.clearance_checked",
            obj=lease,
            enterprise_id=lease.enterprise_id,
            summary=(_("清租退场核查通过：%(address)s") if check.passed else _("清租退场核查未通过：%(address)s"))
            % {"address": lease.address},
            changes={
                "premises_vacated": [None, check.premises_vacated],
                "equipment_removed": [None, check.equipment_removed],
                "keys_returned": [None, check.keys_returned],
            },
        )
    return check


def lease_close(*, actor: Any, lease: Lease, note: str = "") -> Lease:
    """Close the file of a cleared lease without an open dispute."""
    note = (note or "").strip()
    with transaction.atomic():
        lease = _relock(lease)
        actions.require(actor, lease, actions.CLOSE)
        _move(lease, actor=actor, target=LeaseStatus.CLOSED, note=note or _("办结"))
        audit.record(
            actor=actor,
            action="lease.closed",
            obj=lease,
            enterprise_id=lease.enterprise_id,
            summary=_("租约 %(n)s 办结") % {"n": lease.number},
            changes={"status": [LeaseStatus.CLEARED, LeaseStatus.CLOSED]},
        )
    return lease


# ----------------------------------------------------------------------------- disputes


def dispute_open(*, actor: Any, lease: Lease, description: str, opened_on: dt.date | None = None) -> LeaseDispute:
    """Record a dispute over the lease's ending; it raises the tenant's
    stability risk (risk_signals.py) until resolved and holds the closing."""
    description = _text(description, label=_("纠纷情况"), field="description")
    opened_on = opened_on or timezone.localdate()
    with transaction.atomic():
        lease = _relock(lease)
        actions.require(actor, lease, actions.DISPUTE_OPEN)
        dispute = LeaseDispute.objects.create(
            lease=lease,
            opened_on=opened_on,
            description=description,
            opened_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit.record(
            actor=actor,
            action="lease.dispute_opened",
            obj=lease,
            enterprise_id=lease.enterprise_id,
            summary=_("登记租赁纠纷：%(d)s") % {"d": description[:80]},
        )
    return dispute


def dispute_resolve(*, actor: Any, lease: Lease, resolution: str, resolved_on: dt.date | None = None) -> LeaseDispute:
    resolution = _text(resolution, label=_("化解情况"), field="resolution")
    resolved_on = resolved_on or timezone.localdate()
    with transaction.atomic():
        lease = _relock(lease)
        actions.require(actor, lease, actions.DISPUTE_RESOLVE)
        dispute = LeaseDispute.objects.select_for_update().get(lease=lease, resolved_on__isnull=True)
        if resolved_on < dispute.opened_on:
            raise ServiceError(_("化解日期不能早于纠纷发生日期。"), code="resolved_on")
        dispute.resolved_on = resolved_on
        dispute.resolution = resolution
        dispute.resolved_by = actor if getattr(actor, "is_authenticated", False) else None
        dispute.save(update_fields=["resolved_on", "resolution", "resolved_by"])
        audit.record(
            actor=actor,
            action="lease.dispute_resolved",
            obj=lease,
            enterprise_id=lease.enterprise_id,
            summary=_("租赁纠纷已化解：%(r)s") % {"r": resolution[:80]},
        )
    return dispute


# ----------------------------------------------------------------------------- the closure guard


def lease_closure_blockers(enterprise: Any) -> list[str]:
    """Closure guard (core.guards): the tenant's closure cannot be verified
    while any of its leases is not yet cleared (premises not handed back)."""
    rows = (
        Lease.objects.filter(enterprise_id=enterprise.pk, status__in=transitions.NOT_CLEARED)
        .values("status")
        .annotate(n=Count("id"))
        .order_by("status")
    )
    return [
        _("尚有%(n)d份租约“%(status)s”，须经社区核查清租退场后才能核验关停。")
        % {"n": row["n"], "status": LeaseStatus(row["status"]).label}
        for row in rows
    ]
