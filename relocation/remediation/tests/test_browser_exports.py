"""In a real Chromium: the site list's 导出 Excel follows the filter and matches the table."""

from __future__ import annotations

import pytest

from relocation.conftest import browser_login
from relocation.core.tests.exports import assert_header_matches, browser_download, visible_header

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_site_export_has_the_tables_header(page, hq_staff, site, other_site, tmp_path):
    browser_login(page, "hq_staff")
    page.goto(page.base_url + "/remediation/")
    page.fill("#f-q", site.code)
    page.click("#site-filters button[type=submit]")
    page.wait_for_url(lambda url: "q=" in url)
    name, rows = browser_download(page, tmp_path)
    assert name.startswith("污染地块-")
    header = visible_header(page, "site-table")
    assert_header_matches(header, rows[0])
    assert [r[0] for r in rows[1:]] == [site.code]
