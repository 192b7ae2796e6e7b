"""Writes on stability work. Every function takes the actor, checks permission
(stability.permissions) and guards, writes inside one transaction together with
its audit event (linked to the enterprise, so the enterprise timeline shows it)
and leaves notifications to core.notifications, which sends after commit.

The functions live in one module per area (routing, status_moves, risks,
incidents, time_limits, plans, opinions) and are all importable from here:
`from relocation.stability import services`."""

from __future__ import annotations

from relocation.stability.services.incidents import (
    incident_action_add,
    incident_escalate,
    incident_evidence_add,
    incident_report,
    incident_resolve,
    incident_respond,
    incident_update,
    remind_overdue_incidents,
)
from relocation.stability.services.opinions import (
    default_owner,
    opinion_close,
    opinion_record,
    opinion_respond,
    opinion_update,
    opinion_verify,
    remind_overdue_opinions,
)
from relocation.stability.services.plans import (
    drill_record,
    plan_create,
    plan_update,
    plan_version_approve,
    plan_version_upload,
)
from relocation.stability.services.risks import (
    risk_assess,
    risk_update,
)
from relocation.stability.services.routing import (
    CLOCK_SKEW,
    CROSS_STRAIT_BACKGROUNDS,
    CROSS_STRAIT_FUNCTION,
    LABOUR_KINDS,
    PROPAGANDA_FUNCTION,
    is_cross_strait,
    routed_units,
)
from relocation.stability.services.time_limits import (
    DEFAULT_REPORT_HOURS,
    DEFAULT_RESPONSE_HOURS,
    report_hours,
    report_rule_set,
    report_rules,
    response_hours,
    response_rule_set,
    response_rules,
)

__all__ = [
    "CLOCK_SKEW",
    "CROSS_STRAIT_BACKGROUNDS",
    "CROSS_STRAIT_FUNCTION",
    "DEFAULT_REPORT_HOURS",
    "DEFAULT_RESPONSE_HOURS",
    "LABOUR_KINDS",
    "PROPAGANDA_FUNCTION",
    "default_owner",
    "drill_record",
    "incident_action_add",
    "incident_escalate",
    "incident_evidence_add",
    "incident_report",
    "incident_resolve",
    "incident_respond",
    "incident_update",
    "is_cross_strait",
    "opinion_close",
    "opinion_record",
    "opinion_respond",
    "opinion_update",
    "opinion_verify",
    "plan_create",
    "plan_update",
    "plan_version_approve",
    "plan_version_upload",
    "remind_overdue_incidents",
    "remind_overdue_opinions",
    "report_hours",
    "report_rule_set",
    "report_rules",
    "response_hours",
    "response_rule_set",
    "response_rules",
    "risk_assess",
    "risk_update",
    "routed_units",
]
