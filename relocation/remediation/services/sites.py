"""Suspected contaminated sites: recording and editing a site, its polluting
enterprises, and the stage moves with their guards (results before a stage
closes, acceptance before hand-over)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit, uploads, workflow
from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.enterprises.lifecycle_facts import STOPPED
from relocation.enterprises.models import Enterprise
from relocation.remediation import permissions, transitions
from relocation.remediation.models import (
    LandUse,
    SamplingResult,
    Site,
    SitePolluter,
    Stage,
    StageChange,
)
from relocation.remediation.services.actors import _require
from relocation.remediation.services.evidence import EVIDENCE_KINDS, STAGE_EVIDENCE

SITE_FIELDS = ["name", "address", "area_m2", "notes"]


def site_create(
    *,
    actor: Any,
    enterprise: Enterprise,
    code: str,
    name: str,
    land_use: str = LandUse.SECOND,
    area_m2: Decimal = Decimal("0"),
    address: str = "",
    notes: str = "",
) -> Site:
    """Open a site for the plot an enterprise vacated. The territorial unit is
    the enterprise's; a town may open sites only for its own enterprises; the
    enterprise must have stopped producing there (the lifecycle's definition,
    enterprises.lifecycle_facts.STOPPED) — a plot still in use is not vacated."""
    _require(permissions.can_create_site(actor), _("您没有登记污染地块的权限。"))
    if enterprise.status not in STOPPED:
        raise ServiceError(
            _("%(name)s 尚未停产（搬迁进度：%(status)s），停产腾退后才能登记污染地块。")
            % {"name": enterprise.name, "status": enterprise.get_status_display()}
        )
    if enterprise.territorial_unit_id is None:
        raise ServiceError(_("该企业没有属地单位，请先在企业台账中补充。"))
    if not (permissions.sees_all_sites(actor) or actor.unit_id == enterprise.territorial_unit_id):
        raise PermissionDeniedError(_("只能为本属地的企业登记地块。"))
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise ServiceError(_("地块编号和名称不能为空。"))
    if land_use not in LandUse.values:
        raise ServiceError(_("规划用地类型无效。"))
    if Site.objects.filter(enterprise=enterprise).exists():
        raise ServiceError(_("该企业的地块已经登记。"))
    if Site.objects.filter(programme_id=enterprise.programme_id, code=code).exists():
        raise ServiceError(_("地块编号“%(code)s”已被使用。") % {"code": code})
    try:
        with transaction.atomic():
            site = Site.objects.create(
                programme_id=enterprise.programme_id,
                code=code,
                name=name,
                enterprise=enterprise,
                territorial_unit_id=enterprise.territorial_unit_id,
                land_use=land_use,
                area_m2=area_m2,
                address=address or enterprise.address,
                notes=notes,
            )
            # The vacating enterprise is the plot's first known polluter.
            SitePolluter.objects.create(site=site, enterprise=enterprise, name=enterprise.name)
            audit.record(
                actor=actor,
                action="remediation.site_created",
                obj=site,
                enterprise_id=enterprise.pk,
                summary=_("登记污染地块：%(site)s") % {"site": site},
                changes=audit.snapshot(site),
            )
    except IntegrityError as exc:
        raise ServiceError(_("该企业的地块或地块编号已经登记。")) from exc
    return site


def site_update(*, actor: Any, site: Site, expected_version: int, values: dict[str, Any]) -> Site:
    """Edit the site's description; refused (ConflictError) if someone saved it
    since the user loaded `expected_version`."""
    _require(permissions.can_work_on_site(actor, site), _("您没有修改该地块的权限。"))
    if "land_use" in values and values["land_use"] != site.land_use:
        # A change of land use may reopen the site: it has its own service.
        raise ServiceError(_("规划用地类型请通过“变更规划用地类型”修改，并写明依据。"))
    with transaction.atomic():
        before = audit.snapshot(site, SITE_FIELDS)
        for field in SITE_FIELDS:
            if field in values:
                setattr(site, field, values[field])
        workflow.save_if_unchanged(site, expected_version=expected_version, fields=SITE_FIELDS)
        audit.record(
            actor=actor,
            action="remediation.site_updated",
            obj=site,
            enterprise_id=site.enterprise_id,
            summary=_("修改污染地块：%(site)s") % {"site": site},
            changes=audit.diff(before, audit.snapshot(site, SITE_FIELDS)),
        )
    return site


def polluter_add(
    *,
    actor: Any,
    site: Site,
    name: str,
    enterprise: Enterprise | None = None,
    activity: str = "",
    from_year: int | None = None,
    to_year: int | None = None,
) -> SitePolluter:
    """Record an earlier user of the plot."""
    _require(permissions.can_work_on_site(actor, site), _("您没有修改该地块的权限。"))
    name = (name or (enterprise.name if enterprise else "")).strip()
    if not name:
        raise ServiceError(_("请填写使用单位名称。"))
    if from_year and to_year and to_year < from_year:
        raise ServiceError(_("截止年份不能早于起始年份。"))
    with transaction.atomic():
        polluter = SitePolluter.objects.create(
            site=site, enterprise=enterprise, name=name, activity=activity, from_year=from_year, to_year=to_year
        )
        audit.record(
            actor=actor,
            action="remediation.polluter_added",
            obj=polluter,
            enterprise_id=site.enterprise_id,
            summary=_("地块 %(site)s 登记历史使用单位：%(name)s") % {"site": site.code, "name": name},
        )
    return polluter


def _has_results(site: Site, stage: str) -> bool:
    return SamplingResult.objects.filter(site=site, stage=stage).exists()


def _exceeds(site: Site, stage: str) -> bool:
    """Whether any result of that investigation stage is above its screening value."""
    from relocation.remediation.selectors import judged_results

    rows = SamplingResult.objects.filter(site=site, stage=stage).select_related("pollutant")
    return any(j.over_screening for j in judged_results(site, rows))


def _check_stage_guard(site: Site, target: str) -> None:
    """What the results must show before a move (the investigation's logic)."""
    current = site.stage
    if current in (Stage.INITIAL, Stage.DETAILED) and target in (Stage.DETAILED, Stage.NOT_REQUIRED, Stage.RISK):
        if not _has_results(site, current):
            raise ServiceError(_("请先录入本阶段的检测结果。"))
        exceeds = _exceeds(site, current)
        if target == Stage.NOT_REQUIRED and exceeds:
            raise ServiceError(_("检测结果超过筛选值，不能认定为无需修复。"))
        if target in (Stage.DETAILED, Stage.RISK) and not exceeds:
            raise ServiceError(_("检测结果均未超过筛选值，应认定为无需修复。"))
    if target == Stage.REMEDIATION and current == Stage.PLAN and not site.milestones.exists():
        raise ServiceError(_("请先制定修复方案的进度节点。"))
    if target == Stage.CLOSED:
        _check_acceptance(site)


def _check_acceptance(site: Site) -> None:
    """验收销号 holds on evidence: a responsible party on record, an effect
    evaluation, and no result of it above the site's remediation target for
    its land use (the latest result per point, depth and pollutant counts)."""
    from relocation.remediation.selectors import effect_exceedances, latest_effect_results

    problems = []
    if not site.liabilities.exists():
        problems.append(_("尚未认定责任主体"))
    if not latest_effect_results(site):
        problems.append(_("尚未录入效果评估的检测结果"))
    over = effect_exceedances(site)
    if over:
        problems.append(
            _("效果评估结果超过%(use)s修复目标值：%(items)s")
            % {"use": LandUse(site.land_use).label, "items": "；".join(str(e) for e in over)}
        )
    if problems:
        raise ServiceError(_("不能验收销号：%(why)s。") % {"why": "；".join(str(p) for p in problems)})


def site_move(
    *,
    actor: Any,
    site: Site,
    target: str,
    reason: str,
    evidence: Any,
    moved_on: dt.date | None = None,
) -> StageChange:
    """Move the site to the next stage with the report that justifies it.

    Invariants: the move is in transitions.STAGE; stage-1/2 moves agree with
    the results (above screening → further investigation, below → 无需修复);
    the evidence passes core.uploads' checks; a concurrent move of the same
    site is refused (conditional UPDATE)."""
    _require(permissions.can_work_on_site(actor, site), _("您没有推进该地块的权限。"))
    if not (reason or "").strip():
        raise ServiceError(_("请填写理由。"))
    if evidence is None:
        raise ServiceError(_("请上传依据文件（调查报告、评审意见等）。"))
    moved_on = moved_on or timezone.localdate()
    if moved_on > timezone.localdate():
        raise ServiceError(_("日期不能晚于今天。"))
    workflow.check_move(transitions.STAGE, site.stage, target, Stage)
    _check_stage_guard(site, target)
    with transaction.atomic():
        stored = uploads.store_upload(
            actor=actor,
            uploaded_file=evidence,
            kinds=EVIDENCE_KINDS,
            enterprise_id=site.enterprise_id,
            purpose=STAGE_EVIDENCE,
        )
        previous = workflow.move(
            site,
            field="stage",
            target=target,
            allowed=transitions.STAGE,
            labels=Stage,
            extra={"stage_changed_on": moved_on},
        )
        change = StageChange.objects.create(
            site=site,
            from_stage=previous,
            to_stage=target,
            moved_on=moved_on,
            reason=reason.strip(),
            evidence=stored,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit.record(
            actor=actor,
            action="remediation.stage_moved",
            obj=site,
            enterprise_id=site.enterprise_id,
            summary=_("地块 %(site)s：%(src)s → %(dst)s")
            % {"site": site.code, "src": Stage(previous).label, "dst": Stage(target).label},
            changes={"stage": [previous, target], "reason": reason.strip(), "evidence_sha256": stored.sha256},
        )
    return change
