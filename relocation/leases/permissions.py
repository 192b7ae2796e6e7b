"""Who may see and do what with leases, by role and by the unit's function.

- HQ (commander, staff) sees the programme's leases and may do every step
  except the community's clearance check; group leaders and auditors read;
- the community unit (function `community`) carries the leases of its
  collective property: registers them, issues the termination notice,
  records the deposit refund, and alone checks the clearance (清租退场);
- the territorial town (function `territorial_town`) of the tenant follows
  its enterprises' leases: registers, issues the notice, records the refund,
  and closes the file once cleared;
- the tenant's enterprise contact reads its own leases;
- every other account sees nothing.
"""

from __future__ import annotations

from typing import Any

from relocation.core.roles import is_auditor, is_enterprise_contact, is_hq, is_hq_editor, is_unit_member
from relocation.organisation.functions import UnitFunction
from relocation.organisation.selectors import unit_has_function


def _unit(user: Any) -> Any:
    return getattr(user, "unit", None) if is_unit_member(user) else None


def is_community(user: Any) -> bool:
    return unit_has_function(_unit(user), UnitFunction.COMMUNITY)


def is_territorial_town(user: Any) -> bool:
    return unit_has_function(_unit(user), UnitFunction.TERRITORIAL_TOWN)


def sees_all(user: Any) -> bool:
    return is_hq(user) or is_auditor(user)


def can_read(user: Any) -> bool:
    """May open the app at all (what they then see is scoped by selectors)."""
    return sees_all(user) or is_community(user) or is_territorial_town(user) or is_enterprise_contact(user)


def can_register(user: Any) -> bool:
    return is_hq_editor(user) or is_community(user) or is_territorial_town(user)


def is_lease_community(user: Any, lease: Any) -> bool:
    return is_community(user) and user.unit_id == lease.community_unit_id


def is_lease_town(user: Any, lease: Any) -> bool:
    return is_territorial_town(user) and user.unit_id == lease.enterprise.territorial_unit_id


def can_register_for(user: Any, *, community_unit: Any, enterprise: Any) -> bool:
    """A community registers its own property's leases; a town its own enterprises'."""
    if is_hq_editor(user):
        return True
    if is_community(user):
        return user.unit_id == community_unit.pk
    return is_territorial_town(user) and user.unit_id == enterprise.territorial_unit_id


def can_handle(user: Any, lease: Any) -> bool:
    """Issue the notice, record the refund, open and resolve disputes."""
    return is_hq_editor(user) or is_lease_community(user, lease) or is_lease_town(user, lease)


def can_check_clearance(user: Any, lease: Any) -> bool:
    """The plan gives the clearance check to the community (社区负责…清租退场)."""
    return is_lease_community(user, lease)


def can_close(user: Any, lease: Any) -> bool:
    return is_hq_editor(user) or is_lease_town(user, lease)
