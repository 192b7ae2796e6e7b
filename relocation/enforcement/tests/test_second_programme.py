"""Joint enforcement in the second programme, whose units carry other codes
than Zone B's (and where one unit holds several functions): the domains'
lead and co-units come from the functions when the programme is loaded, and
the inspections' follow-ups and the utility cuts reach those units."""

from __future__ import annotations

import json

import pytest

from relocation.conftest import make_user
from relocation.core.roles import Role
from relocation.enforcement import services
from relocation.enforcement.models import EnforcementDomain
from relocation.organisation.services import programme_load
from relocation.organisation.tests.second_programme import PROGRAMMES, enterprise_in, load_second_programme
from relocation.supervision.models import Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def jianghai():
    return load_second_programme()


def _domains(programme) -> dict[str, EnforcementDomain]:
    return {d.code: d for d in EnforcementDomain.objects.filter(programme=programme).select_related("lead_unit")}


def test_it_fills_the_domains_lead_units_from_the_functions_on_loading(jianghai):
    programme, _units = jianghai
    leads = {code: d.lead_unit.code for code, d in _domains(programme).items()}
    assert leads == {
        "ecology_environment": "sthj",
        "illegal_construction": "zhzf",
        "work_safety": "yjxf",
        "fire_safety": "yjxf",
        "lawful_business": "zhzf",
        "tax": "swfj",
        "labour": "rsfj",
        "toxic_chemicals": "gafj",
    }


def test_a_domains_co_units_never_repeat_its_lead(jianghai):
    # zhzf is the urban-management lead and also holds natural resources and
    # housing, the domain's co-functions: it leads, it is not its own co-unit.
    programme, _units = jianghai
    domain = _domains(programme)["illegal_construction"]
    assert list(domain.co_units.values_list("code", flat=True)) == []


def test_it_fills_co_units_held_by_other_units():
    config = json.loads((PROGRAMMES / "jianghai_lingang.json").read_text(encoding="utf-8"))
    config["units"].append(
        {"code": "gtj", "name": "江海市国土分局", "kind": "department", "functions": ["natural_resources"]}
    )
    for unit in config["units"]:
        if unit["code"] == "zhzf":
            unit["functions"].remove("natural_resources")
    programme = programme_load(actor=None, config=config)
    domain = _domains(programme)["illegal_construction"]
    assert domain.lead_unit.code == "zhzf"
    assert sorted(domain.co_units.values_list("code", flat=True)) == ["gtj"]


def test_reloading_the_programme_keeps_an_edited_lead(jianghai):
    programme, units = jianghai
    domain = _domains(programme)["work_safety"]
    domain.lead_unit = units["lgjd"]
    domain.save(update_fields=["lead_unit"])
    load_second_programme()
    assert _domains(programme)["work_safety"].lead_unit.code == "lgjd"
    assert _domains(programme)["fire_safety"].lead_unit.code == "yjxf"


@pytest.fixture
def team_and_violation(jianghai):
    programme, units = jianghai
    one = make_user("jh_inspector1", Role.INSPECTOR, units["sthj"])
    two = make_user("jh_inspector2", Role.INSPECTOR, units["sthj"])
    domain = _domains(programme)["ecology_environment"]
    team = services.team_create(actor=None, domain=domain, name="临港环境执法组", members=[one, two])
    enterprise = enterprise_in(programme, units["lgjd"], 1)
    inspection = services.inspection_record(
        actor=one,
        enterprise=enterprise,
        team=team,
        inspectors=[one, two],
        findings="废水直排",
        representative_name="陈经理",
        representative_signed=True,
    )
    violation = services.violation_record(
        actor=one, inspection=inspection, domain=domain, legal_basis=domain.legal_bases.first(), description="暗管"
    )
    return team, violation, one, two


def test_a_team_is_led_by_its_domains_lead_unit(team_and_violation):
    team, _violation, _one, _two = team_and_violation
    assert team.lead_unit.code == "sthj"


def test_a_rectification_orders_follow_up_goes_to_the_lead_unit(team_and_violation):
    _team, violation, one, _two = team_and_violation
    order = services.measure_issue(actor=one, violation=violation, kind="rectification", workdays=10, content="整改")
    task = Task.objects.get(dedupe_key=f"enforcement.follow_up:{order.pk}")
    assert task.lead_unit.code == "sthj"


def test_a_utility_cut_goes_to_the_water_and_power_supply_units(team_and_violation):
    _team, violation, one, two = team_and_violation
    cut = services.measure_issue(actor=one, violation=violation, kind="utility_cut", content="停止生产供水供电")
    services.measure_approve(actor=two, measure=cut)
    tasks = Task.objects.filter(dedupe_key__startswith=f"enforcement.utility_cut:{cut.pk}:")
    assert sorted(t.lead_unit.code for t in tasks) == ["jhgd", "jhsw"]


def test_the_configuration_page_lists_only_the_chosen_programmes_people(jianghai, client):
    """A city leader over several zones (no unit) works in the programme chosen
    in the header: the team picker offers that programme's people only, and the
    domains, ladder and rule shown are that programme's."""
    from relocation.organisation.selectors import CHOSEN_PROGRAMME_SESSION_KEY
    from relocation.organisation.tests.second_programme import load_programme_file

    programme, units = jianghai
    zone_b = load_programme_file("humen_zone_b")
    zone_b_units = {u.code: u for u in zone_b.units.all()}
    ours = make_user("jh_inspector", Role.INSPECTOR, units["sthj"])
    theirs = make_user("zb_inspector", Role.INSPECTOR, zone_b_units["eeb"])
    leader = make_user("city_leader", Role.GROUP_LEADER)
    client.force_login(leader)
    session = client.session
    session[CHOSEN_PROGRAMME_SESSION_KEY] = programme.pk
    session.save()

    response = client.get("/enforcement/configuration/")

    assert response.status_code == 200
    members = list(response.context["forms"]["team"].fields["members"].queryset)
    assert ours in members and theirs not in members
    assert {d.programme_id for d in response.context["domains"]} == {programme.pk}
    assert {s.programme_id for s in response.context["ladder"]} == {programme.pk}
    assert response.context["rule"].programme_id == programme.pk
