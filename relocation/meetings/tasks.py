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


@db_periodic_task(crontab(minute="*/30"))
@lock_task("meetings-urgent-problems")
def raise_requests_for_urgent_problems() -> int:
    """Every half hour: urgent problems in units' reports become extra-meeting
    requests for HQ (once per problem)."""
    from relocation.organisation.models import Programme

    return sum(
        len(services.requests_from_urgent_problems(programme=p)) for p in Programme.objects.filter(is_active=True)
    )
