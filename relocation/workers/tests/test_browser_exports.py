"""In a real Chromium: the case list's 导出 Excel matches the table."""

from __future__ import annotations

import pytest

from relocation.conftest import browser_login
from relocation.core.tests.exports import assert_header_matches, browser_download, visible_header

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_case_export_has_the_tables_header(page, hq_staff, enterprise, make_case, tmp_path):
    make_case(enterprise)
    browser_login(page, "hq_staff")
    page.goto(page.base_url + "/workers/cases/")
    page.wait_for_selector("#case-table")
    name, rows = browser_download(page, tmp_path)
    assert name.startswith("劳动纠纷案件-")
    assert_header_matches(visible_header(page, "case-table"), rows[0])
    assert [r[1] for r in rows[1:]] == [enterprise.name]
