"""The risk register: assessing an enterprise's stability risk and changing its
level, with the level history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit, workflow
from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.roles import is_hq_editor
from relocation.organisation.models import Unit
from relocation.stability import permissions
from relocation.stability.models import (
    RiskAssessment,
    RiskFactor,
    RiskLevel,
    RiskLevelChange,
)
from relocation.stability.services.routing import (
    CROSS_STRAIT_FUNCTION,
    _check_units,
    _unit_by_function,
    _user,
    is_cross_strait,
)


def _clean_factors(enterprise: Any, factors: Iterable[str]) -> list[str]:
    """Known factors only, in the choices' order; the HK/Macao/Taiwan factor
    follows the ledger's capital background rather than what was ticked."""
    chosen = set(factors)
    unknown = chosen - set(RiskFactor.values)
    if unknown:
        raise ServiceError(_("未知的风险因素：%(f)s") % {"f": "、".join(sorted(unknown))}, code="factors")
    chosen.discard(RiskFactor.CROSS_STRAIT_CAPITAL)
    if is_cross_strait(enterprise):
        chosen.add(RiskFactor.CROSS_STRAIT_CAPITAL)
    return [f for f in RiskFactor.values if f in chosen]


def _risk_co_units(enterprise: Any, responsible_unit: Unit, co_units: Iterable[Unit]) -> list[Unit]:
    """The co-units asked for, plus 台港澳办 for an enterprise with such capital."""
    result = {u.pk: u for u in co_units if u.pk != responsible_unit.pk}
    if is_cross_strait(enterprise):
        tgao = _unit_by_function(enterprise.programme_id, CROSS_STRAIT_FUNCTION)
        if tgao is not None and tgao.pk != responsible_unit.pk:
            result.setdefault(tgao.pk, tgao)
    return list(result.values())


def _level_history(risk: RiskAssessment, *, actor: Any, from_level: str, to_level: str, reason: str) -> None:
    RiskLevelChange.objects.create(
        assessment=risk,
        from_level=from_level,
        to_level=to_level,
        actor=_user(actor),
        at=timezone.now(),
        reason=reason[:300],
    )


def risk_assess(
    *,
    actor: Any,
    enterprise: Any,
    level: str,
    responsible_unit: Unit,
    review_on: dt.date,
    factors: Iterable[str] = (),
    notes: str = "",
    co_units: Iterable[Unit] = (),
) -> RiskAssessment:
    """Put an enterprise on the risk register (风险研判). One entry per
    enterprise; a unit may only enter risks its own unit is responsible for."""
    if not (is_hq_editor(actor) or permissions.acts_for_unit(actor, responsible_unit.pk)):
        raise PermissionDeniedError(_("只有现场指挥部或责任单位可以登记风险研判。"))
    if level not in RiskLevel.values:
        raise ServiceError(_("请选择风险等级。"), code="level")
    _check_units(enterprise.programme_id, [responsible_unit, *co_units], "responsible_unit")
    clean = _clean_factors(enterprise, factors)
    with transaction.atomic():
        if RiskAssessment.objects.select_for_update().filter(enterprise=enterprise).exists():
            raise ServiceError(_("该企业已有风险研判记录，请在原记录上修改。"), code="enterprise")
        risk = RiskAssessment.objects.create(
            enterprise=enterprise,
            level=level,
            factors=clean,
            notes=notes.strip(),
            responsible_unit=responsible_unit,
            review_on=review_on,
            assessed_by=_user(actor),
        )
        risk.co_units.set(_risk_co_units(enterprise, responsible_unit, co_units))
        _level_history(risk, actor=actor, from_level="", to_level=level, reason="")
        audit.record(
            actor=actor,
            action="stability.risk_assessed",
            obj=risk,
            object_repr=enterprise.name,
            enterprise_id=enterprise.pk,
            summary=_("稳定风险研判：%(level)s（%(factors)s）")
            % {"level": RiskLevel(level).label, "factors": "、".join(risk.factor_labels()) or "—"},
            changes=audit.snapshot(risk, ["level", "factors", "responsible_unit", "review_on"]),
        )
    return risk


def risk_update(
    *,
    actor: Any,
    risk: RiskAssessment,
    expected_version: int,
    level: str,
    responsible_unit: Unit,
    review_on: dt.date,
    factors: Iterable[str] = (),
    notes: str = "",
    co_units: Iterable[Unit] = (),
    reason: str = "",
) -> RiskAssessment:
    """Review an entry. A change of level needs a reason and is kept in the
    level history; an edit on an out-of-date version is refused (409)."""
    fields = ["level", "factors", "notes", "responsible_unit", "review_on", "assessed_by"]
    with transaction.atomic():
        risk = RiskAssessment.objects.select_for_update().select_related("enterprise").get(pk=risk.pk)
        if not permissions.can_edit_risk(actor, risk):
            raise PermissionDeniedError(_("只有现场指挥部或责任单位可以修改风险研判。"))
        if not is_hq_editor(actor) and responsible_unit.pk != risk.responsible_unit_id:
            raise PermissionDeniedError(_("责任单位的调整由现场指挥部决定。"))
        if level not in RiskLevel.values:
            raise ServiceError(_("请选择风险等级。"), code="level")
        _check_units(risk.enterprise.programme_id, [responsible_unit, *co_units], "responsible_unit")
        previous_level = risk.level
        if level != previous_level and not reason.strip():
            raise ServiceError(_("调整风险等级须说明理由。"), code="reason")
        before = audit.snapshot(risk, fields)
        risk.level = level
        risk.factors = _clean_factors(risk.enterprise, factors)
        risk.notes = notes.strip()
        risk.responsible_unit = responsible_unit
        risk.review_on = review_on
        risk.assessed_by = _user(actor)
        workflow.save_if_unchanged(risk, expected_version=expected_version, fields=fields)
        risk.co_units.set(_risk_co_units(risk.enterprise, responsible_unit, co_units))
        if level != previous_level:
            _level_history(risk, actor=actor, from_level=previous_level, to_level=level, reason=reason.strip())
        audit.record(
            actor=actor,
            action="stability.risk_level_changed" if level != previous_level else "stability.risk_reviewed",
            obj=risk,
            object_repr=risk.enterprise.name,
            enterprise_id=risk.enterprise_id,
            summary=(
                _("稳定风险等级：%(old)s → %(new)s（%(reason)s）")
                % {"old": RiskLevel(previous_level).label, "new": RiskLevel(level).label, "reason": reason.strip()}
                if level != previous_level
                else _("复核稳定风险研判：%(level)s") % {"level": RiskLevel(level).label}
            ),
            changes=audit.diff(before, audit.snapshot(risk, fields)),
        )
    return risk
