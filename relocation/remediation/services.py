"""Writes of the remediation app. Each service takes the actor, checks
permission and guards, locks or conditionally updates, writes, and records the
audit event (with the enterprise, so the enterprise timeline shows it) in the
same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dc_field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit, uploads, workflow
from relocation.core.errors import ConflictError, PermissionDeniedError, ServiceError
from relocation.core.workdays import add_workdays
from relocation.enterprises.lifecycle_facts import STOPPED
from relocation.enterprises.models import Enterprise
from relocation.remediation import permissions, transitions
from relocation.remediation.models import (
    LandUse,
    Liability,
    LiabilityBasis,
    Milestone,
    Obligation,
    ObligationChange,
    ObligationDocument,
    ObligationKind,
    ObligationStatus,
    Payment,
    RemediationTarget,
    SamplingResult,
    ScreeningValue,
    Site,
    SitePolluter,
    Stage,
    StageChange,
    TargetBasis,
)

# core.uploads purposes; their download checks are registered in apps.py.
STAGE_EVIDENCE = "remediation.stage"
OBLIGATION_FILE = "remediation.obligation"
EVIDENCE_KINDS = ("pdf", "jpeg", "png", "docx")
# Working days the town gets to act on an escalated obligation.
ESCALATION_WORKDAYS = 10
SITE_FIELDS = ["name", "address", "area_m2", "notes"]


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDeniedError(message)


# ------------------------------------------------------------------ sites


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


# ------------------------------------------------------- remediation targets

LOCKED_TARGET_STAGES = (Stage.CLOSED, Stage.HANDED_OVER)


def target_basis_set(*, actor: Any, site: Site, basis: str, reason: str) -> Site:
    """Decide (as the remediation plan does) whether the targets default to the
    screening or the intervention values of the site's land use. Refused on an
    accepted site: acceptance was judged against the targets then in force."""
    _require(permissions.can_work_on_site(actor, site), _("您没有设定该地块修复目标的权限。"))
    if basis not in TargetBasis.values:
        raise ServiceError(_("修复目标默认取值无效。"))
    if not (reason or "").strip():
        raise ServiceError(_("请填写依据（如修复方案及其评审意见）。"))
    if site.stage in LOCKED_TARGET_STAGES:
        raise ServiceError(_("地块已验收销号，不能再修改修复目标。"))
    if basis == site.target_basis:
        raise ServiceError(_("修复目标默认取值没有变化。"))
    with transaction.atomic():
        previous = site.target_basis
        updated = Site.objects.filter(pk=site.pk, target_basis=previous).update(
            target_basis=basis, version=F("version") + 1, updated_at=timezone.now()
        )
        if updated != 1:
            raise ConflictError(_("该记录的状态刚被其他人修改，请刷新后重试。"))
        site.target_basis = basis
        site.refresh_from_db(fields=["version"])
        audit.record(
            actor=actor,
            action="remediation.target_basis_set",
            obj=site,
            enterprise_id=site.enterprise_id,
            summary=_("地块 %(site)s 修复目标默认取%(basis)s") % {"site": site.code, "basis": TargetBasis(basis).label},
            changes={"target_basis": [previous, basis], "reason": reason.strip()},
        )
    return site


def target_set(
    *, actor: Any, site: Site, pollutant: ScreeningValue, value: Decimal | None, reason: str
) -> RemediationTarget | None:
    """Set the site's remediation target for one pollutant and its current land
    use (from the risk assessment or the plan), or with value None go back to
    the default. Never above the class's intervention value; a reason always;
    refused on an accepted site."""
    from relocation.remediation.selectors import default_target

    _require(permissions.can_work_on_site(actor, site), _("您没有设定该地块修复目标的权限。"))
    if not (reason or "").strip():
        raise ServiceError(_("请填写依据（如风险评估报告或修复方案）。"))
    if site.stage in LOCKED_TARGET_STAGES:
        raise ServiceError(_("地块已验收销号，不能再修改修复目标。"))
    _screening, intervention = pollutant.limits(site.land_use)
    if value is not None and value <= 0:
        raise ServiceError(_("修复目标值必须大于零。"))
    if value is not None and value > intervention:
        raise ServiceError(
            _("%(p)s 的修复目标值 %(v)s 超过%(use)s管制值 %(limit)s mg/kg。")
            % {
                "p": pollutant.name,
                "v": f"{value.normalize():f}",
                "use": LandUse(site.land_use).label,
                "limit": f"{intervention.normalize():f}",
            }
        )
    with transaction.atomic():
        Site.objects.select_for_update().filter(pk=site.pk).first()
        existing = RemediationTarget.objects.filter(site=site, pollutant=pollutant, land_use=site.land_use).first()
        before = str(existing.value) if existing else str(default_target(site, pollutant))
        target = None
        if value is None:
            if existing is None:
                raise ServiceError(_("该污染物没有单独设定的修复目标值。"))
            existing.delete()
        elif existing is None:
            target = RemediationTarget.objects.create(
                site=site,
                pollutant=pollutant,
                land_use=site.land_use,
                value=value,
                reason=reason.strip(),
                set_by=_user(actor),
            )
        else:
            existing.value, existing.reason, existing.set_by = value, reason.strip(), _user(actor)
            existing.save(update_fields=["value", "reason", "set_by", "updated_at"])
            target = existing
        after = str(value) if value is not None else str(default_target(site, pollutant))
        audit.record(
            actor=actor,
            action="remediation.target_set",
            obj=site,
            enterprise_id=site.enterprise_id,
            summary=_("地块 %(site)s %(p)s 修复目标值：%(before)s → %(after)s mg/kg")
            % {"site": site.code, "p": pollutant.name, "before": before, "after": after},
            changes={"pollutant": pollutant.code, "value": [before, after], "reason": reason.strip()},
        )
    return target


# ------------------------------------------------------------------ land use


def site_change_land_use(*, actor: Any, site: Site, land_use: str, reason: str) -> StageChange | None:
    """Change the planned land use (a planning decision, with its reason).

    When the land becomes first class (homes, schools…) the stricter values
    apply: an accepted or handed-over site whose effect evaluation exceeds the
    first-class targets is reopened (back to risk assessment), a site found
    无需修复 whose results exceed the first-class screening values goes back to
    detailed investigation — a transition with history and audit, and the
    territorial unit and the ecology-environment bureau are told. Returns the
    reopening's StageChange, or None."""
    from relocation.remediation.selectors import effect_exceedances, judged_results

    _require(permissions.can_work_on_site(actor, site), _("您没有修改该地块的权限。"))
    if land_use not in LandUse.values:
        raise ServiceError(_("规划用地类型无效。"))
    if land_use == site.land_use:
        raise ServiceError(_("规划用地类型没有变化。"))
    if not (reason or "").strip():
        raise ServiceError(_("请填写变更依据（如规划调整的批复）。"))
    reason = reason.strip()
    with transaction.atomic():
        locked = Site.objects.select_for_update().get(pk=site.pk)
        previous = locked.land_use
        Site.objects.filter(pk=site.pk).update(land_use=land_use, version=F("version") + 1, updated_at=timezone.now())
        site.land_use = land_use
        site.refresh_from_db(fields=["version", "stage"])
        audit.record(
            actor=actor,
            action="remediation.land_use_changed",
            obj=site,
            enterprise_id=site.enterprise_id,
            summary=_("地块 %(site)s 规划用地类型：%(src)s → %(dst)s")
            % {"site": site.code, "src": LandUse(previous).label, "dst": LandUse(land_use).label},
            changes={"land_use": [previous, land_use], "reason": reason},
        )
        if land_use != LandUse.FIRST or site.stage not in transitions.REOPEN:
            return None
        if site.stage == Stage.NOT_REQUIRED:
            why = _("检测结果超过第一类用地筛选值")
            items = [
                f"{j.result.point} {j.result.pollutant.name} {j.result.concentration.normalize():f} > "
                f"{j.screening.normalize():f} mg/kg"
                for j in judged_results(site)
                if j.over_screening
            ]
            over = items
        else:
            over = effect_exceedances(site)
            why = _("效果评估结果超过第一类用地修复目标值")
            items = [str(e) for e in over]
        if not over:
            return None
        (target,) = transitions.REOPEN[site.stage]
        text = _("规划用地类型变更为第一类用地（%(reason)s），%(why)s：%(items)s") % {
            "reason": reason,
            "why": why,
            "items": "；".join(items),
        }
        previous_stage = workflow.move(
            site,
            field="stage",
            target=target,
            allowed=transitions.REOPEN,
            labels=Stage,
            extra={"stage_changed_on": timezone.localdate()},
        )
        change = StageChange.objects.create(
            site=site,
            from_stage=previous_stage,
            to_stage=target,
            moved_on=timezone.localdate(),
            reason=text,
            evidence=None,
            actor=_user(actor),
        )
        audit.record(
            actor=actor,
            action="remediation.site_reopened",
            obj=site,
            enterprise_id=site.enterprise_id,
            summary=_("地块 %(site)s 重新开启：%(src)s → %(dst)s")
            % {"site": site.code, "src": Stage(previous_stage).label, "dst": Stage(target).label},
            changes={"stage": [previous_stage, target], "reason": text},
        )
        _notify_reopened(site, text)
    return change


