"""Emergency plans: creating and updating a plan, uploading and approving its
versions, and recording drills."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit, uploads, workflow
from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.organisation.models import Programme, Unit
from relocation.stability import permissions, transitions
from relocation.stability.models import (
    Drill,
    EmergencyPlan,
    PlanVersion,
    PlanVersionStatus,
)
from relocation.stability.services.routing import _check_units, _user


def plan_create(
    *,
    actor: Any,
    programme: Programme,
    title: str,
    scope: str,
    responsible_units: Iterable[Unit],
    contact_roles: str = "",
) -> EmergencyPlan:
    """Start a plan (维稳应急预案). HQ, or a unit that names itself responsible
    (综治维稳部门 drafts it)."""
    units = list(responsible_units)
    if not permissions.can_edit_plan(actor, {u.pk for u in units}):
        raise PermissionDeniedError(_("只有现场指挥部或预案责任单位可以编制应急预案。"))
    if not title.strip() or not scope.strip():
        raise ServiceError(_("请填写预案名称和适用范围。"), code="title")
    if not units:
        raise ServiceError(_("请至少选择一个责任单位。"), code="responsible_units")
    _check_units(programme.pk, units, "responsible_units")
    with transaction.atomic():
        plan = EmergencyPlan.objects.create(
            programme=programme, title=title.strip()[:200], scope=scope.strip(), contact_roles=contact_roles.strip()
        )
        plan.responsible_units.set(units)
        audit.record(
            actor=actor,
            action="stability.plan_created",
            obj=plan,
            summary=_("编制应急预案：%(title)s") % {"title": plan.title},
            changes={**audit.snapshot(plan, ["title", "scope"]), "responsible_units": [u.pk for u in units]},
        )
    return plan


def plan_update(
    *,
    actor: Any,
    plan: EmergencyPlan,
    expected_version: int,
    title: str,
    scope: str,
    responsible_units: Iterable[Unit],
    contact_roles: str = "",
) -> EmergencyPlan:
    units = list(responsible_units)
    fields = ["title", "scope", "contact_roles"]
    with transaction.atomic():
        plan = EmergencyPlan.objects.select_for_update().get(pk=plan.pk)
        if not permissions.can_edit_plan(actor, set(plan.responsible_units.values_list("pk", flat=True))):
            raise PermissionDeniedError(_("只有现场指挥部或预案责任单位可以修改应急预案。"))
        if not title.strip() or not scope.strip():
            raise ServiceError(_("请填写预案名称和适用范围。"), code="title")
        if not units:
            raise ServiceError(_("请至少选择一个责任单位。"), code="responsible_units")
        _check_units(plan.programme_id, units, "responsible_units")
        before = audit.snapshot(plan, fields)
        plan.title, plan.scope, plan.contact_roles = title.strip()[:200], scope.strip(), contact_roles.strip()
        workflow.save_if_unchanged(plan, expected_version=expected_version, fields=fields)
        plan.responsible_units.set(units)
        audit.record(
            actor=actor,
            action="stability.plan_updated",
            obj=plan,
            summary=_("修改应急预案：%(title)s") % {"title": plan.title},
            changes=audit.diff(before, audit.snapshot(plan, fields)),
        )
    return plan


def plan_version_upload(*, actor: Any, plan: EmergencyPlan, uploaded_file: Any, changes: str = "") -> PlanVersion:
    """A new version of the plan's text (PDF or Word), numbered after the last;
    it is in force only once approved."""
    if not permissions.can_edit_plan(actor, set(plan.responsible_units.values_list("pk", flat=True))):
        raise PermissionDeniedError(_("只有现场指挥部或预案责任单位可以上传预案文本。"))
    with transaction.atomic():
        plan = EmergencyPlan.objects.select_for_update().get(pk=plan.pk)  # numbers one after another
        number = (plan.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        stored = uploads.store_upload(
            actor=actor, uploaded_file=uploaded_file, kinds=("pdf", "docx"), purpose="stability.plan"
        )
        version = PlanVersion.objects.create(
            plan=plan, number=number, file=stored, changes=changes.strip()[:300], uploaded_by=_user(actor)
        )
        audit.record(
            actor=actor,
            action="stability.plan_version_uploaded",
            obj=plan,
            summary=_("上传应急预案第 %(n)s 版：%(title)s") % {"n": number, "title": plan.title},
            changes={"version": [None, number], "file": [None, stored.sha256]},
        )
    return version


def plan_version_approve(*, actor: Any, version: PlanVersion, approved_by: str, approved_on: dt.date) -> PlanVersion:
    """Record the approval (批准机关 and date); the latest approved version is the plan in force."""
    if not permissions.can_approve_plan(actor):
        raise PermissionDeniedError(_("只有现场指挥部可以登记预案批准。"))
    if not approved_by.strip():
        raise ServiceError(_("请填写批准机关。"), code="approved_by")
    if approved_on > timezone.localdate():
        raise ServiceError(_("批准日期不能晚于今天。"), code="approved_on")
    with transaction.atomic():
        workflow.move(
            version,
            field="status",
            target=PlanVersionStatus.APPROVED,
            allowed=transitions.PLAN_VERSION,
            labels=PlanVersionStatus,
            extra={"approved_by": approved_by.strip()[:100], "approved_on": approved_on},
        )
        audit.record(
            actor=actor,
            action="stability.plan_version_approved",
            obj=version.plan,
            summary=_("应急预案第 %(n)s 版经%(by)s批准：%(title)s")
            % {"n": version.number, "by": version.approved_by, "title": version.plan.title},
            changes={
                "status": [PlanVersionStatus.DRAFT, PlanVersionStatus.APPROVED],
                "approved_on": [None, approved_on.isoformat()],
            },
        )
    return version


def drill_record(
    *, actor: Any, plan: EmergencyPlan, held_on: dt.date, findings: str, place: str = "", participants: str = ""
) -> Drill:
    """A drill (演练) of the plan in force on that day and what it showed."""
    if not permissions.can_edit_plan(actor, set(plan.responsible_units.values_list("pk", flat=True))):
        raise PermissionDeniedError(_("只有现场指挥部或预案责任单位可以登记演练。"))
    if not findings.strip():
        raise ServiceError(_("请填写演练发现的问题和改进措施。"), code="findings")
    if held_on > timezone.localdate():
        raise ServiceError(_("演练日期不能晚于今天。"), code="held_on")
    in_force = (
        plan.versions.filter(status=PlanVersionStatus.APPROVED, approved_on__lte=held_on).order_by("-number").first()
    )
    with transaction.atomic():
        drill = Drill.objects.create(
            plan=plan,
            plan_version=in_force,
            held_on=held_on,
            place=place.strip()[:200],
            participants=participants.strip()[:300],
            findings=findings.strip(),
            recorded_by=_user(actor),
        )
        audit.record(
            actor=actor,
            action="stability.drill_recorded",
            obj=plan,
            summary=_("登记预案演练（%(day)s）：%(title)s") % {"day": held_on.isoformat(), "title": plan.title},
            changes=audit.snapshot(drill, ["held_on", "place", "participants"]),
        )
    return drill
