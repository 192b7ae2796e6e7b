"""Background jobs of enforcement."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from relocation.enforcement import services

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*/15"))
@lock_task("enforcement-escalate-overdue")
def escalate_overdue_orders() -> int:
    """Every quarter hour: escalate rectification orders past their deadline.
    Idempotent (an escalated order is no longer in force), and locked so two
    consumers never run it at once."""
    moved = services.escalate_overdue()
    if moved:
        log.info("escalated %s overdue rectification orders", moved)
    return moved
