"""Who may see and do what with contaminated sites.

The territorial towns organise the investigation and remediation of their
plots; the unit with the environment function guides and supervises
all of them and determines liability; HQ sees and may do everything; the
enterprise reads its own sites and uploads documents for its obligations;
auditors and group leaders read.
"""

from __future__ import annotations

from typing import Any

from relocation.core.roles import is_auditor, is_enterprise_contact, is_hq, is_hq_editor, is_unit_member


def is_ecology_bureau(user: Any) -> bool:
    from relocation.organisation.functions import UnitFunction
    from relocation.organisation.selectors import unit_has_function

    unit = getattr(user, "unit", None) if is_unit_member(user) else None
    return unit_has_function(unit, UnitFunction.ENVIRONMENT)


def sees_all_sites(user: Any) -> bool:
    return is_hq(user) or is_auditor(user) or is_ecology_bureau(user)


def can_read(user: Any) -> bool:
    """May open the app at all (what they then see is scoped by selectors)."""
    return sees_all_sites(user) or is_unit_member(user) or is_enterprise_contact(user)


def can_see_overview(user: Any) -> bool:
    return sees_all_sites(user)


def can_create_site(user: Any) -> bool:
    return is_hq_editor(user) or is_ecology_bureau(user) or (is_unit_member(user) and user.unit.is_territorial)


def can_work_on_site(user: Any, site: Any) -> bool:
    """Move the stage, enter results, plan and report milestones, edit the site."""
    if is_hq_editor(user) or is_ecology_bureau(user):
        return True
    return is_unit_member(user) and user.unit_id == site.territorial_unit_id


def can_determine_liability(user: Any) -> bool:
    """Determine the responsible party, set and escalate obligations."""
    return is_hq_editor(user) or is_ecology_bureau(user)


def require_liability_right(user: Any, message: str) -> None:
    """Refuse a liability decision to anyone but HQ and the environment unit;
    `message` names the unit as `%(unit)s`: the user's programme's unit with
    the environment function, by its name from the programme file (the
    function's label where the programme has none)."""
    if can_determine_liability(user):
        return
    from relocation.core.errors import PermissionDeniedError
    from relocation.organisation.functions import UnitFunction
    from relocation.organisation.selectors import programme_for, unit_with_function

    unit = unit_with_function(programme_for(user), UnitFunction.ENVIRONMENT)
    raise PermissionDeniedError(message % {"unit": unit.name if unit is not None else UnitFunction.ENVIRONMENT.label})


def can_record_payment(user: Any, site: Any) -> bool:
    return can_work_on_site(user, site)


def can_upload_for_obligation(user: Any, obligation: Any) -> bool:
    """The responsible enterprise uploads its own proof; the officials too."""
    if can_work_on_site(user, obligation.liability.site):
        return True
    if not is_enterprise_contact(user):
        return False
    link = getattr(user, "enterprise_link", None)
    return link is not None and link.enterprise_id == obligation.liability.enterprise_id
