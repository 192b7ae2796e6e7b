"""Allowed status moves of incidents, opinion events and plan versions."""

from relocation.stability.models import IncidentStatus, OpinionStatus, PlanVersionStatus

INCIDENT = {
    IncidentStatus.REPORTED: {IncidentStatus.RESPONDING, IncidentStatus.ESCALATED},
    IncidentStatus.RESPONDING: {IncidentStatus.RESOLVED, IncidentStatus.ESCALATED},
    IncidentStatus.RESOLVED: set(),
    IncidentStatus.ESCALATED: set(),
}

OPINION = {
    OpinionStatus.DETECTED: {OpinionStatus.VERIFYING},
    OpinionStatus.VERIFYING: {OpinionStatus.RESPONDING, OpinionStatus.CLOSED},
    OpinionStatus.RESPONDING: {OpinionStatus.CLOSED},
    OpinionStatus.CLOSED: set(),
}

PLAN_VERSION = {
    PlanVersionStatus.DRAFT: {PlanVersionStatus.APPROVED},
    PlanVersionStatus.APPROVED: set(),
}
