from __future__ import annotations

import datetime as dt

import pytest

from relocation.supervision import services


@pytest.fixture
def make_task(hq_staff, units):
    def factory(**overrides):
        values = {
            "actor": hq_staff,
            "title": "核查虎门片区企业用水用电台账",
            "lead_unit": units["humen"],
            "deadline": dt.date(2022, 2, 16),
        }
        values.update(overrides)
        return services.task_create(**values)

    return factory
