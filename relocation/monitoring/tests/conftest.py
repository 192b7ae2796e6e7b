from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fresh_limits_cache():
    """The applicable-limits cache outlives a test's rolled-back database, and
    version 0 (no limit written since the migrations) recurs in every test: start each without it."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def standards(db):
    from relocation.monitoring import limits_data
    from relocation.monitoring.models import LimitRow, Standard

    limits_data.load(Standard, LimitRow)


@pytest.fixture
def point(enterprise, standards):
    from relocation.monitoring.models import MonitoringPoint, Standard

    return MonitoringPoint.objects.create(
        mn="010000A8900016F000169DC0",
        password="123456",
        enterprise=enterprise,
        name="总排放口",
        outlet_kind="final",
        standard=Standard.objects.get(code="GB 21900-2008"),
        table="2",
        discharge_mode="",
        expected_interval_minutes=60,
    )


@pytest.fixture
def workshop_point(enterprise, standards):
    from relocation.monitoring.models import MonitoringPoint, Standard

    return MonitoringPoint.objects.create(
        mn="WORKSHOP0001",
        password="654321",
        enterprise=enterprise,
        name="镀铬车间排放口",
        outlet_kind="workshop",
        standard=Standard.objects.get(code="GB 21900-2008"),
        table="2",
        discharge_mode="",
        expected_interval_minutes=60,
    )
