"""Labour cases (wages, deposits, severance, social insurance): reporting a case
with its lines, the status moves, payments and evidence; and the closure guard
that unresolved cases put on an enterprise."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit
from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.uploads import store_upload
from relocation.core.workflow import check_move, move, save_if_unchanged
from relocation.enterprises.models import Enterprise
from relocation.workers import selectors, severance, transitions
from relocation.workers.models import (
    UNRESOLVED,
    CaseEvidence,
    CaseKind,
    CaseLine,
    CasePayment,
    CaseStatus,
    CaseStatusChange,
    EscalatedTo,
    LabourCase,
    Worker,
)
from relocation.workers.services.roster import _user

EVIDENCE_PURPOSE = "workers.case_evidence"


def _clean_lines(
    enterprise: Enterprise, lines: list[dict[str, Any]], *, terms: tuple[dt.date, Decimal] | None = None
) -> list[CaseLine]:
    """The lines of a case, checked. With `terms` (separation date, local
    average wage) the case is a severance case: each amount is computed by
    art. 47 from the worker's hiring date and wage, whatever was typed."""
    if not lines:
        raise ServiceError(_("请至少填写一名涉及的工人及金额。"), code="lines")
    ids = [getattr(line["worker"], "pk", line["worker"]) for line in lines]
    if len(set(ids)) != len(ids):
        raise ServiceError(_("同一名工人只能填写一次。"), code="lines")
    workers = {w.pk: w for w in Worker.objects.filter(enterprise=enterprise, pk__in=ids)}
    result = []
    for line, pk in zip(lines, ids, strict=True):
        worker = workers.get(pk)
        if worker is None:
            raise ServiceError(_("涉及的工人必须是该企业花名册上的人员。"), code="lines")
        if terms is not None:
            result.append(_severance_line(worker, *terms))
            continue
        try:
            amount = Decimal(str(line.get("amount") or 0)).quantize(Decimal("0.01"))
        except InvalidOperation:
            raise ServiceError(_("金额应为数字。"), code="lines") from None
        if amount <= 0:
            raise ServiceError(_("%(name)s 的金额必须大于零。") % {"name": worker.name}, code="lines")
        months = int(line.get("months") or 0)
        if months < 0 or months > 120:
            raise ServiceError(_("拖欠月数应在 0 至 120 之间。"), code="lines")
        result.append(CaseLine(worker=worker, months=months, amount=amount))
    return result


def _severance_line(worker: Worker, separation_on: dt.date, average_wage: Decimal) -> CaseLine:
    if worker.hired_on is None or worker.monthly_wage <= 0:
        raise ServiceError(
            _("计算经济补偿金须有 %(name)s 的入职日期和月工资，请先在花名册中补全。") % {"name": worker.name},
            code="lines",
        )
    if worker.hired_on >= separation_on:
        raise ServiceError(_("%(name)s 的入职日期不早于劳动合同解除日期。") % {"name": worker.name}, code="lines")
    result = severance.compute(
        hired_on=worker.hired_on,
        separated_on=separation_on,
        monthly_wage=worker.monthly_wage,
        average_wage=average_wage,
    )
    if result.amount <= 0:
        raise ServiceError(_("%(name)s 的经济补偿金为零。") % {"name": worker.name}, code="lines")
    basis = _("工作%(months)d个月，补偿%(counted)s个月 × %(wage)s 元") % {
        "months": result.service_months,
        "counted": result.months_counted.normalize(),
        "wage": result.wage_counted,
    }
    if result.capped:
        basis += _("（高于当地平均工资3倍，按3倍、最多12年计）")
    return CaseLine(
        worker=worker, months=0, amount=result.amount, months_counted=result.months_counted, basis=basis[:200]
    )


