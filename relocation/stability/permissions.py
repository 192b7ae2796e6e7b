"""Who may do what in stability work. One home for each rule: services call
these before writing, pages and the API call them to show or hide actions.

HQ editors (commander, staff) act on everything. A member unit's leader and
liaison act on what their unit leads (an incident, an opinion event, a risk
entry) or, for a plan, on the plans their unit is responsible for.
Inspectors, group leaders and auditors read; enterprise contacts see nothing."""

from __future__ import annotations

from typing import Any

from relocation.core.roles import Role, is_auditor, is_hq, is_hq_editor, is_unit_member, role_of

UNIT_ACTORS = frozenset({Role.UNIT_LEADER, Role.UNIT_LIAISON})


def can_read(user: Any) -> bool:
    return is_hq(user) or is_unit_member(user) or is_auditor(user)


def acts_for_unit(user: Any, unit_id: int | None) -> bool:
    return role_of(user) in UNIT_ACTORS and unit_id is not None and getattr(user, "unit_id", None) == unit_id


def can_record(user: Any) -> bool:
    """Record a risk entry, an incident or an opinion event at all."""
    return is_hq_editor(user) or (role_of(user) in UNIT_ACTORS and getattr(user, "unit_id", None) is not None)


def can_edit_risk(user: Any, assessment: Any) -> bool:
    return is_hq_editor(user) or acts_for_unit(user, assessment.responsible_unit_id)


def can_handle_incident(user: Any, incident: Any) -> bool:
    return is_hq_editor(user) or acts_for_unit(user, incident.lead_unit_id)


def can_add_evidence(user: Any, incident: Any) -> bool:
    """The lead unit, HQ, and the co-units on site may add photos and documents."""
    if can_handle_incident(user, incident):
        return True
    unit_id = getattr(user, "unit_id", None)
    return acts_for_unit(user, unit_id) and incident.co_units.filter(pk=unit_id).exists()


def can_handle_opinion(user: Any, event: Any) -> bool:
    return is_hq_editor(user) or acts_for_unit(user, event.owner_unit_id)


def can_edit_plan(user: Any, unit_ids: set[int]) -> bool:
    return is_hq_editor(user) or (role_of(user) in UNIT_ACTORS and getattr(user, "unit_id", None) in unit_ids)


def can_approve_plan(user: Any) -> bool:
    return is_hq_editor(user)
