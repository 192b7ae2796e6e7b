"""The task workflow: which status may follow which.

assigned → signed_for (the unit signs for it) → in_progress → reported_done
→ verified (by HQ). HQ may send a reported task back to in_progress, cancel an
open task, or reassign it (back to assigned, for the new unit to sign for).
"""

from __future__ import annotations

from relocation.supervision.models import TaskStatus

S = TaskStatus

TASK_TRANSITIONS: dict[str, frozenset[str]] = {
    S.ASSIGNED: frozenset({S.SIGNED_FOR, S.CANCELLED}),
    S.SIGNED_FOR: frozenset({S.IN_PROGRESS, S.REPORTED_DONE, S.CANCELLED}),
    S.IN_PROGRESS: frozenset({S.REPORTED_DONE, S.CANCELLED}),
    S.REPORTED_DONE: frozenset({S.VERIFIED, S.IN_PROGRESS, S.CANCELLED}),
    S.VERIFIED: frozenset(),
    S.CANCELLED: frozenset(),
}

# Reassignment puts the task back to "assigned" for the new unit.
REASSIGN_TRANSITIONS: dict[str, frozenset[str]] = {
    S.ASSIGNED: frozenset({S.ASSIGNED}),
    S.SIGNED_FOR: frozenset({S.ASSIGNED}),
    S.IN_PROGRESS: frozenset({S.ASSIGNED}),
}

OPEN_STATUSES = frozenset({S.ASSIGNED, S.SIGNED_FOR, S.IN_PROGRESS, S.REPORTED_DONE})

# A task that exists because of another app's object is done when that
# object's own workflow confirms the work (an enforcement order closed by the
# re-inspection that found it fixed): from any open status straight to verified.
SUBJECT_DONE_TRANSITIONS: dict[str, frozenset[str]] = {s: frozenset({S.VERIFIED}) for s in OPEN_STATUSES}
# Statuses in which the unit still owes work (a reported task waits on HQ, not on the unit).
UNIT_OWES = frozenset({S.ASSIGNED, S.SIGNED_FOR, S.IN_PROGRESS})
