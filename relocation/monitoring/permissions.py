"""Who may see and do what in production supervision."""

from __future__ import annotations

from typing import Any

from relocation.core.roles import is_hq, is_hq_editor, is_staff_member, is_system_admin, is_unit_member


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
    from relocation.monitoring import routing

    unit = getattr(user, "unit", None)
    if not is_unit_member(user) or unit is None:
        return False
    return any(routing.unit_has_function(unit, f) for f in (routing.WATER_SUPPLY, routing.POWER_SUPPLY))


def can_record_toxic(user: Any, enterprise: Any) -> bool:
    """HQ, the police and emergency management (found by function), and the territorial town."""
    from relocation.monitoring import routing

    if is_hq_editor(user):
        return True
    unit = getattr(user, "unit", None)
    if not is_unit_member(user) or unit is None:
        return False
    if unit.pk == enterprise.territorial_unit_id:
        return True
    return any(routing.unit_has_function(unit, f) for f in (routing.POLICE, routing.EMERGENCY))


def sees_all_alerts(user: Any) -> bool:
    return is_hq(user)