def _notify_reopened(site: Site, text: str) -> None:
    """The territorial unit's people and the ecology-environment bureau's."""
    from django.urls import reverse

    from relocation.core.notifications import notify
    from relocation.organisation.functions import UnitFunction
    from relocation.organisation.models import User
    from relocation.organisation.selectors import unit_with_function

    units = [site.territorial_unit_id]
    bureau = unit_with_function(site.programme_id, UnitFunction.ENVIRONMENT)
    if bureau is not None:
        units.append(bureau.pk)
    notify(
        recipients=User.objects.filter(unit_id__in=units, is_active=True),
        verb="remediation.site_reopened",
        title=_("污染地块 %(site)s 因用地类型调整重新开启") % {"site": site},
        body=text,
        url=reverse("remediation:site", args=[site.pk]),
        dedupe_key=f"remediation.reopened:{site.pk}:{site.version}",
    )


# ---------------------------------------------------------- sampling results


def _result_values(
    site: Site, *, point: str, depth_m: Any, concentration: Any, sampled_on: Any, stage: str | None
) -> dict[str, Any]:
    point = (point or "").strip()
    errors = []
    if not point:
        errors.append(_("采样点不能为空"))
    if depth_m is None or Decimal(depth_m) < 0:
        errors.append(_("采样深度应为非负数"))
    if concentration is None or Decimal(concentration) < 0:
        errors.append(_("浓度应为非负数"))
    if sampled_on is None or sampled_on > timezone.localdate():
        errors.append(_("采样日期无效或晚于今天"))
    stage = stage or (site.stage if site.stage in (Stage.INITIAL, Stage.DETAILED, Stage.EFFECT) else Stage.INITIAL)
    if stage not in (Stage.INITIAL, Stage.DETAILED, Stage.EFFECT):
        errors.append(_("调查阶段应为初步调查、详细调查或效果评估"))
    if errors:
        raise ServiceError("；".join(str(e) for e in errors) + "。")
    return {
        "point": point,
        "depth_m": depth_m,
        "concentration": concentration,
        "sampled_on": sampled_on,
        "stage": stage,
    }


