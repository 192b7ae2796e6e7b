"""Writes of the workers app. Every function takes the actor, checks the
permission and the rule, writes inside one transaction and records the audit
event (on the enterprise's timeline) in the same transaction. Pages, the API,
the Excel import and the demo all come through here."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit, crypto, id_number
from relocation.core.errors import ConflictError, PermissionDeniedError, ServiceError
from relocation.core.uploads import store_upload
from relocation.core.workflow import check_move, move, save_if_unchanged
from relocation.enterprises.models import Enterprise
from relocation.organisation.models import Programme
from relocation.workers import selectors, severance, transitions
from relocation.workers.models import (
    SETTLED_OUTCOMES,
    UNRESOLVED,
    ActivityKind,
    CaseEvidence,
    CaseKind,
    CaseLine,
    CasePayment,
    CaseStatus,
    CaseStatusChange,
    EscalatedTo,
    LabourCase,
    PlacementActivity,
    PlacementOutcome,
    Worker,
    WorkerStatus,
    WorkerStatusChange,
)

EVIDENCE_PURPOSE = "workers.case_evidence"
# Fields a roster entry is edited through (form, API, import).
WORKER_FIELDS = ["name", "id_number", "phone", "bank_account", "job", "hired_on", "monthly_wage"]
PHONE_RE = re.compile(r"^[0-9+\-]{7,20}$")
BANK_RE = re.compile(r"^[0-9]{8,30}$")


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


# ---------------------------------------------------------------- roster


def _clean_worker(data: dict[str, Any]) -> dict[str, Any]:
    """Normalise and check one roster entry; ServiceError(code=field) on the first problem."""
    clean: dict[str, Any] = {}
    if "name" in data:
        name = str(data["name"] or "").strip()
        if not name:
            raise ServiceError(_("姓名不能为空。"), code="name")
        clean["name"] = name[:64]
    if "id_number" in data:
        value = str(data["id_number"] or "").strip().upper()
        problem = id_number.worker_problem(value, on=timezone.localdate())
        if problem:
            raise ServiceError(_("身份证号无效：%(problem)s") % {"problem": problem}, code="id_number")
        clean["id_number"] = value
    if "phone" in data:
        phone = str(data["phone"] or "").strip().replace(" ", "")
        if phone and not PHONE_RE.match(phone):
            raise ServiceError(_("手机号码格式不正确。"), code="phone")
        clean["phone"] = phone
    if "bank_account" in data:
        account = str(data["bank_account"] or "").replace(" ", "").strip()
        if account and not BANK_RE.match(account):
            raise ServiceError(_("工资卡账号应为8至30位数字。"), code="bank_account")
        clean["bank_account"] = account
    if "job" in data:
        clean["job"] = str(data["job"] or "").strip()[:64]
    if "hired_on" in data:
        hired = data["hired_on"]
        if hired and hired > timezone.localdate():
            raise ServiceError(_("入职日期不能晚于今天。"), code="hired_on")
        clean["hired_on"] = hired or None
    if "monthly_wage" in data:
        try:
            wage = Decimal(str(data["monthly_wage"] if data["monthly_wage"] not in (None, "") else 0))
        except InvalidOperation:
            raise ServiceError(_("月工资应为数字。"), code="monthly_wage") from None
        if wage < 0 or wage >= Decimal("100000000"):
            raise ServiceError(_("月工资应在 0 至 99999999 元之间。"), code="monthly_wage")
        clean["monthly_wage"] = wage.quantize(Decimal("0.01"))
    return clean


def worker_prepare(*, enterprise: Enterprise, data: dict[str, Any], instance: Worker | None = None) -> Worker:
    """The one rule book for a roster entry (form, API and import): returns
    the unsaved worker; refuses a person already on this enterprise's roster."""
    clean = _clean_worker(data)
    if instance is None:
        missing = [f for f in ("name", "id_number") if f not in clean]
        if missing:
            raise ServiceError(_("姓名和身份证号必须填写。"), code=missing[0])
        worker = Worker(enterprise=enterprise)
    else:
        worker = instance
    for key, value in clean.items():
        setattr(worker, key, value)
    if "id_number" in clean:
        worker.id_number_index = crypto.blind_index(clean["id_number"])
        duplicate = Worker.objects.filter(enterprise=enterprise, id_number_index=worker.id_number_index)
        if worker.pk:
            duplicate = duplicate.exclude(pk=worker.pk)
        if duplicate.exists():
            raise ServiceError(_("该身份证号已在本企业花名册中。"), code="id_number")
    return worker


