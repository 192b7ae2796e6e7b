"""Writes on tasks, supervision and unit reports. Other apps create tasks
through `task_create` only.

The functions live in one module per area (tasks, subjects, configuration)
and are all importable from here: `from relocation.supervision import services`."""

from __future__ import annotations

from relocation.supervision.services.configuration import (
    SETTINGS_FIELDS,
    settings_for,
    settings_update,
    workday_override_delete,
    workday_override_save,
)
from relocation.supervision.services.subjects import (
    task_cancel_for_subject,
    task_complete_for_subject,
)
from relocation.supervision.services.tasks import (
    ATTACHMENT_PURPOSE,
    task_attach,
    task_cancel,
    task_create,
    task_extend,
    task_reassign,
    task_remind,
    task_report_done,
    task_return,
    task_sign_for,
    task_start,
    task_update_add,
    task_url,
    task_verify,
    unit_people,
)

__all__ = [
    "ATTACHMENT_PURPOSE",
    "SETTINGS_FIELDS",
    "settings_for",
    "settings_update",
    "task_attach",
    "task_cancel",
    "task_cancel_for_subject",
    "task_complete_for_subject",
    "task_create",
    "task_extend",
    "task_reassign",
    "task_remind",
    "task_report_done",
    "task_return",
    "task_sign_for",
    "task_start",
    "task_update_add",
    "task_url",
    "task_verify",
    "unit_people",
    "workday_override_delete",
    "workday_override_save",
]
