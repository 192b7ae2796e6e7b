"""Periodic job of the remediation app (huey); idempotent, callable directly."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from relocation.remediation import services


@db_periodic_task(crontab(minute="10", hour="7"))
@lock_task("remediation-escalate")
def escalate_overdue_obligations() -> int:
    """Every morning: overdue obligations become supervision tasks for the towns."""
    return services.escalate_overdue()
