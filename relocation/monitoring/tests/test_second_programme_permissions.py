"""Monitoring's water and power rules in the second programme, whose supply
units carry other codes than Zone B's: its supply units (found by function)
may import readings, hear of a stopped enterprise still consuming, and the
police unit owns toxic-chemical discrepancies."""

from __future__ import annotations

import pytest

from relocation.conftest import make_user
from relocation.core.errors import PermissionDeniedError
from relocation.core.roles import Role
from relocation.monitoring import permissions, routing, services
from relocation.monitoring.models import AlertKind, UtilityReading
from relocation.organisation.tests.second_programme import enterprise_in, load_second_programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def jianghai():
    programme, units = load_second_programme()
    return programme, units, enterprise_in(programme, units["lgjd"], 1)


def test_its_water_and_power_units_may_import_readings_and_others_may_not(jianghai):
    _programme, units, enterprise = jianghai
    water = make_user("jh_water", Role.UNIT_LIAISON, units["jhsw"])
    power = make_user("jh_power", Role.UNIT_LIAISON, units["jhgd"])
    town = make_user("jh_town", Role.UNIT_LIAISON, units["lgjd"])
    assert permissions.can_import_utility(water) and permissions.can_import_utility(power)
    assert not permissions.can_import_utility(town)
    data = f"统一社会信用代码,日期,用量,时段\n{enterprise.credit_code},2023-03-01,12.5,\n".encode()
    result = services.utility_import(actor=water, kind="water", file_name="w.csv", data=data, commit=True)
    assert result["created"] == 1 and UtilityReading.objects.get().enterprise == enterprise
    with pytest.raises(PermissionDeniedError):
        services.utility_import(actor=town, kind="water", file_name="w.csv", data=data, commit=True)


def test_a_still_consuming_alert_informs_the_units_supplying_that_utility(jianghai):
    _programme, _units, enterprise = jianghai
    for utility, supplier in (("water", "jhsw"), ("power", "jhgd")):
        responsible, informed = routing.units_for(enterprise, AlertKind.STOPPED_CONSUMING, utility)
        assert responsible.code == "lgjd" and [u.code for u in informed] == [supplier]


def test_the_police_unit_owns_toxic_discrepancies(jianghai):
    _programme, units, enterprise = jianghai
    responsible, informed = routing.units_for(enterprise, AlertKind.TOXIC_DISCREPANCY)
    assert responsible.code == "gafj" and [u.code for u in informed] == ["lgjd"]
    police = make_user("jh_police", Role.UNIT_LIAISON, responsible)
    emergency = make_user("jh_emergency", Role.UNIT_LIAISON, units["yjxf"])
    tax = make_user("jh_tax", Role.UNIT_LIAISON, units["swfj"])
    assert permissions.can_record_toxic(police, enterprise) and permissions.can_record_toxic(emergency, enterprise)
    assert not permissions.can_record_toxic(tax, enterprise)
