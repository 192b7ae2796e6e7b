"""Who may do what with a task or a unit report."""

from __future__ import annotations

from typing import Any

from relocation.core.roles import Role, is_hq_editor, role_of


def acts_for_unit(user: Any, unit_id: int | None) -> bool:
    """A unit's leader or liaison acts for the unit (signs for, reports)."""
    return (
        unit_id is not None
        and role_of(user) in {Role.UNIT_LEADER, Role.UNIT_LIAISON}
        and getattr(user, "unit_id", None) == unit_id
    )


def can_work_on_task(user: Any, task: Any) -> bool:
    """Sign for, start and report done: the lead unit's people, the responsible person, HQ editors."""
    if is_hq_editor(user):
        return True
    if task.responsible_id is not None and task.responsible_id == getattr(user, "pk", None):
        return True
    return acts_for_unit(user, task.lead_unit_id)


def can_post_update(user: Any, task: Any, co_unit_ids: set[int] | None = None) -> bool:
    """The progress thread is open to the lead unit, the co-units and HQ editors (the group
    leader reads it: a read-only role posts nothing)."""
    if can_work_on_task(user, task):
        return True
    if co_unit_ids is None:
        co_unit_ids = set(task.co_units.values_list("pk", flat=True))
    return role_of(user) in {Role.UNIT_LEADER, Role.UNIT_LIAISON} and getattr(user, "unit_id", None) in co_unit_ids
