"""Writes on parks, demand, allocation proposals and relocation procedures.

Pages, the API, the command line, the background job and the demo seeder all
go through these functions. Incentives live in incentives.py.

One module per area (parks with their factories, facilities and milestones;
demand; proposals and allocations; procedures), all importable from here:
`from relocation.parks import services`.
"""

from __future__ import annotations

from relocation.parks.services.demand import (
    DEMAND_FIELDS,
    demand_save,
)
from relocation.parks.services.parks import (
    FACILITY_FIELDS,
    FACTORY_FIELDS,
    PARK_FIELDS,
    can_update_park,
    facility_update,
    factory_update,
    history_record,
    milestone_update,
    park_create,
    park_update,
)
from relocation.parks.services.procedures import (
    DOCUMENT_PURPOSE,
    PROCEDURE_PLAN,
    can_work_on_item,
    procedure_document_add,
    procedure_item_move,
    procedures_create,
)
from relocation.parks.services.proposals import (
    allocation_confirm,
    allocation_reject,
    allocations_confirm_bulk,
    proposal_execute,
    proposal_start,
    transitions_check_move,
)

__all__ = [
    "DEMAND_FIELDS",
    "DOCUMENT_PURPOSE",
    "FACILITY_FIELDS",
    "FACTORY_FIELDS",
    "PARK_FIELDS",
    "PROCEDURE_PLAN",
    "allocation_confirm",
    "allocation_reject",
    "allocations_confirm_bulk",
    "can_update_park",
    "can_work_on_item",
    "demand_save",
    "facility_update",
    "factory_update",
    "history_record",
    "milestone_update",
    "park_create",
    "park_update",
    "procedure_document_add",
    "procedure_item_move",
    "procedures_create",
    "proposal_execute",
    "proposal_start",
    "transitions_check_move",
]