def result_add(
    *,
    actor: Any,
    site: Site,
    pollutant: ScreeningValue,
    point: str,
    depth_m: Decimal,
    concentration: Decimal,
    sampled_on: dt.date,
    stage: str | None = None,
) -> SamplingResult:
    """Enter one laboratory result (stage: the site's investigation stage unless given)."""
    _require(permissions.can_work_on_site(actor, site), _("您没有录入该地块检测结果的权限。"))
    values = _result_values(
        site, point=point, depth_m=depth_m, concentration=concentration, sampled_on=sampled_on, stage=stage
    )
    try:
        with transaction.atomic():
            result = SamplingResult.objects.create(site=site, pollutant=pollutant, recorded_by=_user(actor), **values)
            audit.record(
                actor=actor,
                action="remediation.result_added",
                obj=result,
                enterprise_id=site.enterprise_id,
                summary=_("地块 %(site)s 检测结果：%(point)s %(p)s %(c)s mg/kg")
                % {"site": site.code, "point": result.point, "p": pollutant.name, "c": result.concentration},
            )
    except IntegrityError as exc:
        raise ServiceError(_("同一采样点、深度、日期的该污染物结果已经录入。")) from exc
    return result


@dataclass
class ImportOutcome:
    """What an import did: rows written, errors (the file was refused) and
    warnings (items not in the standard's table, left out)."""

    imported: int = 0
    errors: list[str] = dc_field(default_factory=list)
    warnings: list[str] = dc_field(default_factory=list)


