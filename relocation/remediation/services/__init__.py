"""Writes of the remediation app. Each service takes the actor, checks
permission and guards, locks or conditionally updates, writes, and records the
audit event (with the enterprise, so the enterprise timeline shows it) in the
same transaction.

The functions live in one module per area (actors, evidence, sites, targets,
land_use, results, liability, milestones) and are all importable from here:
`from relocation.remediation import services`."""

from __future__ import annotations

from relocation.remediation.services.evidence import (
    EVIDENCE_KINDS,
    OBLIGATION_FILE,
    STAGE_EVIDENCE,
)
from relocation.remediation.services.land_use import (
    site_change_land_use,
)
from relocation.remediation.services.liability import (
    ESCALATION_WORKDAYS,
    escalate_overdue,
    liability_determine,
    obligation_cancel,
    obligation_create,
    obligation_document_upload,
    obligation_escalate,
    obligation_fulfil,
    obligation_update,
    paid_total,
    payment_record,
)
from relocation.remediation.services.milestones import (
    milestone_progress,
    milestones_plan,
)
from relocation.remediation.services.results import (
    ImportOutcome,
    result_add,
    results_import,
)
from relocation.remediation.services.sites import (
    SITE_FIELDS,
    polluter_add,
    site_create,
    site_move,
    site_update,
)
from relocation.remediation.services.targets import (
    LOCKED_TARGET_STAGES,
    target_basis_set,
    target_set,
)

__all__ = [
    "ESCALATION_WORKDAYS",
    "EVIDENCE_KINDS",
    "ImportOutcome",
    "LOCKED_TARGET_STAGES",
    "OBLIGATION_FILE",
    "SITE_FIELDS",
    "STAGE_EVIDENCE",
    "escalate_overdue",
    "liability_determine",
    "milestone_progress",
    "milestones_plan",
    "obligation_cancel",
    "obligation_create",
    "obligation_document_upload",
    "obligation_escalate",
    "obligation_fulfil",
    "obligation_update",
    "paid_total",
    "payment_record",
    "polluter_add",
    "result_add",
    "results_import",
    "site_change_land_use",
    "site_create",
    "site_move",
    "site_update",
    "target_basis_set",
    "target_set",
]
