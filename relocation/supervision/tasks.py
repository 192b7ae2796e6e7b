"""Background jobs (huey). Each periodic task calls a plain function that the
tests call directly; all of them are idempotent, so a restart or a second
worker running the same job sends nothing twice."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from relocation.organisation.models import Programme
from relocation.supervision import calendar_reminder, reports, reviews
from relocation.supervision.early_warnings import scan_tasks


@db_periodic_task(crontab(hour="8", minute="30"))
def daily_task_warnings() -> None:
    """Every morning: colour tasks, remind, issue notices, escalate."""
    scan_tasks()


@db_periodic_task(crontab(hour="9", minute="0"))
def daily_report_reminders() -> None:
    """Every morning: remind units of reports due soon; tell HQ which are missing."""
    reports.remind_reports()


@db_periodic_task(crontab(day="1", hour="7", minute="0"))
def monthly_review_checklist() -> None:
    """On the 1st: generate the month's supervision checklist of every open task."""
    month = timezone.localdate().replace(day=1)
    for programme in Programme.objects.filter(is_active=True):
        reviews.review_generate(actor=None, programme=programme, month=month)


@db_periodic_task(crontab(hour="8", minute="0"))
def daily_calendar_check() -> None:
    """From 1 November: remind HQ weekly while next year's holiday notice is missing."""
    calendar_reminder.remind_missing_calendar()
