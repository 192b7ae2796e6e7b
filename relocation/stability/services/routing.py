"""Who stability work goes to: the units named by function (宣传部门, 台港澳办, the
labour and stability offices) and the people told, plus the input checks every
write shares (units of the programme, no moment in the future)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core.errors import ServiceError
from relocation.core.roles import Role
from relocation.organisation.functions import UnitFunction
from relocation.organisation.models import Unit
from relocation.organisation.selectors import people_in_roles
from relocation.stability.models import (
    IncidentKind,
)

# The units that stability work routes to by default, by function: 宣传部门
# watches public opinion, 台港澳办 takes the enterprises with Hong Kong, Macao
# or Taiwan capital (the apps' ready() declares both as required functions).
PROPAGANDA_FUNCTION = UnitFunction.PROPAGANDA
CROSS_STRAIT_FUNCTION = UnitFunction.HK_MACAO_TAIWAN
# The plan's division of work for incidents: labour and wage disputes go to
# human resources (人社部门), every 重特大 incident to the stability office
# (综治维稳部门), an enterprise with HK/Macao/Taiwan capital to 台港澳办.
LABOUR_KINDS = frozenset({IncidentKind.LABOUR_DISPUTE})
CROSS_STRAIT_BACKGROUNDS = frozenset({"hong_kong", "macao", "taiwan"})


# A report may be a few minutes "in the future" because of a phone's clock.
CLOCK_SKEW = dt.timedelta(minutes=10)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _hq_commanders(programme_id: int) -> list[Any]:
    """HQ's commanders and staff of this programme (never another programme's)."""
    return list(people_in_roles(programme_id, Role.HQ_COMMANDER, Role.HQ_STAFF))


def _unit_people(units: Iterable[Unit]) -> list[Any]:
    ids = [u.pk for u in units if u is not None]
    return list(
        get_user_model().objects.filter(unit_id__in=ids, is_active=True, role__in=[Role.UNIT_LEADER, Role.UNIT_LIAISON])
    )


def _check_units(programme_id: int, units: Iterable[Unit], field: str) -> None:
    for unit in units:
        if unit.programme_id != programme_id:
            raise ServiceError(_("单位“%(unit)s”不属于本项目。") % {"unit": unit}, code=field)


def _not_future(moment: dt.datetime, field: str) -> None:
    if moment > timezone.now() + CLOCK_SKEW:
        raise ServiceError(_("时间不能晚于现在。"), code=field)


def is_cross_strait(enterprise: Any) -> bool:
    return enterprise is not None and enterprise.capital_background in CROSS_STRAIT_BACKGROUNDS


def _unit_by_function(programme_id: int, function: str) -> Unit | None:
    from relocation.organisation.selectors import unit_with_function

    return unit_with_function(programme_id, function)


def routed_units(
    programme_id: int, *, enterprise: Any = None, kind: str = "", serious: bool = False
) -> list[tuple[Unit, str]]:
    """The units the plan names for an incident or opinion event, by
    function, each with why: 台港澳办 for an enterprise with HK/Macao/Taiwan
    capital, human resources for a labour dispute, the stability office for a
    重大 or 特别重大 event. They become co-units, so they can open it."""
    wanted: list[tuple[str, str]] = []
    if is_cross_strait(enterprise):
        wanted.append((CROSS_STRAIT_FUNCTION, _("涉台港澳资企业")))
    if kind in LABOUR_KINDS:
        wanted.append((UnitFunction.HUMAN_RESOURCES, _("劳资纠纷")))
    if serious:
        wanted.append((UnitFunction.STABILITY, _("重特大事件")))
    result: list[tuple[Unit, str]] = []
    for function, why in wanted:
        unit = _unit_by_function(programme_id, function)
        if unit is not None and all(unit.pk != u.pk for u, _why in result):
            result.append((unit, why))
    return result


def _with_routed(lead: Unit, asked: Iterable[Unit], routed: list[tuple[Unit, str]]) -> list[Unit]:
    """The co-units asked for plus the routed ones, never the lead, each once."""
    result = {u.pk: u for u in asked if u.pk != lead.pk}
    for unit, _why in routed:
        if unit.pk != lead.pk:
            result.setdefault(unit.pk, unit)
    return list(result.values())
