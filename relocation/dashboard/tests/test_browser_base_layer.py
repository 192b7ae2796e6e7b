"""In a real Chromium: the battle map draws its own base layer (city, towns,
zone) and the plan's layers, and no request leaves the app's origin."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache

from relocation.conftest import browser_login
from relocation.dashboard.tests.scene_work import add_work

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ZONE = {
    "type": "Polygon",
    "coordinates": [[[113.67, 22.812], [113.71, 22.812], [113.71, 22.83], [113.67, 22.83], [113.67, 22.812]]],
}
HUMEN = {
    "type": "Polygon",
    "coordinates": [[[113.6, 22.75], [113.72, 22.75], [113.72, 22.86], [113.6, 22.86], [113.6, 22.75]]],
}


def test_it_draws_the_base_layer_and_asks_nothing_of_other_hosts(
    page, programme, units, hq_staff, make_enterprise, settings, tmp_path
):
    towns = tmp_path / "towns.geojson"
    towns.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [{"type": "Feature", "properties": {"name": "虎门镇"}, "geometry": HUMEN}],
            }
        ),
        encoding="utf-8",
    )
    settings.MAP_TOWNS_GEOJSON = str(towns)
    cache.clear()
    programme.zone_geojson = ZONE
    programme.save()
    enterprise = make_enterprise(name="东莞市威远五金电镀有限公司", latitude=22.815, longitude=113.68)
    add_work(programme, units, enterprise)

    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    browser_login(page, "hq_staff")
    page.goto(page.base_url + "/dashboard/")
    page.wait_for_function("() => window.dashboardReady === true")

    # City outline, the town and the zone: three features drawn into the base pane.
    assert page.evaluate("window.baseLayerDrawn") == 3
    assert page.locator(".leaflet-base-pane canvas, .leaflet-base-pane svg").count() >= 1
    assert page.locator("#zone-map .area-label-town").inner_text() == "虎门镇"
    assert page.locator("#zone-map .area-label-zone").inner_text() == programme.zone_name
    # Zoomed in, the enterprises carry their names.
    page.evaluate("window.boardMap.setView([22.815, 113.68], 17, {animate: false})")
    page.wait_for_selector("#zone-map .enterprise-label")
    assert enterprise.name in page.locator("#zone-map .enterprise-label").first.inner_text()
    # The plan's work: one card per layer, and the layers in the switcher.
    for key in ("workers", "public", "sites", "stability", "detectors", "toxic"):
        assert page.locator(f"#work-panels [data-layer={key}]").count() == 1, key
    assert page.locator(".leaflet-control-layers-overlays label").count() >= 6

    origin = page.base_url.rstrip("/")
    foreign = [u for u in requests if not (u.startswith(origin + "/") or u.startswith(("data:", "blob:", "about:")))]
    assert foreign == []
    assert any(u.endswith("/dashboard/base.json") for u in requests)
