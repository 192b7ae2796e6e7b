"""A programme is data: loading another city's configuration needs no code change."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from relocation.conftest import make_user
from relocation.core.roles import Role
from relocation.organisation.models import Membership, Phase, Programme, Unit

OTHER = Path(__file__).parent / "data" / "other_city.json"
BUILTIN = Path(__file__).resolve().parents[1] / "programmes" / "humen_zone_b.json"


@pytest.mark.django_db
def test_it_loads_another_citys_programme_without_code_changes(client):
    call_command("load_programme", str(OTHER))
    programme = Programme.objects.get(code="nanhai-dyeing-park")
    assert programme.city == "佛山市" and programme.deadline == dt.date(2025, 12, 31)
    assert [p.name for p in programme.phases.all()] == ["宣传动员", "依法整治", "搬迁收尾"]
    assert {"hq", "xiqiao", "env", "park"} <= set(programme.units.values_list("code", flat=True))
    assert programme.units.get(code="xiqiao").is_territorial
    assert programme.units.get(code="park").is_receiving
    assert Membership.objects.filter(programme=programme).count() == 3
    # The pages show it as they show Zone B.
    user = make_user("nh_staff", Role.HQ_STAFF, programme.units.get(code="hq"))
    client.force_login(user)
    body = client.get(reverse("organisation:overview")).content.decode()
    assert "南海区某印染集聚区整治搬迁" in body and "2025-12-31" in body
    assert "西樵镇人民政府" in body and "周明" in body


@pytest.mark.django_db
def test_two_programmes_live_side_by_side():
    call_command("load_programme", "humen_zone_b")
    call_command("load_programme", str(OTHER))
    assert Programme.objects.count() == 2
    # Unit codes are unique per programme, not globally.
    assert Unit.objects.filter(code="hq").count() == 2


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    call_command("load_programme", "humen_zone_b")
    counts = (Programme.objects.count(), Unit.objects.count(), Phase.objects.count(), Membership.objects.count())
    call_command("load_programme", "humen_zone_b")
    assert counts == (
        Programme.objects.count(),
        Unit.objects.count(),
        Phase.objects.count(),
        Membership.objects.count(),
    )


@pytest.mark.django_db
def test_the_zone_b_programme_matches_the_plan():
    call_command("load_programme", "humen_zone_b")
    programme = Programme.objects.get(code="humen-zone-b")
    assert programme.deadline == dt.date(2022, 6, 30)
    phases = list(programme.phases.all())
    assert [p.kind for p in phases] == ["mobilisation", "enforcement", "relocation"]
    assert phases[-1].ends_on == dt.date(2022, 6, 30)
    codes = set(programme.units.values_list("code", flat=True))
    assert {"hq", "binhaiwan", "humen", "eeb", "police", "water", "power", "tgao"} <= codes
    assert all(u.duties for u in programme.units.all())


def test_the_builtin_configuration_documents_every_key_it_uses():
    """docs/guide explains the format; keep the two in step."""
    config = json.loads(BUILTIN.read_text(encoding="utf-8"))
    guide = (Path(__file__).resolve().parents[3] / "docs" / "guide" / "en" / "organisation.md").read_text()
    for key in config:
        assert f"`{key}`" in guide, key


@pytest.mark.django_db
def test_it_refuses_a_missing_or_broken_file(tmp_path):
    with pytest.raises(CommandError):
        call_command("load_programme", str(tmp_path / "none.json"))
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("load_programme", str(broken))


@pytest.mark.django_db
def test_it_names_a_missing_key(tmp_path):
    config = json.loads(OTHER.read_text(encoding="utf-8"))
    del config["deadline"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(CommandError, match="deadline"):
        call_command("load_programme", str(bad))
    assert not Programme.objects.exists()


@pytest.mark.django_db
def test_loading_twice_records_one_audit_event_and_an_edit_records_another(tmp_path):
    from relocation.core.models import AuditEvent

    call_command("load_programme", str(OTHER))
    call_command("load_programme", str(OTHER))
    assert AuditEvent.objects.filter(action="organisation.programme_loaded").count() == 1
    config = json.loads(OTHER.read_text(encoding="utf-8"))
    config["units"][1]["duties"] = "属地责任，牵头执法。"
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
    call_command("load_programme", str(edited))
    event = AuditEvent.objects.filter(action="organisation.programme_loaded").order_by("-seq").first()
    assert event.changes["sections_changed"] == ["units"]
    assert Unit.objects.get(code="xiqiao").duties == "属地责任，牵头执法。"


@pytest.mark.django_db
def test_seeding_the_demo_twice_records_the_programme_load_once():
    """`manage.py seed_demo` run a second time loads an unchanged programme:
    its audit trail gains no second `organisation.programme_loaded` event."""
    import io

    from relocation.core.models import AuditEvent
    from relocation.organisation import demo

    demo.seed(scale="demo", out=io.StringIO())
    events_after_first = AuditEvent.objects.count()
    demo.seed(scale="demo", out=io.StringIO())
    assert AuditEvent.objects.filter(action="organisation.programme_loaded").count() == 1
    assert AuditEvent.objects.count() == events_after_first
