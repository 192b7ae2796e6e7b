"""Park procedures in the second programme, whose units carry other codes
than Zone B's: after a confirmed allocation each procedure goes to the unit
with its function (utility connection to the power-supply unit, permits to
the combined enforcement bureau, …) or to the park's receiving town, and the
receiving town's own people report the park's progress."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from relocation.conftest import make_user
from relocation.core.errors import PermissionDeniedError
from relocation.core.roles import Role
from relocation.organisation.tests.second_programme import enterprise_in, load_second_programme
from relocation.parks import services
from relocation.parks.models import ProcedureItem
from relocation.supervision.models import Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirmed(jianghai_park):
    programme, units, park, hq = jianghai_park
    mover = enterprise_in(
        programme,
        units["lgjd"],
        1,
        processes=["nickel", "zinc"],
        wastewater_t_per_day=Decimal("40"),
        intention="move_to_park",
        status="commitment_signed",
    )
    proposal = services.proposal_start(actor=hq, programme=programme, time_limit=5, background=False)
    services.allocation_confirm(actor=hq, allocation=proposal.allocations.get())
    return programme, units, park, mover


@pytest.fixture
def jianghai_park():
    programme, units = load_second_programme()
    park = services.park_create(
        actor=None,
        programme=programme,
        code="xinhe",
        name="新河承接园区",
        town_unit=units["xhz"],
        industries=["electroplating"],
        land_area_m2=Decimal("50000"),
        latitude=programme.center_lat,
        longitude=programme.center_lon,
        factories=[
            {"code": "A", "area_m2": Decimal("5000"), "status": "delivered", "delivered_on": dt.date(2023, 1, 1)}
        ],
        facilities=[
            {"name": "镍线", "stream": "nickel", "capacity_t_per_day": Decimal("100"), "status": "delivered"},
            {"name": "综合站", "stream": "general", "capacity_t_per_day": Decimal("200"), "status": "delivered"},
        ],
        quotas={"nickel": Decimal("500")},
    )
    return programme, units, park, make_user("jh_commander", Role.HQ_COMMANDER, units["zb"])


def test_each_procedure_goes_to_the_unit_with_its_function_or_to_the_receiving_town(confirmed):
    _programme, _units, _park, mover = confirmed
    owners = {i.kind: i.responsible_unit.code for i in ProcedureItem.objects.filter(enterprise=mover)}
    assert owners == {
        "lease": "xhz",
        "construction_permit": "zhzf",
        "eia": "sthj",
        "discharge_permit_transfer": "sthj",
        "fire_acceptance": "yjxf",
        "utility_connection": "jhgd",
        "trial_production": "xhz",
        "acceptance": "sthj",
    }
    task = Task.objects.get(dedupe_key=f"procedure:{mover.pk}:utility_connection")
    assert task.lead_unit.code == "jhgd"


def test_the_power_supply_unit_works_the_utility_connection_and_no_one_else_does(confirmed):
    _programme, units, _park, mover = confirmed
    item = ProcedureItem.objects.get(enterprise=mover, kind="utility_connection")
    power = make_user("jh_power", Role.UNIT_LIAISON, units["jhgd"])
    water = make_user("jh_water", Role.UNIT_LIAISON, units["jhsw"])
    with pytest.raises(PermissionDeniedError):
        services.procedure_item_move(actor=water, item=item, target="in_progress")
    services.procedure_item_move(actor=power, item=item, target="in_progress")
    item.refresh_from_db()
    assert item.status == "in_progress"


def test_the_receiving_towns_people_report_the_parks_progress(jianghai_park):
    _programme, units, park, _hq = jianghai_park
    assert services.can_update_park(make_user("jh_xhz", Role.UNIT_LIAISON, units["xhz"]), park)
    assert not services.can_update_park(make_user("jh_lgjd", Role.UNIT_LIAISON, units["lgjd"]), park)


def test_the_park_form_offers_the_programmes_receiving_towns_first(jianghai_park, client):
    programme, units, _park, hq = jianghai_park
    client.force_login(hq)
    response = client.get("/parks/new/")
    assert response.status_code == 200
    towns = list(response.context["form"].fields["town_unit"].queryset)
    assert towns[0] == units["xhz"] and {u.programme_id for u in towns} == {programme.pk}
