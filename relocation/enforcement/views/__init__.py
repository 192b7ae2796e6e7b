"""Pages of joint enforcement. Thin: parse, call a service or selector, render.

The pages live in one module per area (handling, operations, inspections,
measures, overview) and are all importable from here, so urls.py names them
as `views.<page>`; the phone inspection form and its offline queue are in
`inspection_views`."""

from __future__ import annotations

from relocation.enforcement.views.handling import (
    MULTI_FIELDS,
    PAGE_SIZE,
)
from relocation.enforcement.views.inspections import (
    inspection_detail,
    inspection_list,
    measure_create,
    violation_create,
)
from relocation.enforcement.views.measures import (
    document_download,
    measure_approve,
    measure_detail,
    measure_lift,
    measure_list,
    measure_reject,
    measure_revoke,
)
from relocation.enforcement.views.operations import (
    operation_complete,
    operation_create,
    operation_detail,
    operation_list,
    queue,
)
from relocation.enforcement.views.overview import (
    configuration,
    enterprise_file,
    export_xlsx,
    file_index,
    statistics,
)

__all__ = [
    "MULTI_FIELDS",
    "PAGE_SIZE",
    "configuration",
    "document_download",
    "enterprise_file",
    "export_xlsx",
    "file_index",
    "inspection_detail",
    "inspection_list",
    "measure_approve",
    "measure_create",
    "measure_detail",
    "measure_lift",
    "measure_list",
    "measure_reject",
    "measure_revoke",
    "operation_complete",
    "operation_create",
    "operation_detail",
    "operation_list",
    "queue",
    "statistics",
    "violation_create",
]
