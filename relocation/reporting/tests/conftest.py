from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone


@pytest.fixture
def make_task(programme, units):
    from relocation.supervision.models import Task

    def factory(unit="humen", *, deadline=dt.date(2022, 1, 20), status="assigned", completed=None, title="任务"):
        """`completed`: the day the unit reported it done and HQ verified it."""
        at = timezone.make_aware(dt.datetime.combine(completed, dt.time(10))) if completed else None
        extra = {"reported_done_at": at, "reported_on_time": None if at is None else completed <= deadline}
        return Task.objects.create(
            programme=programme,
            title=title,
            lead_unit=units[unit],
            deadline=deadline,
            status=status,
            completed_at=at,
            **extra,
        )

    return factory


@pytest.fixture
def bulletin(programme, hq_staff, make_enterprise, make_task):
    """January 2022's bulletin, compiled on the first working day of February."""
    import time_machine

    from relocation.reporting import services

    with time_machine.travel(dt.datetime(2022, 1, 5, 2, tzinfo=dt.UTC)):
        make_enterprise(status="relocated")
        make_enterprise(status="surveyed")
        make_task("humen", deadline=dt.date(2022, 1, 10), status="verified", completed=dt.date(2022, 1, 8))
        make_task("humen", deadline=dt.date(2022, 1, 12), status="in_progress", title="虎门镇逾期任务")
        make_task("eeb", deadline=dt.date(2022, 1, 25), status="verified", completed=dt.date(2022, 1, 27))
    with time_machine.travel(dt.datetime(2022, 2, 7, 2, tzinfo=dt.UTC)):
        return services.bulletin_compile(actor=hq_staff, programme=programme, year=2022, month=1)
