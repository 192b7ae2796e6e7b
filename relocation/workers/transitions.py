"""Allowed status moves of workers and of wage-arrears / deposit cases."""

from __future__ import annotations

from relocation.workers.models import CaseStatus, WorkerStatus

C = CaseStatus
CASE: dict[str, set[str]] = {
    # A report that turns out to be a matter for the inspectorate at once goes straight there.
    C.REPORTED: {C.VERIFIED, C.ESCALATED},
    # An employer may pay right after verification, without mediation.
    C.VERIFIED: {C.MEDIATING, C.PAID, C.ESCALATED},
    C.MEDIATING: {C.PAID, C.ESCALATED},
    C.PAID: set(),
    C.ESCALATED: set(),
}
# Moves only the bureau (or HQ) makes: handing a case to another authority.
BUREAU_ONLY_TARGETS: frozenset[str] = frozenset({C.ESCALATED})

W = WorkerStatus
WORKER: dict[str, set[str]] = {
    W.EMPLOYED: {W.LEFT, W.PLACED},
    # Someone who left can still be helped into a job.
    W.LEFT: {W.EMPLOYED, W.PLACED},
    # A placement that fell through puts the worker back on the list.
    W.PLACED: {W.EMPLOYED, W.LEFT},
}
