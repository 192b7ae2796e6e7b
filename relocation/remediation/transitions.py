"""Allowed moves of a site's stage and of an obligation's status."""

from __future__ import annotations

from relocation.remediation.models import ObligationStatus, Stage

STAGE = {
    Stage.PENDING: {Stage.INITIAL},
    # Stage 1 above screening values → stage 2; below → no remediation needed.
    Stage.INITIAL: {Stage.DETAILED, Stage.NOT_REQUIRED},
    Stage.DETAILED: {Stage.RISK, Stage.NOT_REQUIRED},
    Stage.RISK: {Stage.PLAN},
    Stage.PLAN: {Stage.REMEDIATION},
    Stage.REMEDIATION: {Stage.EFFECT},
    # An effect evaluation that fails sends the site back to remediation.
    Stage.EFFECT: {Stage.CLOSED, Stage.REMEDIATION},
    Stage.CLOSED: set(),
    Stage.NOT_REQUIRED: set(),
}

# Stages whose sites still need work (the overview counts them as open).
OPEN_STAGES = frozenset(s for s, targets in STAGE.items() if targets)

OBLIGATION = {
    ObligationStatus.OPEN: {ObligationStatus.FULFILLED, ObligationStatus.CANCELLED},
    ObligationStatus.FULFILLED: set(),
    ObligationStatus.CANCELLED: set(),
}
