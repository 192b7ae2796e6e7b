"""Remediation targets: the basis they follow and the value per pollutant, locked
once a site is closed or handed over."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit
from relocation.core.errors import ConflictError, ServiceError
from relocation.remediation import permissions
from relocation.remediation.models import (
    LandUse,
    RemediationTarget,
    ScreeningValue,
    Site,
    Stage,
    TargetBasis,
)
from relocation.remediation.services.actors import _require, _user

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
