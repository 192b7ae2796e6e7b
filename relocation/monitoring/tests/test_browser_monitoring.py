"""In a real Chromium: the territorial unit handles an alert from the inbox,
and the enterprise monitoring page draws its charts (also on a phone)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relocation.conftest import browser_login
from relocation.monitoring import evaluation, storage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _exceedance(point):
    start = timezone.localtime().replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=6)
    rows = [
        (point.pk, "2061", start + dt.timedelta(hours=h), "w01018", 120.0, None, None, None, "N", start)
        for h in range(5)
    ]
    storage.store_rows(rows)
    evaluation.evaluate_point(point)


def test_it_acknowledges_and_closes_an_alert_from_the_inbox(page, liaison, point):
    _exceedance(point)
    browser_login(page, "humen_liaison")
    page.goto(page.base_url + "/monitoring/?kind=exceedance")
    page.click("#alert-table a")
    page.wait_for_selector("#alert-title")
    page.click("#ack-button")
    page.wait_for_selector("#alert-status:has-text('已确认')")
    page.fill("#id_reason", "现场复查：排口已整改。")
    page.click("text=关闭预警")
    page.wait_for_selector("#alert-status:has-text('已关闭')")
    assert "现场复查" in page.inner_text("body")


def test_it_draws_the_point_chart_on_a_phone(phone_page, liaison, point):
    _exceedance(point)
    browser_login(phone_page, "humen_liaison")
    phone_page.goto(phone_page.base_url + f"/monitoring/enterprises/{point.enterprise_id}/")
    phone_page.wait_for_selector(".point-chart canvas")
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
