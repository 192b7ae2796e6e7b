"""Allowed status moves of the parks app's workflows."""

from __future__ import annotations

from relocation.parks.models import AllocationStatus, BuildStatus, GrantStatus, MilestoneStatus, ProcedureStatus

ALLOCATION = {
    AllocationStatus.PROPOSED: {AllocationStatus.CONFIRMED, AllocationStatus.REJECTED},
    AllocationStatus.CONFIRMED: set(),
    AllocationStatus.REJECTED: set(),
}

PROCEDURE = {
    ProcedureStatus.NOT_STARTED: {ProcedureStatus.IN_PROGRESS, ProcedureStatus.BLOCKED, ProcedureStatus.DONE},
    ProcedureStatus.IN_PROGRESS: {ProcedureStatus.BLOCKED, ProcedureStatus.DONE},
    ProcedureStatus.BLOCKED: {ProcedureStatus.IN_PROGRESS, ProcedureStatus.DONE},
    # Reopened when an acceptance turns out to be incomplete.
    ProcedureStatus.DONE: {ProcedureStatus.IN_PROGRESS},
}

GRANT = {
    GrantStatus.PENDING: {GrantStatus.APPROVED, GrantStatus.REJECTED},
    GrantStatus.APPROVED: {GrantStatus.PAID},
    GrantStatus.REJECTED: set(),
    GrantStatus.PAID: set(),
}

# Factories and treatment lines only move forward; a wrong "delivered" is
# corrected by HQ in the admin with the audit trail, not here.
BUILD = {
    BuildStatus.PLANNED: {BuildStatus.UNDER_CONSTRUCTION, BuildStatus.DELIVERED},
    BuildStatus.UNDER_CONSTRUCTION: {BuildStatus.DELIVERED},
    BuildStatus.DELIVERED: set(),
}

MILESTONE = {
    MilestoneStatus.NOT_STARTED: {MilestoneStatus.IN_PROGRESS, MilestoneStatus.DONE},
    MilestoneStatus.IN_PROGRESS: {MilestoneStatus.DONE},
    MilestoneStatus.DONE: set(),
}
