"""In a real Chromium: the system admin passes TOTP, creates an account from the
menu; the auditor finds that creation in the audit log."""

from __future__ import annotations

import pytest

from relocation.conftest import browser_login
from relocation.core.tests.personas import current_code, enrol
from relocation.organisation.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login_with_totp(page, user):
    device = enrol(user)
    browser_login(page, user.username)
    page.wait_for_url("**/account/2fa/verify/**")
    page.fill("#id_token", current_code(device))
    page.press("#id_token", "Enter")
    page.wait_for_url(lambda url: "/2fa/" not in url)


def test_the_system_admin_creates_an_account_and_the_auditor_sees_it(
    page, browser, live_server, system_admin, auditor, units
):
    _login_with_totp(page, system_admin)
    page.click("[data-nav-group=system]")  # accounts share the group with undelivered notifications
    page.click("[data-nav=accounts]")
    page.click("#account-create")
    page.fill("#id_username", "water_liaison")
    page.fill("#id_password", "Str0ng-pass")
    page.select_option("#id_role", "unit_liaison")
    page.select_option("#id_unit", str(units["water"].pk))
    page.fill("#id_display_name", "吕清")
    page.click("#account-form button[type=submit]")
    page.wait_for_selector("#password-form")
    assert User.objects.get(username="water_liaison").unit == units["water"]

    context = browser.new_context(locale="zh-CN")
    auditor_page = context.new_page()
    auditor_page.base_url = live_server.url
    _login_with_totp(auditor_page, auditor)
    auditor_page.click("[data-nav=audit]")
    auditor_page.fill("#id_action", "account.created")
    auditor_page.click("#audit-filter button")
    auditor_page.wait_for_selector("#audit-table td:has-text('water_liaison')")
    auditor_page.click("#audit-verify")
    assert auditor_page.get_attribute("#chain-result", "data-ok") == "1"
    context.close()
