"""Background jobs: the monthly bulletin compiles itself on the month's first working day."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from relocation.reporting import services


@db_periodic_task(crontab(hour="0", minute="30"))
@lock_task("reporting-compile-bulletins")
def compile_monthly_bulletins() -> int:
    """Every morning: if today is the first working day of the month, compile
    last month's bulletin (idempotent: an existing bulletin is left alone)."""
    return len(services.compile_due_bulletins())
