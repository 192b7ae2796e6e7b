"""In a real Chromium: capacity gauges render; HQ runs a proposal, waits for
it, confirms an allocation and sees the procedures; on a phone too."""

from __future__ import annotations

import pytest

from relocation.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_hq_runs_a_proposal_and_confirms_it(page, hq_commander, park, mover):
    browser_login(page, "hq_commander")
    page.goto(page.base_url + "/parks/?deadline=2022-06-30")
    page.wait_for_selector(".capacity-chart canvas")
    page.click("[data-nav-group=parks]")
    page.click("[data-nav=parks_allocation]")
    page.fill("#time_limit", "5")
    page.click("#run-proposal")
    # The job runs at commit (immediate huey in tests); the page polls until done.
    page.wait_for_selector("#allocation-table tbody tr[data-allocation]")
    page.check(".pick")
    page.click("#bulk-confirm")
    page.wait_for_selector("text=已确认")
    page.goto(page.base_url + "/parks/procedures/?show=all")
    assert page.locator("#procedure-table tbody tr").count() == 8


def test_the_park_list_works_on_a_phone(phone_page, liaison, park):
    browser_login(phone_page, "humen_liaison")
    phone_page.goto(phone_page.base_url + "/parks/")
    phone_page.wait_for_selector(".capacity-chart canvas")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400
    phone_page.click(f"text={park.name}")
    phone_page.wait_for_selector("#capacity-table")


def test_hq_registers_a_park_and_edits_its_capacity(page, hq_staff, units):
    from decimal import Decimal

    from relocation.parks.models import Park

    browser_login(page, "hq_staff")
    page.goto(page.base_url + "/parks/")
    page.click("#park-create")
    page.fill("#id_code", "shatian")
    page.fill("#id_name", "沙田环保产业基地")
    page.select_option("#id_town_unit", str(units["machong"].pk))
    page.check("input[name=industries][value=electroplating]")
    page.fill("#id_land_area_m2", "80000")
    page.fill("#id_facilities-0-name", "综合站")
    page.select_option("#id_facilities-0-stream", "general")
    page.fill("#id_facilities-0-capacity_t_per_day", "120")
    page.fill("#id_factories-0-code", "A1")
    page.fill("#id_factories-0-area_m2", "3000")
    page.fill("#id_quota_nickel", "300")
    page.click("#park-save")
    page.wait_for_selector("#park-name:has-text('沙田环保产业基地')")
    assert page.locator("#facilities").inner_text().count("综合站") == 1

    page.click("#park-edit")
    page.fill("#id_name", "沙田电镀产业基地")
    page.fill("#id_facilities-0-capacity_t_per_day", "150")
    page.select_option("#id_facilities-0-status", "under_construction")
    page.click("#park-save")
    page.wait_for_selector("#park-name:has-text('沙田电镀产业基地')")
    park = Park.objects.get(code="shatian")
    facility = park.facilities.get()
    assert park.version == 2 and facility.capacity_t_per_day == Decimal("150")
    assert facility.status == "under_construction"
