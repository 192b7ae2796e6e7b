"""Allowed status moves of the parks app's workflows."""

from __future__ import annotations

from relocation.parks.models import AllocationStatus, GrantStatus, ProcedureStatus

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
