"""Writes of the workers app. Every function takes the actor, checks the
permission and the rule, writes inside one transaction and records the audit
event (on the enterprise's timeline) in the same transaction. Pages, the API,
the Excel import and the demo all come through here.

The functions live in one module per area (roster, cases, activities) and are
all importable from here: `from relocation.workers import services`."""

from __future__ import annotations

from relocation.workers.services.activities import (
    activity_record,
)
from relocation.workers.services.cases import (
    EVIDENCE_PURPOSE,
    arrears_closure_blockers,
    case_lines_update,
    case_report,
    case_transition,
    evidence_add,
    payment_record,
)
from relocation.workers.services.roster import (
    BANK_RE,
    PHONE_RE,
    WORKER_FIELDS,
    placement_record,
    worker_create,
    worker_leave,
    worker_prepare,
    worker_update,
)

__all__ = [
    "BANK_RE",
    "EVIDENCE_PURPOSE",
    "PHONE_RE",
    "WORKER_FIELDS",
    "activity_record",
    "arrears_closure_blockers",
    "case_lines_update",
    "case_report",
    "case_transition",
    "evidence_add",
    "payment_record",
    "placement_record",
    "worker_create",
    "worker_leave",
    "worker_prepare",
    "worker_update",
]
