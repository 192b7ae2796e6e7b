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
    # Land handover (移交再开发): only an accepted site reaches it.
    Stage.CLOSED: {Stage.HANDED_OVER},
    Stage.HANDED_OVER: set(),
    Stage.NOT_REQUIRED: set(),
}

# Stages whose sites need no more work (the overview counts the others as open).
FINISHED_STAGES = frozenset({Stage.CLOSED, Stage.HANDED_OVER, Stage.NOT_REQUIRED})
OPEN_STAGES = frozenset(Stage.values) - FINISHED_STAGES

# Reopening when the land use becomes first class (services.site_change_land_use
# only; a person cannot choose these moves): an accepted or handed-over site
# whose effect evaluation exceeds the first-class targets goes back to risk
# assessment; a site found 无需修复 whose results exceed the first-class
# screening values goes back to detailed investigation.
REOPEN = {
    Stage.CLOSED: {Stage.RISK},
    Stage.HANDED_OVER: {Stage.RISK},
    Stage.NOT_REQUIRED: {Stage.DETAILED},
}

OBLIGATION = {
    ObligationStatus.OPEN: {ObligationStatus.FULFILLED, ObligationStatus.CANCELLED},
    ObligationStatus.FULFILLED: set(),
    ObligationStatus.CANCELLED: set(),
}
