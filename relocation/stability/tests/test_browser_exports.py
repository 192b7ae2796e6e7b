"""In a real Chromium: each stability list's 导出 Excel gives a file whose
header holds the table's columns and whose rows are the table's."""

from __future__ import annotations

import pytest

from relocation.conftest import browser_login
from relocation.core.tests.exports import assert_header_matches, browser_download, visible_header

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_stability_exports_have_the_tables_header(page, hq_staff, risk, incident, opinion, tmp_path):
    browser_login(page, "hq_staff")
    for path, table, prefix, column, value in [
        ("/stability/risks/", "risk-table", "稳定风险研判-", "企业", risk.enterprise.name),
        ("/stability/incidents/", "incident-table", "维稳事件-", "事件", incident.title),
        ("/stability/opinion/", "opinion-table", "舆情处置-", "舆情", opinion.title),
    ]:
        page.goto(page.base_url + path)
        page.wait_for_selector(f"#{table}")
        name, rows = browser_download(page, tmp_path)
        assert name.startswith(prefix) and name.endswith(".xlsx")
        assert_header_matches(visible_header(page, table), rows[0])
        assert len(rows) == 1 + page.locator(f"#{table} tbody tr").count()
        assert rows[1][list(rows[0]).index(column)] == value