def _severance_terms(kind: str, separation_on: Any, average_wage: Any) -> tuple[dt.date, Decimal] | None:
    """(separation date, average wage) for a severance case; None for other kinds."""
    if kind != CaseKind.SEVERANCE:
        return None
    if not separation_on:
        raise ServiceError(_("经济补偿金案件须填写劳动合同解除或终止日期。"), code="separation_on")
    if separation_on > timezone.localdate():
        raise ServiceError(_("劳动合同解除日期不能晚于今天。"), code="separation_on")
    try:
        wage = Decimal(str(average_wage)).quantize(Decimal("0.01")) if average_wage not in (None, "") else None
    except InvalidOperation:
        wage = None
    if wage is None or wage <= 0:
        raise ServiceError(_("经济补偿金案件须填写当地上年度职工月平均工资（大于零）。"), code="average_wage")
    return separation_on, wage


def case_report(
    *,
    actor: Any,
    enterprise: Enterprise,
    kind: str,
    summary: str,
    lines: list[dict[str, Any]],
    reporter_name: str = "",
    reported_on: dt.date | None = None,
    separation_on: dt.date | None = None,
    average_wage: Any = None,
) -> LabourCase:
    """Register a wage-arrears, deposit, severance or social-insurance case
    (status reported) with the amount owed to each worker on the roster; the
    total is their sum. A severance case names the separation date and the
    local average wage, and its amounts are computed (art. 47), not typed."""
    if actor is not None and not selectors.can_report_case(actor, enterprise):
        raise PermissionDeniedError(_("您无权为该企业登记劳动纠纷。"))
    if kind not in CaseKind.values:
        raise ServiceError(_("请选择案件类型。"), code="kind")
    summary = (summary or "").strip()
    if not summary:
        raise ServiceError(_("请填写情况摘要。"), code="summary")
    reported_on = reported_on or timezone.localdate()
    if reported_on > timezone.localdate():
        raise ServiceError(_("登记日期不能晚于今天。"), code="reported_on")
    terms = _severance_terms(kind, separation_on, average_wage)
    with transaction.atomic():
        rows = _clean_lines(enterprise, lines, terms=terms)
        case = LabourCase.objects.create(
            programme_id=enterprise.programme_id,
            enterprise=enterprise,
            kind=kind,
            summary=summary[:500],
            reporter_name=(reporter_name or "").strip()[:64],
            reported_by=_user(actor),
            reported_on=reported_on,
            total_owed=sum((r.amount for r in rows), Decimal(0)),
            separation_on=terms[0] if terms else None,
            average_wage=terms[1] if terms else None,
        )
        for row in rows:
            row.case = case
        CaseLine.objects.bulk_create(rows)
        CaseStatusChange.objects.create(
            case=case, from_status="", to_status=CaseStatus.REPORTED, actor=_user(actor), reason=summary[:500]
        )
        audit.record(
            actor=actor,
            action="labour_case.reported",
            obj=case,
            enterprise_id=enterprise.pk,
            summary=_("登记%(kind)s：%(n)d名工人，涉及 %(total)s 元")
            % {"kind": CaseKind(kind).label, "n": len(rows), "total": case.total_owed},
            changes={"total_owed": [None, str(case.total_owed)], "workers": [None, len(rows)]},
        )
    return case


def case_lines_update(
    *, actor: Any, case: LabourCase, expected_version: int, lines: list[dict[str, Any]]
) -> LabourCase:
    """Correct who is owed what while the case is open (verification often
    changes the figures). Refused once the case is closed, or when someone
    saved the case since `expected_version`."""
    if actor is not None and not selectors.can_handle_case(actor, case):
        raise PermissionDeniedError(_("只有指挥部、人社部门或属地单位可以办理该案件。"))
    if case.status not in UNRESOLVED:
        raise ServiceError(_("案件已办结，不能再修改涉及金额。"), code="lines")
    with transaction.atomic():
        terms = (case.separation_on, case.average_wage) if case.kind == CaseKind.SEVERANCE else None
        rows = _clean_lines(case.enterprise, lines, terms=terms)  # type: ignore[arg-type]
        old_total = case.total_owed
        case.total_owed = sum((r.amount for r in rows), Decimal(0))
        if case.total_owed < case.total_paid:
            raise ServiceError(_("涉及金额不能少于已清偿的金额。"), code="lines")
        save_if_unchanged(case, expected_version=expected_version, fields=["total_owed"])
        case.lines.all().delete()
        for row in rows:
            row.case = case
        CaseLine.objects.bulk_create(rows)
        audit.record(
            actor=actor,
            action="labour_case.lines_updated",
            obj=case,
            enterprise_id=case.enterprise_id,
            summary=_("修改案件涉及金额：%(old)s → %(new)s 元") % {"old": old_total, "new": case.total_owed},
            changes={"total_owed": [str(old_total), str(case.total_owed)]},
        )
    return case


