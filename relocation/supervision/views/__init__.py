"""Pages of supervision: 我的任务 for a unit; the HQ overview with filters for HQ.

The pages live in one module per area (handling, tasks, reviews, reports,
configuration) and are all importable from here, so urls.py names them as
`views.<page>`."""

from __future__ import annotations

from relocation.supervision.views.configuration import (
    plan_seed,
    settings_edit,
    workday_calculator,
)
from relocation.supervision.views.handling import (
    DOCX,
    PAGE_SIZE,
)
from relocation.supervision.views.reports import (
    report_detail,
    report_list,
    report_open,
)
from relocation.supervision.views.reviews import (
    inspection_detail,
    inspection_list,
    inspection_report_download,
    review_detail,
    review_list,
    scorecard,
)
from relocation.supervision.views.tasks import (
    ACTION_MESSAGES,
    TASK_ACTIONS,
    deadline_preview,
    notice_download,
    task_create,
    task_detail,
    task_list,
)

__all__ = [
    "ACTION_MESSAGES",
    "DOCX",
    "PAGE_SIZE",
    "TASK_ACTIONS",
    "deadline_preview",
    "inspection_detail",
    "inspection_list",
    "inspection_report_download",
    "notice_download",
    "plan_seed",
    "report_detail",
    "report_list",
    "report_open",
    "review_detail",
    "review_list",
    "scorecard",
    "settings_edit",
    "task_create",
    "task_detail",
    "task_list",
    "workday_calculator",
]
