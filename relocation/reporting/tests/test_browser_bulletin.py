"""In a real Chromium: HQ compiles a bulletin, edits a section in place, sees the charts, issues it."""

from __future__ import annotations

import pytest

from relocation.conftest import browser_login
from relocation.reporting.models import Bulletin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_hq_compiles_edits_and_issues_the_bulletin(page, programme, units, hq_staff, liaison, make_enterprise):
    make_enterprise(status="relocated")
    browser_login(page, "hq_staff")
    page.goto(page.base_url + "/reporting/bulletins/")
    page.select_option("#compile-form select[name=month]", "1")
    page.fill("#compile-form input[name=year]", "2022")
    page.click("#compile-now")
    page.wait_for_selector("#section-next_steps textarea")
    page.wait_for_selector("[data-chart=enterprises] canvas")  # ECharts drew the chart
    page.fill("#section-next_steps textarea", "二月重点：第一批企业断电。")
    page.click("#section-next_steps button")
    page.wait_for_selector("#section-next_steps .alert-success")
    bulletin = Bulletin.objects.get()
    assert bulletin.sections.get(key="next_steps").text == "二月重点：第一批企业断电。"
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#issue-bulletin")
    page.wait_for_selector("text=阅读回执")
    bulletin.refresh_from_db()
    assert bulletin.status == "issued" and bulletin.document_number
