"""In a real Chromium: open the battle map, filter it, click an enterprise,
export the view, and take a screenshot."""

from __future__ import annotations

import pytest

from relocation.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_opens_filters_and_clicks_an_enterprise(page, hq_staff, make_enterprise, tmp_path):
    plating = make_enterprise(name="东莞市威远五金电镀有限公司", latitude=22.815, longitude=113.68)
    make_enterprise(name="东莞市南栅印染有限公司", industry="dyeing", latitude=22.825, longitude=113.70)
    browser_login(page, "hq_staff")
    page.goto(page.base_url + "/dashboard/")
    page.wait_for_function("() => window.dashboardReady === true")
    assert page.inner_text("#total") == "2"
    page.select_option("#filter-industry", "electroplating")
    with page.expect_navigation():
        page.click("#apply-filters")
    page.wait_for_function("() => window.dashboardReady === true")
    assert page.inner_text("#total") == "1"
    # Click the enterprise's marker where the map draws it.
    point = page.evaluate(
        f"(() => {{ const p = window.boardMap.latLngToContainerPoint([{plating.latitude}, {plating.longitude}]); return [p.x, p.y]; }})()"
    )
    box = page.locator("#zone-map").bounding_box()
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])
    page.wait_for_selector("#card-name")
    assert page.inner_text("#card-name") == plating.name
    page.screenshot(path=str(tmp_path / "battle-map.png"))
    assert (tmp_path / "battle-map.png").stat().st_size > 10_000

    png = page.request.get(page.base_url + "/dashboard/export.png?industry=electroplating")
    assert png.status == 200 and png.body().startswith(b"\x89PNG")
    pdf = page.request.get(page.base_url + "/dashboard/export.pdf")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
