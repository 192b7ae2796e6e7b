"""Background jobs: the monthly coordination meeting goes on the calendar by itself."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from relocation.meetings import services


@db_periodic_task(crontab(hour="1", minute="10"))
@lock_task("meetings-schedule-monthly")
def schedule_monthly_meetings() -> int:
    """Every day: make sure this month's and next month's meetings exist.
    Idempotent (one monthly meeting per month; a moved meeting stays moved),
    so a missed or repeated run does no harm."""
    return len(services.schedule_upcoming_monthly_meetings())
