"""In a real Chromium: the proposal list's 导出 Excel matches the table."""

from __future__ import annotations

import pytest

from relocation.conftest import browser_login
from relocation.core.tests.exports import assert_header_matches, browser_download, visible_header

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_proposal_export_has_the_tables_header(page, hq_staff, park, mover, proposal_for, tmp_path):
    proposal = proposal_for()
    browser_login(page, "hq_staff")
    page.goto(page.base_url + "/parks/proposals/")
    page.wait_for_selector("#proposal-table")
    name, rows = browser_download(page, tmp_path)
    assert name.startswith("园区分配测算-")
    assert_header_matches(visible_header(page, "proposal-table"), rows[0])
    assert [r[0] for r in rows[1:]] == [proposal.pk]
