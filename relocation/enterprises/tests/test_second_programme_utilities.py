"""Utility cuts in the second programme, whose water and power units carry
other codes than Zone B's: forced closure (past the deadline, or on an
enforcement decision) tells the units with the water- and power-supply
functions, and those units confirm the water and power cuts of 两断三清."""

from __future__ import annotations

import datetime as dt

import pytest

from relocation.conftest import make_user
from relocation.core.errors import PermissionDeniedError, TransitionError
from relocation.core.roles import Role
from relocation.enterprises import batches, closure, lifecycle
from relocation.enterprises.models import ClosureCheck, LifecycleStatus
from relocation.enterprises.tests.lifecycle_fixtures import put_in
from relocation.enterprises.tests.uploads_fixtures import photo
from relocation.organisation.tests.second_programme import enterprise_in, load_second_programme
from relocation.supervision.models import Task

S = LifecycleStatus
pytestmark = pytest.mark.django_db


@pytest.fixture
def jianghai():
    programme, units = load_second_programme()
    hq = make_user("jh_hq", Role.HQ_STAFF, units["zb"])
    return programme, units, hq, enterprise_in(programme, units["lgjd"], 1)


def test_forced_closure_past_the_deadline_tells_the_supply_units(jianghai):
    programme, _units, hq, enterprise = jianghai
    late = batches.batch_create(actor=hq, programme=programme, name="第一批", deadline=dt.date(2020, 1, 1))
    batches.batch_assign(actor=hq, batch=late, enterprises=[enterprise])
    lifecycle.forced_closure_start(
        actor=hq, enterprise=enterprise, reason="逾期未关停", decision_ref="临港专班〔2023〕1号"
    )
    tasks = Task.objects.filter(enterprise_id=enterprise.pk).order_by("id")
    assert [t.lead_unit.code for t in tasks] == ["lgjd", "lgjd"]
    assert sorted(u.code for u in tasks[1].co_units.all()) == ["jhgd", "jhsw"]


def test_forced_closure_on_an_enforcement_decision_tells_the_supply_units(jianghai):
    _programme, units, _hq, enterprise = jianghai
    lifecycle.forced_closure_start(
        actor=None,
        enterprise=enterprise,
        reason="屡禁不止",
        decision_ref="江环罚〔2023〕2号",
        decision_object=units["sthj"],
    )
    enterprise.refresh_from_db()
    assert enterprise.status == S.FORCED_CLOSURE
    utilities = Task.objects.get(dedupe_key=f"forced-closure:{enterprise.pk}:utilities")
    assert sorted(u.code for u in utilities.co_units.all()) == ["jhgd", "jhsw"]


def test_forced_closure_within_the_deadline_and_without_a_decision_is_refused(jianghai):
    _programme, _units, hq, enterprise = jianghai
    with pytest.raises(TransitionError):
        lifecycle.forced_closure_start(actor=hq, enterprise=enterprise, reason="x", decision_ref="临港专班〔2023〕2号")
    assert not Task.objects.exists()


def test_the_supply_units_confirm_the_water_and_power_cuts(jianghai):
    _programme, units, _hq, enterprise = jianghai
    put_in(enterprise, S.PRODUCTION_STOPPED)
    water = make_user("jh_water", Role.UNIT_LIAISON, units["jhsw"])
    power = make_user("jh_power", Role.UNIT_LIAISON, units["jhgd"])
    town = make_user("jh_town", Role.UNIT_LIAISON, units["lgjd"])
    assert {k: (u.code if u else None) for k, u in closure.responsible_units(enterprise).items()} == {
        "water_cut": "jhsw",
        "power_cut": "jhgd",
        "materials_cleared": "lgjd",
        "equipment_cleared": "lgjd",
        "waste_cleared": "sthj",
    }
    for user in (power, town):
        with pytest.raises(PermissionDeniedError):
            closure.closure_item_confirm(actor=user, enterprise=enterprise, item="water_cut", photos=[photo()])
    closure.closure_item_confirm(actor=water, enterprise=enterprise, item="water_cut", photos=[photo()])
    closure.closure_item_confirm(actor=power, enterprise=enterprise, item="power_cut", photos=[photo()])
    assert set(ClosureCheck.objects.filter(enterprise=enterprise).values_list("item", flat=True)) == {
        "water_cut",
        "power_cut",
    }
