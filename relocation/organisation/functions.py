"""What a member unit does, in the plan's terms, and which functions the
rules need.

Rules never name a unit by its code: a programme's units carry functions
(declared per unit in the programme file), and a rule asks for "the water
supply unit" or "the units of the environment bureau". Apps declare the
functions their rules depend on with `require`, so loading a programme that
lacks one fails with a message naming it instead of a rule silently finding
nobody.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitFunction(models.TextChoices):
    ENVIRONMENT = "environment", _("生态环境部门")
    MARKET_REGULATION = "market_regulation", _("市场监督管理部门")
    URBAN_MANAGEMENT = "urban_management", _("城市管理和综合执法部门")
    NATURAL_RESOURCES = "natural_resources", _("自然资源部门")
    HOUSING = "housing", _("住房和城乡建设部门")
    EMERGENCY_MANAGEMENT = "emergency_management", _("应急管理部门")
    POLICE = "police", _("公安部门")
    FIRE = "fire", _("消防救援部门")
    TAX = "tax", _("税务部门")
    HUMAN_RESOURCES = "human_resources", _("人力资源和社会保障部门")
    WATER_SUPPLY = "water_supply", _("供水单位")
    POWER_SUPPLY = "power_supply", _("供电单位")
    COMMUNITY = "community", _("所在社区")
    JUSTICE = "justice", _("司法部门")
    HK_MACAO_TAIWAN = "hk_macao_taiwan", _("台港澳办")
    PROPAGANDA = "propaganda", _("宣传部门")
    STABILITY = "stability", _("综治维稳部门")
    RECEIVING_TOWN = "receiving_town", _("承接镇街")
    TERRITORIAL_TOWN = "territorial_town", _("属地镇街")


@dataclass(frozen=True)
class Requirement:
    """A rule that needs at least one unit with `function` in every programme."""

    function: str
    rule: Any  # a lazy translatable phrase naming the rule, shown when the function is missing


_REQUIRED: list[Requirement] = []


def require(function: str, *, rule: Any) -> None:
    """Declare (from an app's `ready`) that one of its rules needs a unit with
    `function`. Declaring the same pair twice is harmless."""
    if function not in UnitFunction.values:
        raise ValueError(f"unknown unit function: {function}")
    requirement = Requirement(function=function, rule=rule)
    if requirement not in _REQUIRED:
        _REQUIRED.append(requirement)


def requirements() -> list[Requirement]:
    return list(_REQUIRED)


def missing(present: set[str]) -> list[Requirement]:
    """The declared requirements that a programme whose units carry `present` does not meet."""
    return [r for r in _REQUIRED if r.function not in present]
