"""Units carry functions; rules ask by function; a programme lacking a required function is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from relocation.core.errors import ServiceError
from relocation.organisation import functions
from relocation.organisation.functions import UnitFunction
from relocation.organisation.models import Programme, Unit
from relocation.organisation.selectors import unit_with_function, units_with_function
from relocation.organisation.services import programme_load

OTHER = Path(__file__).parent / "data" / "other_city.json"


def _config() -> dict:
    return json.loads(OTHER.read_text(encoding="utf-8"))


@pytest.mark.django_db
def test_it_finds_units_by_function_not_by_code():
    programme = programme_load(actor=None, config=_config())
    assert unit_with_function(programme, UnitFunction.WATER_SUPPLY).code == "shuiwu"
    assert unit_with_function(programme, UnitFunction.POWER_SUPPLY).code == "gongdian"
    assert list(units_with_function(programme, UnitFunction.TERRITORIAL_TOWN).values_list("code", flat=True)) == [
        "xiqiao"
    ]
    # One unit may carry several functions.
    assert unit_with_function(programme, UnitFunction.TAX).code == "zhifa"
    assert unit_with_function(programme, UnitFunction.FIRE).code == "zhifa"


@pytest.mark.django_db
def test_it_keeps_each_programme_to_itself():
    zone_b = programme_load(
        actor=None, config=json.loads((OTHER.parents[2] / "programmes" / "humen_zone_b.json").read_text())
    )
    other = programme_load(actor=None, config=_config())
    assert unit_with_function(zone_b, UnitFunction.WATER_SUPPLY).code == "water"
    assert unit_with_function(other, UnitFunction.WATER_SUPPLY).code == "shuiwu"
    assert unit_with_function(None, UnitFunction.WATER_SUPPLY) is None


@pytest.mark.django_db
def test_the_territorial_and_receiving_flags_follow_the_functions():
    programme = programme_load(actor=None, config=_config())
    assert Unit.objects.get(programme=programme, code="xiqiao").is_territorial
    assert Unit.objects.get(programme=programme, code="park").is_receiving
    assert not Unit.objects.get(programme=programme, code="env").is_territorial


@pytest.mark.django_db
def test_reloading_replaces_a_units_functions():
    config = _config()
    programme_load(actor=None, config=config)
    env = next(u for u in config["units"] if u["code"] == "env")
    env["functions"] = ["environment", "community"]
    programme = programme_load(actor=None, config=config)
    assert Unit.objects.get(programme=programme, code="env").functions == ["community", "environment"]


@pytest.mark.django_db
def test_it_names_a_missing_required_function_and_writes_nothing():
    assert any(r.function == UnitFunction.WATER_SUPPLY for r in functions.requirements())
    config = _config()
    config["units"] = [u for u in config["units"] if u["code"] != "shuiwu"]
    with pytest.raises(ServiceError) as excinfo:
        programme_load(actor=None, config=config)
    assert "供水单位" in excinfo.value.message and "water_supply" in excinfo.value.message
    assert not Programme.objects.exists()


@pytest.mark.django_db
def test_the_command_says_which_function_is_missing(tmp_path):
    config = _config()
    for unit in config["units"]:
        if unit["code"] == "rsj":
            unit["functions"] = []
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match="human_resources"):
        call_command("load_programme", str(bad))


@pytest.mark.django_db
def test_it_refuses_an_unknown_function():
    config = _config()
    config["units"][0]["functions"] = ["water"]
    with pytest.raises(ServiceError, match="water"):
        programme_load(actor=None, config=config)
    assert not Programme.objects.exists()