def case_transition(*, actor: Any, case: LabourCase, target: str, reason: str, escalated_to: str = "") -> LabourCase:
    """Move a case along its table (transitions.CASE) with a reason. "Paid"
    needs payments covering the total; "escalated" needs the receiving
    authority and is the bureau's (or HQ's) decision."""
    if target not in CaseStatus.values:
        raise ServiceError(_("未知的案件状态。"), code="target")
    if actor is not None and not selectors.can_handle_case(actor, case):
        raise PermissionDeniedError(_("只有指挥部、人社部门或属地单位可以办理该案件。"))
    if target in transitions.BUREAU_ONLY_TARGETS and actor is not None and not selectors.can_escalate(actor):
        raise PermissionDeniedError(_("移送劳动监察或司法机关由人社部门或指挥部决定。"))
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("请填写变更理由。"), code="reason")
    extra: dict[str, Any] = {}
    if target == CaseStatus.ESCALATED:
        if escalated_to not in EscalatedTo.values:
            raise ServiceError(_("请选择移送机关。"), code="escalated_to")
        extra["escalated_to"] = escalated_to
    with transaction.atomic():
        locked = LabourCase.objects.select_for_update().get(pk=case.pk)
        case.status, case.total_paid, case.total_owed = locked.status, locked.total_paid, locked.total_owed
        check_move(transitions.CASE, case.status, target, CaseStatus)
        if target == CaseStatus.PAID and case.total_paid < case.total_owed:
            raise ServiceError(
                _("尚未清偿完毕：涉及 %(owed)s 元，已清偿 %(paid)s 元。")
                % {"owed": case.total_owed, "paid": case.total_paid},
                code="target",
            )
        old = move(case, field="status", target=target, allowed=transitions.CASE, labels=CaseStatus, extra=extra)
        CaseStatusChange.objects.create(case=case, from_status=old, to_status=target, actor=_user(actor), reason=reason)
        summary = _("%(kind)s：%(old)s → %(new)s（%(reason)s）") % {
            "kind": case.get_kind_display(),
            "old": CaseStatus(old).label,
            "new": CaseStatus(target).label,
            "reason": reason[:100],
        }
        if target == CaseStatus.ESCALATED:
            summary += _("，移送%(to)s") % {"to": EscalatedTo(escalated_to).label}
        audit.record(
            actor=actor,
            action="labour_case.moved",
            obj=case,
            enterprise_id=case.enterprise_id,
            summary=summary,
            changes={"status": [old, target]},
        )
    return case


