"""Periodic jobs of production supervision (huey). Each is idempotent and
can be called directly (tests, the demo, an operator's shell)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from relocation.monitoring import aggregates, evaluation, partitions, services
from relocation.monitoring.models import ToxicMovement


@db_periodic_task(crontab(minute="*/5"))
@lock_task("monitoring-evaluate")
def evaluate_monitoring() -> dict[str, int]:
    """Exceedances of hourly and daily averages, and data gaps, every five minutes."""
    return evaluation.evaluate_all()


@db_periodic_task(crontab(minute="20", hour="*/6"))
@lock_task("monitoring-stopped-consuming")
def detect_stopped_consuming() -> int:
    return evaluation.check_stopped_consuming()


@db_periodic_task(crontab(minute="40", hour="6"))
@lock_task("monitoring-toxic")
def check_toxic_balances() -> int:
    from relocation.enterprises.models import Enterprise

    ids = ToxicMovement.objects.values_list("enterprise_id", flat=True).distinct()
    enterprises = Enterprise.objects.filter(pk__in=list(ids))
    for enterprise in enterprises:
        services.toxic_check(actor=None, enterprise=enterprise)
    return len(enterprises)


@db_periodic_task(crontab(minute="*/5"))
@lock_task("monitoring-aggregates")
def refresh_aggregates() -> dict[str, int]:
    """Hourly and daily aggregates of what arrived since the last run, and of late values."""
    return aggregates.refresh()


@db_periodic_task(crontab(minute="10", hour="3"))
@lock_task("monitoring-partitions")
def maintain_partitions() -> dict[str, list[str]]:
    """Daily: the next months' partitions ahead, then retention of old ones."""
    return {"created": partitions.ensure_partitions(), "removed": partitions.apply_retention()}