def results_import(*, actor: Any, site: Site, file_name: str, data: bytes) -> ImportOutcome:
    """Import a laboratory's results (Excel or CSV). A malformed row refuses
    the whole file, and the row report says what to fix; rows of items the
    standard's table does not hold are left out and named in the warnings
    (the rows of known items are written)."""
    from relocation.core.spreadsheets import is_workbook, read_table
    from relocation.enterprises.ledger_import import FileRefused, check_file_safety
    from relocation.remediation import results_import as reader

    _require(permissions.can_work_on_site(actor, site), _("您没有录入该地块检测结果的权限。"))
    try:
        if is_workbook(data):
            check_file_safety(data)  # size and zip-bomb checks before openpyxl unpacks it
        table = read_table(data)
    except (ValueError, FileRefused) as exc:
        return ImportOutcome(errors=[str(exc)])
    except Exception:  # noqa: BLE001 - any unreadable workbook is the user's file, not our bug
        return ImportOutcome(errors=[_("无法读取文件，请上传 Excel（.xlsx）或 CSV 文件。")])
    parsed = reader.parse(table, site=site)
    if parsed.errors:
        return ImportOutcome(errors=parsed.errors, warnings=parsed.warnings)
    with transaction.atomic():
        created = SamplingResult.objects.bulk_create(
            [
                SamplingResult(
                    site=site,
                    pollutant=r.pollutant,
                    point=r.point,
                    depth_m=r.depth_m,
                    concentration=r.concentration,
                    sampled_on=r.sampled_on,
                    stage=r.stage,
                    recorded_by=_user(actor),
                )
                for r in parsed.rows
            ]
        )
        audit.record(
            actor=actor,
            action="remediation.results_imported",
            obj=site,
            enterprise_id=site.enterprise_id,
            summary=_("地块 %(site)s 导入检测结果 %(n)s 条（%(file)s）")
            % {"site": site.code, "n": len(created), "file": file_name[:100]},
            changes={"unknown_items": parsed.unknown} if parsed.unknown else None,
        )
    return ImportOutcome(imported=len(created), warnings=parsed.warnings)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


# ------------------------------------------------------------------ liability


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
    permissions.require_liability_right(actor, _("只有指挥部或%(unit)s可以认定责任主体。"))
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
    permissions.require_liability_right(actor, _("只有指挥部或%(unit)s可以设定责任义务。"))
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
    permissions.require_liability_right(actor, _("只有指挥部或%(unit)s可以修改责任义务。"))
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
    permissions.require_liability_right(actor, _("只有指挥部或%(unit)s可以撤销责任义务。"))
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
        permissions.require_liability_right(actor, _("只有指挥部或%(unit)s可以督办。"))
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


# ------------------------------------------------------------------ milestones


def milestones_plan(*, actor: Any, site: Site, start: dt.date, steps: Iterable[tuple[str, int]]) -> list[Milestone]:
    """Add the remediation plan's milestones, each due `workdays` working days
    after `start` (official holidays and local overrides counted)."""
    _require(permissions.can_work_on_site(actor, site), _("您没有制定该地块修复计划的权限。"))
    if site.stage not in (Stage.PLAN, Stage.REMEDIATION, Stage.EFFECT):
        raise ServiceError(_("地块进入“修复方案”阶段后才能制定进度节点。"))
    steps = [(name.strip(), int(days)) for name, days in steps if name and name.strip()]
    if not steps:
        raise ServiceError(_("请至少填写一个节点。"))
    if any(days <= 0 for _name, days in steps):
        raise ServiceError(_("工作日数必须大于零。"))
    with transaction.atomic():
        offset = site.milestones.count()
        created = [
            Milestone.objects.create(
                site=site, order=offset + i, name=name[:200], workdays=days, due_on=add_workdays(start, days)
            )
            for i, (name, days) in enumerate(steps)
        ]
        audit.record(
            actor=actor,
            action="remediation.milestones_planned",
            obj=site,
            enterprise_id=site.enterprise_id,
            summary=_("地块 %(site)s 制定修复进度节点 %(n)s 个") % {"site": site.code, "n": len(created)},
            changes={"milestones": [[m.name, m.due_on.isoformat()] for m in created]},
        )
    return created


def milestone_progress(
    *, actor: Any, milestone: Milestone, percent: int, expected_version: int, done_on: dt.date | None = None
) -> Milestone:
    """Report a milestone's progress (0–100 %); at 100 % it is done on `done_on`
    (today if not given). Version-checked."""
    site = milestone.site
    _require(permissions.can_work_on_site(actor, site), _("您没有填报该地块进度的权限。"))
    if percent is None or not 0 <= int(percent) <= 100:
        raise ServiceError(_("完成比例应在 0 到 100 之间。"))
    fields = ["percent", "done_on"]
    with transaction.atomic():
        before = audit.snapshot(milestone, fields)
        milestone.percent = int(percent)
        milestone.done_on = (done_on or timezone.localdate()) if milestone.percent == 100 else None
        try:
            workflow.save_if_unchanged(milestone, expected_version=expected_version, fields=fields)
        except ConflictError:
            milestone.refresh_from_db()
            raise
        audit.record(
            actor=actor,
            action="remediation.milestone_progress",
            obj=milestone,
            enterprise_id=site.enterprise_id,
            summary=_("地块 %(site)s「%(m)s」完成 %(p)s%%")
            % {"site": site.code, "m": milestone.name, "p": milestone.percent},
            changes=audit.diff(before, audit.snapshot(milestone, fields)),
        )
    return milestone
