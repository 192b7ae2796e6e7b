from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from relocation.conftest import make_user
from relocation.core.roles import Role


@pytest.fixture
def make_park(programme, units):
    from relocation.parks import services

    counter = {"n": 0}

    def factory(**overrides):
        counter["n"] += 1
        spec = {
            "code": f"park{counter['n']}",
            "name": f"测试园区{counter['n']}",
            "town_unit": units["machong"],
            "industries": ["electroplating", "dyeing"],
            "land_area_m2": Decimal("100000"),
            "latitude": 23.0,
            "longitude": 113.6,
            "factories": [
                {"code": "A", "area_m2": Decimal("5000"), "status": "delivered", "delivered_on": dt.date(2021, 9, 1)},
                {
                    "code": "B",
                    "area_m2": Decimal("5000"),
                    "status": "under_construction",
                    "expected_delivery_on": dt.date(2022, 9, 30),
                },
            ],
            "facilities": [
                {"name": "镍线", "stream": "nickel", "capacity_t_per_day": Decimal("100"), "status": "delivered"},
                {"name": "综合站", "stream": "general", "capacity_t_per_day": Decimal("200"), "status": "delivered"},
                {"name": "印染厂", "stream": "dyeing", "capacity_t_per_day": Decimal("300"), "status": "delivered"},
            ],
            "quotas": {"nickel": Decimal("500")},
            "milestones": [{"name": "启动", "planned_on": dt.date(2021, 7, 1), "status": "done"}],
        }
        spec.update(overrides)
        return services.park_create(actor=None, programme=programme, **spec)

    return factory


@pytest.fixture
def park(make_park):
    return make_park()


@pytest.fixture
def mover(make_enterprise):
    """An electroplating enterprise (nickel + zinc, 40 t/d, 1,200 m²) that wants a park."""
    return make_enterprise(
        name="东莞市入园测试电镀有限公司",
        processes=["nickel", "zinc"],
        wastewater_t_per_day=Decimal("40"),
        intention="move_to_park",
        status="commitment_signed",
    )


@pytest.fixture
def hq_commander2(units):
    return make_user("hq_commander2", Role.HQ_COMMANDER, units["hq"])


@pytest.fixture
def proposal_for(hq_staff, programme):
    from relocation.parks import services

    def run():
        return services.proposal_start(actor=hq_staff, programme=programme, time_limit=5, background=False)

    return run
