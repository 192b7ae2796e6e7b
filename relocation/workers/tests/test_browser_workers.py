"""In a real Chromium: the bureau adds a worker to a roster, records the
placement, reports a wage-arrears case, verifies it and records the payment
that settles it; the enterprise page shows the section."""

from __future__ import annotations

import pytest

from relocation.conftest import browser_login
from relocation.workers.tests.conftest import valid_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_bureau_works_a_roster_and_a_case(page, bureau, enterprise):
    browser_login(page, "hrss_liaison")
    page.goto(page.base_url + f"/workers/enterprises/{enterprise.pk}/")
    page.click("#worker-new")
    page.fill("#id_name", "陈建华")
    page.fill("#id_id_number", "123")
    page.click("#worker-save")
    page.wait_for_selector("text=身份证号无效")
    page.fill("#id_id_number", valid_id(3))
    page.fill("#id_phone", "13812345678")
    page.fill("#id_monthly_wage", "5600")
    page.click("#worker-save")
    page.wait_for_selector("#roster-table tbody tr[data-worker]")
    assert "138****5678" in page.inner_text("#roster-table")

    page.click("#roster-table a:has-text('陈建华')")
    page.select_option("#id_outcome", "moves_with_enterprise")
    page.click("#placement-save")
    page.wait_for_selector("#worker-status:has-text('已安置')")

    page.goto(page.base_url + f"/workers/enterprises/{enterprise.pk}/")
    page.click("#case-new")
    page.fill("#id_summary", "停产后四月工资未发")
    page.fill("#line-table input[name^=amount_]", "5600")
    page.fill("#line-table input[name^=months_]", "1")
    page.click("#case-submit")
    page.wait_for_selector("#case-status:has-text('已登记')")
    page.select_option("#id_target", "verified")
    page.fill("#id_reason", "核对工资表属实")
    page.click("#case-move")
    page.wait_for_selector("#case-status:has-text('已核实')")
    page.fill("#id_amount", "5600")
    page.click("#payment-save")
    page.wait_for_selector("#case-status:has-text('已清偿')")
    assert page.locator("#case-history li").count() == 3

    page.goto(page.base_url + f"/enterprises/{enterprise.pk}/")
    page.wait_for_selector("#workers-section")
    assert "100.0%" in page.inner_text("#workers-section")
