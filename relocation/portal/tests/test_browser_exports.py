"""In a real Chromium: the inbox's 导出 Excel matches the table."""

from __future__ import annotations

import pytest

from relocation.conftest import browser_login
from relocation.core.tests.exports import assert_header_matches, browser_download, visible_header

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_inbox_export_has_the_tables_header(page, hq_staff, assigned, tmp_path):
    browser_login(page, "hq_staff")
    page.goto(page.base_url + "/portal/")
    page.wait_for_selector("#inbox")
    name, rows = browser_download(page, tmp_path)
    assert name.startswith("诉求办理-")
    assert_header_matches(visible_header(page, "inbox"), rows[0])
    assert [r[0] for r in rows[1:]] == [assigned.number]
