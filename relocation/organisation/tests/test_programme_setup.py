"""Setting up a programme: the file is checked as a whole before anything is
written (every problem named), only the system admin loads one from a session,
and the checklist names exactly what a freshly loaded programme still lacks."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from relocation.conftest import make_user
from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.models import AuditEvent
from relocation.core.roles import Role
from relocation.core.tests.personas import make_security_admin
from relocation.organisation import approvals, programme_check, services, setup_checklist
from relocation.organisation.functions import UnitFunction
from relocation.organisation.models import AccountApproval, Person, Programme, Unit

DATA = Path(__file__).parent / "data"
MINIMAL = DATA / "minimal_programme.json"
PASSWORD = "Str0ng-pass-2022"


def _minimal() -> dict:
    return json.loads(MINIMAL.read_text(encoding="utf-8"))


def _messages(config) -> list[str]:
    return [str(p) for p in programme_check.problems(config)]


@pytest.mark.django_db
def test_the_check_names_every_problem_of_a_file_at_once_and_writes_nothing():
    config = _minimal()
    config["colour"] = "blue"  # unknown top-level key
    config["units"][1]["code"] = "m-hq"  # duplicate unit code
    config["units"][2]["boss"] = "x"  # unknown unit key
    config["units"][7]["functions"] = ["power_supply"]  # no unit supplies water any more
    config["people"] = [{"key": "p", "unit": "nowhere", "name": "某人"}]
    config["memberships"] = [{"body": "headquarters", "position": "commander", "person": "q"}]
    config["phases"] = [{"kind": "relocation", "name": "搬迁", "starts_on": "2027-05-01", "ends_on": "2027-01-01"}]
    found = _messages(config)
    assert any("colour" in m for m in found)
    assert any("单位代码重复：m-hq" in m for m in found)
    assert any("units[2]" in m and "boss" in m for m in found)
    assert any("供水单位" in m and "water_supply" in m and "断水确认" in m for m in found)
    assert any("people[0]" in m and "nowhere" in m for m in found)
    assert any("memberships[0]" in m and "q" in m for m in found)
    assert any("phases[0]" in m and "结束日期早于开始日期" in m for m in found)
    with pytest.raises(ServiceError) as excinfo:
        services.programme_load(actor=None, config=config)
    assert "colour" in excinfo.value.message and "m-hq" in excinfo.value.message
    assert not Programme.objects.exists() and not Unit.objects.exists()


@pytest.mark.django_db
def test_the_check_speaks_the_users_language():
    from django.utils import translation

    config = _minimal()
    config["units"][0]["code"] = "m-jd"
    with translation.override("en"):
        found = _messages(config)
    assert any("Duplicate unit code: m-jd" in m for m in found), found


@pytest.mark.django_db
def test_the_command_checks_without_writing_and_lists_every_problem(tmp_path):
    out = io.StringIO()
    call_command("load_programme", str(MINIMAL), "--check", stdout=out)
    assert "检查通过" in out.getvalue()
    assert not Programme.objects.exists()
    config = _minimal()
    config["units"].append(dict(config["units"][0]))
    config["tracking_prefix"] = "mini"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError) as excinfo:
        call_command("load_programme", str(bad), "--check")
    assert "2 处问题" in str(excinfo.value)
    assert "单位代码重复：m-hq" in str(excinfo.value) and "tracking_prefix" in str(excinfo.value)
    with pytest.raises(CommandError):
        call_command("load_programme", str(bad))
    assert not Programme.objects.exists()


@pytest.mark.django_db
def test_the_command_loads_and_updates(tmp_path):
    call_command("load_programme", str(MINIMAL), stdout=io.StringIO())
    programme = Programme.objects.get(code="minimal-test-zone")
    assert programme.tracking_prefix == "MINI" and programme.units.count() == 8
    config = _minimal()
    config["name"] = "某工业片区整治搬迁（更名）"
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
    call_command("load_programme", str(edited), stdout=io.StringIO())
    assert Programme.objects.get(pk=programme.pk).name == "某工业片区整治搬迁（更名）"
    assert Programme.objects.count() == 1


@pytest.mark.django_db
def test_only_the_system_admin_loads_a_programme_and_the_load_is_audited(system_admin):
    hq = make_user("other_hq", Role.HQ_STAFF)
    security_admin = make_security_admin()
    for actor in (hq, security_admin):
        with pytest.raises(PermissionDeniedError):
            services.programme_load(actor=actor, config=_minimal())
    assert not Programme.objects.exists()
    programme = services.programme_load(actor=system_admin, config=_minimal())
    event = AuditEvent.objects.get(action="organisation.programme_loaded")
    assert event.actor_id == system_admin.pk and event.object_id == str(programme.pk)


def _gap_keys(programme) -> list[str]:
    return [g.key for g in setup_checklist.checklist(programme)]


@pytest.mark.django_db
def test_the_checklist_of_a_freshly_loaded_minimal_programme_lists_exactly_what_is_missing():
    programme = services.programme_load(actor=None, config=_minimal())
    gaps = {g.key: g for g in setup_checklist.checklist(programme)}
    assert list(gaps) == ["liaisons", "functions", "phases", "hq_account", "receiving_park"]
    # Every unit lacks a liaison, named with its code.
    assert gaps["liaisons"].items == [f"{u.name}（{u.code}）" for u in programme.units.order_by("order")]
    # Exactly the plan's functions that no unit of the file carries.
    declared = {f for u in _minimal()["units"] for f in u.get("functions", [])}
    expected = [f for f in UnitFunction if f.value not in declared]
    assert {f.value for f in expected} == {"natural_resources", "justice", "receiving_town"}
    assert gaps["functions"].items == [f"{f.label}（{f.value}）" for f in expected]
    assert gaps["hq_account"].items == []
    # Each gap links to where it is fixed.
    assert gaps["liaisons"].url == f"/organisation/units/{programme.units.order_by('order').first().pk}/"
    assert gaps["functions"].url.endswith(f"/organisation/setup/{programme.pk}/#file")
    assert gaps["receiving_park"].url == "/parks/new/"


@pytest.mark.django_db
def test_the_checklist_shrinks_as_each_gap_is_closed(system_admin):
    from relocation.parks.models import Park

    security_admin = make_security_admin()
    config = _minimal()
    for unit in config["units"]:
        unit["functions"] = [*unit.get("functions", [])]
    config["units"][1]["functions"] += ["justice", "natural_resources", "receiving_town"]
    config["phases"] = [
        {"kind": "mobilisation", "name": "动员", "starts_on": "2027-01-01", "ends_on": "2027-03-31"},
    ]
    programme = services.programme_load(actor=None, config=config)
    assert _gap_keys(programme) == ["liaisons", "hq_account", "receiving_park"]

    hq_unit = programme.units.get(code="m-hq")
    account = services.user_create(
        actor=system_admin, username="m_staff", password=PASSWORD, role=Role.HQ_STAFF, unit=hq_unit
    )
    waiting = {g.key: g for g in setup_checklist.checklist(programme)}["hq_account"]
    assert waiting.items == ["m_staff 待安全管理员审批"]  # created, not yet usable
    approvals.approval_decide(
        actor=security_admin, approval=AccountApproval.objects.get(user=account), approve=True, reason="同意"
    )
    assert "hq_account" not in _gap_keys(programme)

    hq = make_user("m_commander", Role.HQ_COMMANDER, hq_unit)
    for unit in programme.units.all():
        person = Person.objects.create(unit=unit, name=f"{unit.code}联络员")
        services.liaison_assign(actor=hq, unit=unit, person=person, starts_on=dt.date(2027, 1, 1))
    assert _gap_keys(programme) == ["receiving_park"]
    Park.objects.create(programme=programme, code="p1", name="某承接园", town_unit=programme.units.get(code="m-jd"))
    assert _gap_keys(programme) == []


@pytest.mark.django_db
def test_the_checklist_of_one_programme_ignores_the_other(system_admin):
    first = services.programme_load(actor=None, config=_minimal())
    other = json.loads((DATA / "other_city.json").read_text(encoding="utf-8"))
    second = services.programme_load(actor=None, config=other)
    make_user("nh_staff", Role.HQ_STAFF, second.units.get(code="hq"))
    # The other programme's HQ account does not count for this one.
    assert "hq_account" in _gap_keys(first)
    assert "hq_account" not in _gap_keys(second)