def payment_record(
    *, actor: Any, case: LabourCase, amount: Any, paid_on: dt.date, payer: str = "", note: str = ""
) -> CasePayment:
    """Record a (partial) payment on a verified or mediating case. When the
    payments reach the total owed, the case moves to paid in the same
    transaction. Overpaying is refused."""
    if actor is not None and not selectors.can_handle_case(actor, case):
        raise PermissionDeniedError(_("只有指挥部、人社部门或属地单位可以办理该案件。"))
    try:
        amount = Decimal(str(amount)).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ServiceError(_("金额应为数字。"), code="amount") from None
    if amount <= 0:
        raise ServiceError(_("金额必须大于零。"), code="amount")
    if paid_on > timezone.localdate():
        raise ServiceError(_("支付日期不能晚于今天。"), code="paid_on")
    with transaction.atomic():
        locked = LabourCase.objects.select_for_update().get(pk=case.pk)
        if locked.status not in {CaseStatus.VERIFIED, CaseStatus.MEDIATING}:
            raise ServiceError(_("只有已核实或调解中的案件可以登记清偿。"), code="amount")
        if locked.total_paid + amount > locked.total_owed:
            raise ServiceError(
                _("清偿金额超过尚欠金额（尚欠 %(left)s 元）。") % {"left": locked.total_owed - locked.total_paid},
                code="amount",
            )
        payment = CasePayment.objects.create(
            case=locked,
            amount=amount,
            paid_on=paid_on,
            payer=(payer or "").strip()[:100],
            note=(note or "").strip()[:300],
            recorded_by=_user(actor),
        )
        total = locked.payments.aggregate(s=Sum("amount"))["s"] or Decimal(0)
        LabourCase.objects.filter(pk=case.pk).update(
            total_paid=total, version=F("version") + 1, updated_at=timezone.now()
        )
        case.refresh_from_db()
        audit.record(
            actor=actor,
            action="labour_case.payment_recorded",
            obj=case,
            enterprise_id=case.enterprise_id,
            summary=_("登记清偿 %(amount)s 元（累计 %(paid)s / %(owed)s 元）")
            % {"amount": amount, "paid": total, "owed": case.total_owed},
            changes={"total_paid": [str(total - amount), str(total)]},
        )
        if total >= case.total_owed:
            case_transition(actor=actor, case=case, target=CaseStatus.PAID, reason=_("清偿金额已足额。"))
    return payment


def evidence_add(*, actor: Any, case: LabourCase, uploaded_file: Any, title: str = "") -> CaseEvidence:
    """Attach a document (PDF or image, checked by core.uploads). The
    enterprise contact who may report may also add evidence."""
    if actor is not None and not (
        selectors.can_handle_case(actor, case) or selectors.can_report_case(actor, case.enterprise)
    ):
        raise PermissionDeniedError(_("您无权为该案件上传材料。"))
    with transaction.atomic():
        stored = store_upload(
            actor=actor,
            uploaded_file=uploaded_file,
            kinds={"pdf", "jpeg", "png"},
            enterprise_id=case.enterprise_id,
            purpose=EVIDENCE_PURPOSE,
        )
        evidence = CaseEvidence.objects.create(
            case=case,
            file=stored,
            title=((title or "").strip() or stored.original_name)[:200],
            uploaded_by=_user(actor),
        )
        audit.record(
            actor=actor,
            action="labour_case.evidence_added",
            obj=case,
            enterprise_id=case.enterprise_id,
            summary=_("上传案件材料：%(title)s") % {"title": evidence.title},
            changes={"file": [None, stored.sha256]},
        )
    return evidence


def arrears_closure_blockers(enterprise: Any) -> list[str]:
    """Closure guard (core.guards): unresolved cases of any kind (wages,
    deposits, severance, social insurance; reported, verified or mediating) keep the closure from being verified.
    Escalated cases do not: the inspectorate or the court carries them on."""
    rows = (
        LabourCase.objects.filter(enterprise_id=enterprise.pk, status__in=UNRESOLVED)
        .values("kind")
        .annotate(n=Count("id"), owed=Sum("total_owed"), paid=Sum("total_paid"))
        .order_by("kind")
    )
    reasons = []
    for row in rows:
        reasons.append(
            _("尚有%(n)d件未解决的%(kind)s案件（尚欠 %(left)s 元），须清偿完毕或移送劳动监察/司法机关后才能核验关停。")
            % {"n": row["n"], "kind": CaseKind(row["kind"]).label, "left": row["owed"] - row["paid"]}
        )
    return reasons
