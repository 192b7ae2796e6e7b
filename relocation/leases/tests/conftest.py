"""Fixtures of the leases tests: the programme's community unit and its
liaison (the clearance checker), and a lease of the Humen enterprise at each
point of its life."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from relocation.conftest import make_unit, make_user
from relocation.core.roles import Role

TODAY = dt.date(2022, 5, 16)


@pytest.fixture
def community_unit(programme, units):
    return make_unit(programme, "community", "基地所在社区", "community", ("community",), order=20)


@pytest.fixture
def community(community_unit):
    """The community's liaison: registers, notifies, refunds, and alone checks the clearance."""
    return make_user("community_liaison", Role.UNIT_LIAISON, community_unit)


def register(actor: Any, enterprise: Any, community_unit: Any, **overrides: Any):
    from relocation.leases import services

    values: dict[str, Any] = {
        "number": "ZY-2019-001",
        "landlord_kind": "village_group",
        "landlord_name": "某社区第三村民小组",
        "address": "基地B区工业路8号厂房",
        "area_m2": Decimal("1800"),
        "starts_on": dt.date(2019, 1, 1),
        "ends_on": dt.date(2022, 6, 30),
        "monthly_rent": Decimal("36000"),
        "deposit": Decimal("72000"),
    }
    values.update(overrides)
    return services.lease_register(actor=actor, enterprise=enterprise, community_unit=community_unit, **values)


@pytest.fixture
def lease(hq_staff, enterprise, community_unit):
    return register(hq_staff, enterprise, community_unit)


def issue(actor: Any, lease: Any, *, issued_on: dt.date = dt.date(2022, 3, 1), refund_days: int = 30):
    from relocation.leases import services

    return services.notice_issue(
        actor=actor,
        lease=lease,
        issued_on=issued_on,
        vacate_by=issued_on + dt.timedelta(days=20),
        refund_due_on=issued_on + dt.timedelta(days=refund_days),
        reason="因基地关停搬迁，租期届满后不再续租。",
    )


def refund(actor: Any, lease: Any, amount: str | None = None, reason: str = ""):
    from relocation.leases import services

    return services.deposit_refund_record(
        actor=actor,
        lease=lease,
        amount=Decimal(amount) if amount is not None else lease.deposit,
        refunded_on=dt.date(2022, 3, 25),
        withheld_reason=reason,
    )


def check(actor: Any, lease: Any, *, passed: bool = True, note: str = ""):
    from relocation.leases import services

    return services.clearance_check_record(
        actor=actor,
        lease=lease,
        checked_on=dt.date(2022, 3, 28),
        premises_vacated=True,
        equipment_removed=passed,
        keys_returned=True,
        note=note,
    )


@pytest.fixture
def noticed(lease, hq_staff):
    issue(hq_staff, lease)
    return lease


@pytest.fixture
def refunded(noticed, hq_staff):
    refund(hq_staff, noticed)
    return noticed


@pytest.fixture
def cleared(refunded, community):
    check(community, refunded)
    return refunded
