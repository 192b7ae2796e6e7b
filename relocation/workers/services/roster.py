"""The roster of an enterprise's workers: recording and editing a worker (the
personal data checked and encrypted), a worker leaving, and a worker's placement."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit, crypto, id_number
from relocation.core.errors import ConflictError, PermissionDeniedError, ServiceError
from relocation.core.workflow import move, save_if_unchanged
from relocation.enterprises.models import Enterprise
from relocation.workers import selectors, transitions
from relocation.workers.models import (
    SETTLED_OUTCOMES,
    PlacementOutcome,
    Worker,
    WorkerStatus,
    WorkerStatusChange,
)

# Fields a roster entry is edited through (form, API, import).
WORKER_FIELDS = ["name", "id_number", "phone", "bank_account", "job", "hired_on", "monthly_wage"]
PHONE_RE = re.compile(r"^[0-9+\-]{7,20}$")
BANK_RE = re.compile(r"^[0-9]{8,30}$")


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


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
