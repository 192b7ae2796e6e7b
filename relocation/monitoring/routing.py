"""Which member unit an alert goes to, found by the function the programme
gives it (police, water supply, power supply), never by a unit's name.

One small lookup so that the rule "the police own toxic-chemical alerts, the
supply company hears of every still-consuming alert" has one home.
"""

from __future__ import annotations

from typing import Any

from relocation.monitoring.models import AlertKind, UtilityKind
from relocation.organisation.functions import UnitFunction
from relocation.organisation.selectors import unit_with_function as _unit_with_function

POLICE = UnitFunction.POLICE
EMERGENCY = UnitFunction.EMERGENCY_MANAGEMENT
WATER_SUPPLY = UnitFunction.WATER_SUPPLY
POWER_SUPPLY = UnitFunction.POWER_SUPPLY
# The supply unit that is told of a still-consuming alert, by utility.
SUPPLY_FUNCTION = {UtilityKind.WATER: WATER_SUPPLY, UtilityKind.POWER: POWER_SUPPLY}


def unit_with_function(programme_id: int | None, function: str) -> Any:
    """The programme's unit that holds `function`, or None."""
    return _unit_with_function(programme_id, function)


def unit_has_function(unit: Any, function: str) -> bool:
    return function in unit.functions


def units_for(enterprise: Any, kind: str, utility: str = "") -> tuple[Any, list[Any]]:
    """(responsible unit, units informed) of an alert of `kind` on `enterprise`.

    The territorial town re-inspects every site; the police own highly toxic
    chemicals (危险化学品安全管理条例: purchase permits and filings are theirs),
    the town is told; a still-consuming alert also goes to the company that
    supplies the water or power, which can check its meter and cut supply.
    """
    territorial = enterprise.territorial_unit
    if kind == AlertKind.TOXIC_DISCREPANCY:
        police = unit_with_function(enterprise.programme_id, POLICE)
        if police is not None:
            return police, [u for u in [territorial] if u is not None and u.pk != police.pk]
        return territorial, []
    informed = []
    if kind == AlertKind.STOPPED_CONSUMING and utility in SUPPLY_FUNCTION:
        supply = unit_with_function(enterprise.programme_id, SUPPLY_FUNCTION[utility])
        if supply is not None:
            informed.append(supply)
    return territorial, informed