def _require_roster(actor: Any, enterprise: Enterprise) -> None:
    if actor is not None and not selectors.can_edit_roster(actor, enterprise):
        raise PermissionDeniedError(_("只有指挥部、人社部门或属地单位可以维护工人花名册。"))


def worker_create(*, actor: Any, enterprise: Enterprise, data: dict[str, Any]) -> Worker:
    """Add one person to an enterprise's roster (status employed)."""
    _require_roster(actor, enterprise)
    with transaction.atomic():
        worker = worker_prepare(enterprise=enterprise, data=data)
        worker.save()
        audit.record(
            actor=actor,
            action="worker.created",
            obj=worker,
            enterprise_id=enterprise.pk,
            summary=_("工人花名册新增：%(name)s") % {"name": worker.name},
            changes=audit.diff({}, audit.snapshot(worker, WORKER_FIELDS)),
        )
    return worker


def worker_update(*, actor: Any, worker: Worker, expected_version: int, data: dict[str, Any]) -> Worker:
    """Edit a roster entry if nobody saved it since `expected_version`
    (ConflictError otherwise). Empty personal-data fields in `data` are not
    sent by the pages: a masked value is never written back."""
    _require_roster(actor, worker.enterprise)
    with transaction.atomic():
        before = audit.snapshot(worker, WORKER_FIELDS)
        worker_prepare(enterprise=worker.enterprise, data=data, instance=worker)
        after = audit.snapshot(worker, WORKER_FIELDS)
        changes = audit.diff(before, after)
        if not changes:
            return worker
        save_if_unchanged(worker, expected_version=expected_version, fields=[*WORKER_FIELDS, "id_number_index"])
        audit.record(
            actor=actor,
            action="worker.updated",
            obj=worker,
            enterprise_id=worker.enterprise_id,
            summary=_("修改工人信息：%(name)s") % {"name": worker.name},
            changes=changes,
        )
    return worker


def _lock(worker: Worker, expected_version: int | None) -> None:
    """Lock the row and read its current state, so that a status or outcome
    change is judged on what is stored, not on what the caller loaded."""
    locked = Worker.objects.select_for_update().get(pk=worker.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(_("在您编辑期间，其他人已修改了这条记录。请刷新页面查看最新内容后再修改。"))
    worker.status, worker.placement_outcome, worker.version = locked.status, locked.placement_outcome, locked.version


def _worker_move(actor: Any, worker: Worker, target: str, reason: str, extra: dict[str, Any]) -> None:
    old = worker.status
    if old != target:
        move(worker, field="status", target=target, allowed=transitions.WORKER, labels=WorkerStatus, extra=extra)
    else:
        Worker.objects.filter(pk=worker.pk).update(version=F("version") + 1, updated_at=timezone.now(), **extra)
        for key, value in extra.items():
            setattr(worker, key, value)
        worker.refresh_from_db(fields=["version"])
    WorkerStatusChange.objects.create(
        worker=worker,
        from_status=old,
        to_status=target,
        outcome=extra.get("placement_outcome", ""),
        actor=_user(actor),
        reason=reason,
    )


def worker_leave(*, actor: Any, worker: Worker, reason: str) -> Worker:
    """The worker left the enterprise on their own (离职); they leave the
    population of the placement rate."""
    _require_roster(actor, worker.enterprise)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("请填写变更理由。"), code="reason")
    with transaction.atomic():
        _lock(worker, None)
        old = worker.status
        _worker_move(actor, worker, WorkerStatus.LEFT, reason, {})
        audit.record(
            actor=actor,
            action="worker.left",
            obj=worker,
            enterprise_id=worker.enterprise_id,
            summary=_("工人离职：%(name)s（%(reason)s）") % {"name": worker.name, "reason": reason[:100]},
            changes={"status": [old, WorkerStatus.LEFT]},
        )
    return worker


