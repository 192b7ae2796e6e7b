"""Pages of stability work. Views parse input, call selectors (scoped reads)
and services (writes with their rules), and redirect with a message.

The pages live in one module per area (handling, risks, incidents, opinions,
plans) and are all importable from here, so urls.py names them as
`views.<page>`."""

from __future__ import annotations

from relocation.stability.views.handling import (
    PAGE_SIZE,
)
from relocation.stability.views.incidents import (
    incident_action_add,
    incident_create,
    incident_detail,
    incident_edit,
    incident_evidence_add,
    incident_list,
    incident_move,
    report_rule_set,
)
from relocation.stability.views.opinions import (
    opinion_create,
    opinion_detail,
    opinion_edit,
    opinion_list,
    opinion_move,
    response_rule_set,
)
from relocation.stability.views.plans import (
    drill_add,
    plan_create,
    plan_detail,
    plan_list,
    plan_version_approve,
    plan_version_upload,
)
from relocation.stability.views.risks import (
    risk_create,
    risk_detail,
    risk_list,
)

__all__ = [
    "PAGE_SIZE",
    "drill_add",
    "incident_action_add",
    "incident_create",
    "incident_detail",
    "incident_edit",
    "incident_evidence_add",
    "incident_list",
    "incident_move",
    "opinion_create",
    "opinion_detail",
    "opinion_edit",
    "opinion_list",
    "opinion_move",
    "plan_create",
    "plan_detail",
    "plan_list",
    "plan_version_approve",
    "plan_version_upload",
    "report_rule_set",
    "response_rule_set",
    "risk_create",
    "risk_detail",
    "risk_list",
]
