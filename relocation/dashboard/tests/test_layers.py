"""The battle map's layers of the plan's other work (core.map_layers): each
app's layer reads through its own scoped selectors, for the user's programme
only, in a number of queries that does not grow with the items."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from relocation.conftest import make_unit
from relocation.core import map_layers
from relocation.dashboard.tests.scene_work import add_work

pytestmark = pytest.mark.django_db

APPS = {"workers", "public", "sites", "stability", "detectors", "toxic"}


def _layers(client) -> dict[str, dict]:
    response = client.get(reverse("dashboard:layers"))
    assert response.status_code == 200
    return {layer["key"]: layer for layer in response.json()["layers"]}


def _figure(layer: dict, label: str):
    return next(f["value"] for f in layer["figures"] if f["label"] == label)


def test_every_app_of_the_plan_contributes_a_layer_with_its_figures(
    client, programme, units, hq_staff, make_enterprise
):
    enterprise = make_enterprise(latitude=22.815, longitude=113.68)
    add_work(programme, units, enterprise)
    client.force_login(hq_staff)
    layers = _layers(client)
    assert set(layers) >= APPS
    for key in APPS:
        item = layers[key]["items"][0]
        assert (item["lat"], item["lon"]) == (22.815, 113.68), key
        assert item["url"].startswith("/"), key
    assert _figure(layers["workers"], "未解决劳动纠纷（件）") == 1
    assert _figure(layers["workers"], "尚欠金额（元）") == "2000.00"
    assert _figure(layers["public"], "超过办理时限") == 1
    assert "逾期2天" in layers["public"]["items"][0]["text"]
    assert _figure(layers["sites"], "详细调查") == 1
    assert _figure(layers["stability"], "高风险企业") == 1
    assert _figure(layers["stability"], "未办结事件") == 1
    assert _figure(layers["stability"], "舆情逾期未回应") == 1
    assert _figure(layers["detectors"], "停产仍用水用电") == 1
    assert _figure(layers["toxic"], "剧毒化学品账实不符") == 1
    assert layers["detectors"]["items"][0]["level"] == "high"


def test_another_programmes_work_stays_off_the_map(client, programme, units, hq_staff, make_enterprise):
    from relocation.organisation.models import Programme

    other = Programme.objects.create(
        code="other", name="另一项目", zone_name="另一区", city="江海市", deadline=programme.deadline
    )
    other_units = {"humen": make_unit(other, "lg", "临港街道", "town", ("territorial_town",))}
    stranger = make_enterprise(programme=other, territorial_unit=other_units["humen"], credit_code="91441900MA5XXXXX1Y")
    add_work(other, other_units, stranger)
    client.force_login(hq_staff)
    layers = _layers(client)
    for key in APPS:
        assert layers[key]["items"] == [], key


def test_a_layer_an_app_registers_shows_and_one_that_declines_is_left_out(client, hq_staff, monkeypatch):
    registry = dict(map_layers._registry)
    monkeypatch.setattr(map_layers, "_registry", registry)
    map_layers.register(
        map_layers.MapLayer(
            key="leases",
            label="社区租约",
            items=lambda user, programme: {"items": [], "figures": [{"label": "到期未清退", "value": 3}]},
        )
    )
    map_layers.register(map_layers.MapLayer(key="hidden", label="无权查看", items=lambda user, programme: None))
    client.force_login(hq_staff)
    layers = _layers(client)
    assert _figure(layers["leases"], "到期未清退") == 3
    assert "hidden" not in layers


def test_a_unit_member_sees_only_what_their_unit_may(client, programme, units, liaison, make_enterprise):
    # The liaison is in 虎门镇; the work belongs to 滨海湾新区's enterprise and units.
    enterprise = make_enterprise(territorial_unit=units["binhaiwan"])
    other = {**units, "humen": units["binhaiwan"]}
    add_work(programme, other, enterprise)
    own = make_enterprise(latitude=22.83)
    add_work(programme, units, own, n=2)
    client.force_login(liaison)
    layers = _layers(client)
    for key in ("workers", "public", "sites", "stability"):
        assert {i["lat"] for i in layers[key]["items"]} == {22.83}, key


def test_layer_queries_do_not_grow_with_the_work(client, programme, units, hq_staff, make_enterprise):
    add_work(programme, units, make_enterprise())
    client.force_login(hq_staff)
    client.get(reverse("dashboard:layers"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("dashboard:layers"))
    for n in range(6):
        add_work(programme, units, make_enterprise(), n=n)
    with CaptureQueriesContext(connection) as large:
        layers = _layers(client)
    assert len(layers["workers"]["items"]) == 7
    assert len(large) == len(small)