def placement_record(
    *,
    actor: Any,
    worker: Worker,
    outcome: str,
    placed_on: dt.date | None = None,
    employer: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> Worker:
    """Record where a worker goes (安置去向). A settled outcome (moves with the
    enterprise, re-employed, retired, self-employed) makes the worker
    "placed"; training or "not yet" puts a placed worker back to employed.
    Re-employment names the new employer."""
    _require_roster(actor, worker.enterprise)
    if outcome not in PlacementOutcome.values:
        raise ServiceError(_("请选择安置去向。"), code="outcome")
    employer = (employer or "").strip()[:200]
    if outcome == PlacementOutcome.REEMPLOYED and not employer:
        raise ServiceError(_("到其他单位就业须填写新就业单位。"), code="employer")
    if placed_on and placed_on > timezone.localdate():
        raise ServiceError(_("安置日期不能晚于今天。"), code="placed_on")
    settled = outcome in SETTLED_OUTCOMES
    with transaction.atomic():
        _lock(worker, expected_version)
        target = (
            WorkerStatus.PLACED
            if settled
            else (WorkerStatus.EMPLOYED if worker.status == WorkerStatus.PLACED else worker.status)
        )
        old_outcome, old_status = worker.placement_outcome, worker.status
        note = (note or "").strip()[:500]
        extra: dict[str, Any] = {
            "placement_outcome": outcome,
            "placement_employer": employer
            if outcome in {PlacementOutcome.REEMPLOYED, PlacementOutcome.MOVES_WITH_ENTERPRISE}
            else "",
            "placed_on": (placed_on or timezone.localdate()) if settled else None,
            "placement_note": note,
        }
        _worker_move(actor, worker, target, note, extra)
        audit.record(
            actor=actor,
            action="worker.placement_recorded",
            obj=worker,
            enterprise_id=worker.enterprise_id,
            summary=_("工人安置：%(name)s → %(outcome)s")
            % {"name": worker.name, "outcome": PlacementOutcome(outcome).label},
            changes={"placement_outcome": [old_outcome, outcome], "status": [old_status, target]},
        )
    return worker


# ---------------------------------------------------------------- cases


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


# ---------------------------------------------------------------- closure guard


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


# ---------------------------------------------------------------- activities


def activity_record(
    *,
    actor: Any,
    programme: Programme,
    kind: str,
    title: str,
    held_on: dt.date,
    enterprise: Enterprise | None = None,
    employers: int = 0,
    jobs_offered: int = 0,
    workers: list[Worker] | None = None,
    note: str = "",
) -> PlacementActivity:
    """Record a job fair, a referral or a training class, with the workers who took part."""
    if actor is not None and not selectors.can_record_activity(actor):
        raise PermissionDeniedError(_("只有指挥部或人社部门可以登记安置就业活动。"))
    if kind not in ActivityKind.values:
        raise ServiceError(_("请选择活动类型。"), code="kind")
    title = (title or "").strip()
    if not title:
        raise ServiceError(_("请填写活动名称。"), code="title")
    if employers < 0 or jobs_offered < 0:
        raise ServiceError(_("数量不能为负数。"), code="jobs_offered")
    workers = list(workers or [])
    if enterprise is not None and any(w.enterprise_id != enterprise.pk for w in workers):
        raise ServiceError(_("参加工人须属于所面向的企业。"), code="workers")
    with transaction.atomic():
        activity = PlacementActivity.objects.create(
            programme=programme,
            kind=kind,
            title=title[:200],
            held_on=held_on,
            enterprise=enterprise,
            employers=employers,
            jobs_offered=jobs_offered,
            note=(note or "").strip()[:500],
            recorded_by=_user(actor),
        )
        activity.workers.set(workers)
        audit.record(
            actor=actor,
            action="placement_activity.recorded",
            obj=activity,
            enterprise_id=enterprise.pk if enterprise is not None else None,
            summary=_("%(kind)s：%(title)s，%(n)d名工人参加")
            % {"kind": ActivityKind(kind).label, "title": activity.title, "n": len(workers)},
        )
    return activity
