"""Who may see and do what in production supervision."""

from __future__ import annotations

from typing import Any

from relocation.core.roles import is_hq, is_hq_editor, is_staff_member, is_system_admin, is_unit_member
from relocation.organisation.functions import UnitFunction

# By unit function, not code: the utilities import readings; police and
# emergency management record toxic-chemical checks.
UTILITY_FUNCTIONS = frozenset({UnitFunction.WATER_SUPPLY, UnitFunction.POWER_SUPPLY})
TOXIC_FUNCTIONS = frozenset({UnitFunction.POLICE, UnitFunction.EMERGENCY_MANAGEMENT})


def _has_any(unit: Any, wanted: frozenset[str]) -> bool:
    return unit is not None and bool(wanted & set(unit.functions))


def can_read(user: Any) -> bool:
    return is_staff_member(user)


def can_handle_alert(user: Any, alert: Any) -> bool:
    if is_hq_editor(user):
        return True
    return is_unit_member(user) and user.unit_id is not None and user.unit_id == alert.responsible_unit_id


def can_manage_points(user: Any) -> bool:
    return is_hq_editor(user) or is_system_admin(user)


def can_import_utility(user: Any) -> bool:
    if is_hq_editor(user):
        return True
    unit = getattr(user, "unit", None)
    return is_unit_member(user) and _has_any(unit, UTILITY_FUNCTIONS)


def can_record_toxic(user: Any, enterprise: Any) -> bool:
    if is_hq_editor(user):
        return True
    unit = getattr(user, "unit", None)
    if not is_unit_member(user) or unit is None:
        return False
    return _has_any(unit, TOXIC_FUNCTIONS) or unit.pk == enterprise.territorial_unit_id


def sees_all_alerts(user: Any) -> bool:
    return is_hq(user)
