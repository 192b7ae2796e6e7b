"""Writes of joint enforcement. Pages, API, the escalation job and the demo
seeder all go through these functions.

Rules that live here:
- an inspection names at least two inspectors of its team (administrative
  enforcement requires two officers) and the enterprise representative's
  acknowledgement (name, and signed or refused);
- a rectification order has a deadline in working days; issuing it schedules
  the re-inspection (回头看) in the team's queue and a follow-up task;
- an order is closed (销号) only by a re-inspection that confirms the fix; a
  failed or overdue one escalates along the ladder;
- a fine or any stronger measure takes effect only when a second person
  approves it; an approved decision is never edited, only revoked with a reason;
- N violations in M days mark the enterprise a repeat offender and propose
  forced closure (calls down to the enterprises lifecycle).

The functions live in one module per area (permissions, configuration,
operations, inspections and violations, measures, escalation, documents) and
are all importable from here: `from relocation.enforcement import services`.
"""

from __future__ import annotations

from relocation.enforcement.services.configuration import (
    configuration_ensure,
    configuration_save,
    domains_fill_from_functions,
    team_create,
    team_set_members,
)
from relocation.enforcement.services.documents import (
    DOCUMENT_FOR_KIND,
    DOCUMENT_WORD,
    TEMPLATE_DIR,
)
from relocation.enforcement.services.escalation import (
    escalate_overdue,
)
from relocation.enforcement.services.inspections import (
    CHECKLIST_VALUES,
    PHOTO_KINDS,
    PHOTO_MAX_BYTES,
    draft_save,
    inspection_by_client_key,
    inspection_record,
    photo_add,
    repeat_offender_check,
    violation_record,
)
from relocation.enforcement.services.measures import (
    EDITABLE_MEASURE_FIELDS,
    LIFTABLE_KINDS,
    PRODUCTION_HOLDS,
    measure_approve,
    measure_issue,
    measure_lift,
    measure_reject,
    measure_revoke,
    measure_update,
)
from relocation.enforcement.services.operations import (
    operation_complete,
    operation_create,
)
from relocation.enforcement.services.permissions import (
    can_approve_for_team,
    can_work_for_team,
    is_team_member,
)

__all__ = [
    "CHECKLIST_VALUES",
    "DOCUMENT_FOR_KIND",
    "DOCUMENT_WORD",
    "EDITABLE_MEASURE_FIELDS",
    "LIFTABLE_KINDS",
    "PHOTO_KINDS",
    "PHOTO_MAX_BYTES",
    "PRODUCTION_HOLDS",
    "TEMPLATE_DIR",
    "can_approve_for_team",
    "can_work_for_team",
    "configuration_ensure",
    "configuration_save",
    "domains_fill_from_functions",
    "draft_save",
    "escalate_overdue",
    "inspection_by_client_key",
    "inspection_record",
    "is_team_member",
    "measure_approve",
    "measure_issue",
    "measure_lift",
    "measure_reject",
    "measure_revoke",
    "measure_update",
    "operation_complete",
    "operation_create",
    "photo_add",
    "repeat_offender_check",
    "team_create",
    "team_set_members",
    "violation_record",
]
