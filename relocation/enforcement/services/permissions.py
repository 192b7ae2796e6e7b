"""Who may work for, and approve for, an enforcement team."""

from __future__ import annotations

from typing import Any

from relocation.core.errors import PermissionDeniedError
from relocation.core.roles import Role, is_hq_editor, role_of
from relocation.enforcement.models import (
    EnforcementTeam,
)


def is_team_member(user: Any, team: EnforcementTeam) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return team.members.filter(pk=user.pk).exists()


def can_work_for_team(user: Any, team: EnforcementTeam) -> bool:
    """Record inspections and issue measures for the team: its members and HQ editors."""
    return is_hq_editor(user) or is_team_member(user, team)


def can_approve_for_team(user: Any, team: EnforcementTeam) -> bool:
    """Approve the team's decisions: HQ editors, the lead unit's leader, or a team member."""
    if is_hq_editor(user):
        return True
    if role_of(user) == Role.UNIT_LEADER and user.unit_id == team.lead_unit_id:
        return True
    return is_team_member(user, team)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDeniedError(message)
