from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from relocation.conftest import make_user
from relocation.core import id_number
from relocation.core.roles import Role


def valid_id(n: int) -> str:
    body = f"44190019{80 + n % 20:02d}0101{n % 1000:03d}"
    return body + id_number.check_character(body)


@pytest.fixture
def hrss_unit(units, programme):
    from relocation.conftest import make_unit

    return make_unit(programme, "hrss", "人力资源和社会保障部门", "department", ("human_resources",))


@pytest.fixture
def bureau(hrss_unit):
    """A liaison of the human-resources bureau: every enterprise, for this app."""
    return make_user("hrss_liaison", Role.UNIT_LIAISON, hrss_unit)


@pytest.fixture
def other_town(units):
    """A liaison of Binhaiwan, which is not the test enterprise's territorial unit."""
    return make_user("binhaiwan_liaison", Role.UNIT_LIAISON, units["binhaiwan"])


@pytest.fixture
def make_worker(hq_staff):
    from relocation.workers import services

    counter = {"n": 0}

    def factory(enterprise: Any, **overrides: Any):
        counter["n"] += 1
        n = counter["n"]
        data = {
            "name": f"工人{n}",
            "id_number": valid_id(n),
            "phone": "13812345678",
            "bank_account": "6222020200112233445",
            "job": "电镀工",
            "hired_on": dt.date(2018, 3, 1),
            "monthly_wage": Decimal("5000"),
        }
        data.update(overrides)
        return services.worker_create(actor=hq_staff, enterprise=enterprise, data=data)

    return factory


@pytest.fixture
def worker(enterprise, make_worker):
    return make_worker(enterprise)


@pytest.fixture
def make_case(hq_staff, make_worker):
    from relocation.workers import services

    def factory(enterprise: Any, *, amounts=(Decimal("3000"),), kind: str = "wage_arrears"):
        lines = [{"worker": make_worker(enterprise), "months": 1, "amount": a} for a in amounts]
        return services.case_report(
            actor=hq_staff, enterprise=enterprise, kind=kind, summary="停产后工资未发", lines=lines
        )

    return factory
