"""In a real Chromium: log in, search the ledger, open an enterprise."""

from __future__ import annotations

import pytest

from relocation.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_searches_the_ledger_and_opens_an_enterprise(page, hq_staff, make_enterprise):
    make_enterprise(name="东莞市威远五金电镀有限公司")
    make_enterprise(name="东莞市南栅印染有限公司", industry="dyeing")
    browser_login(page, "hq_staff")
    page.goto(page.base_url + "/enterprises/")
    page.fill("#q", "南栅")
    page.wait_for_function("document.querySelector('#ledger-count').textContent.includes('1')")
    assert page.locator("#ledger-table tbody tr").count() == 1
    page.click("text=东莞市南栅印染有限公司")
    page.wait_for_selector("#enterprise-name")
    assert page.inner_text("#enterprise-name") == "东莞市南栅印染有限公司"
    assert "138****5678" in page.inner_text("#contact-phone")
