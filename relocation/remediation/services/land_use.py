"""A site's planned land use; changing it reopens the site's assessment where the
new use is stricter, and tells those concerned."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit, workflow
from relocation.core.errors import ServiceError
from relocation.remediation import permissions, transitions
from relocation.remediation.models import (
    LandUse,
    Site,
    Stage,
    StageChange,
)
from relocation.remediation.services.actors import _require, _user


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
