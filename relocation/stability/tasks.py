"""Background jobs: opinion events past their response deadline and incidents
past their first-report limit are chased."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from relocation.stability import services


@db_periodic_task(crontab(minute="*/15"))
@lock_task("stability-overdue-opinions")
def remind_overdue_opinions() -> int:
    """Every quarter hour (deadlines are in hours: 重大 舆情 must be answered in
    2): the owner unit and HQ hear of each overdue event, once per event."""
    return services.remind_overdue_opinions()


@db_periodic_task(crontab(minute="*/15"))
@lock_task("stability-overdue-incident-reports")
def remind_overdue_incident_reports() -> int:
    """Every quarter hour (重大 incidents have one hour for their first
    report): the lead unit and HQ hear of each overdue one, once per incident."""
    return services.remind_overdue_incidents()
