"""In a real Chromium: filter a list, click 导出 Excel, open the file and
compare its header and rows with the table on the page."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from relocation.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _visible_header(page, table: str) -> list[str]:
    return [t.strip() for t in page.locator(f"#{table} thead th").all_inner_texts() if t.strip()]


def _download(page, tmp_path):
    with page.expect_download() as info:
        page.locator("a.export-link").first.click()
    download = info.value
    path = tmp_path / download.suggested_filename
    download.save_as(str(path))
    return download.suggested_filename, list(load_workbook(path).worksheets[0].iter_rows(values_only=True))


def test_the_ledger_export_follows_the_filters_on_the_page(page, hq_staff, make_enterprise, tmp_path):
    make_enterprise(name="东莞市威远五金电镀有限公司")
    make_enterprise(name="东莞市南栅印染有限公司", industry="dyeing")
    browser_login(page, "hq_staff")
    page.goto(page.base_url + "/enterprises/")
    page.fill("#q", "南栅")
    page.wait_for_function("() => document.querySelector('#ledger-count').textContent.includes('1')")
    name, rows = _download(page, tmp_path)
    assert name.startswith("企业台账-") and name.endswith(".xlsx")
    header = [str(h) for h in rows[0]]
    assert set(_visible_header(page, "ledger-table")) <= set(header)
    assert [r[0] for r in rows[1:]] == ["东莞市南栅印染有限公司"]


def test_the_task_export_has_the_tables_header(page, hq_staff, units, tmp_path):
    import datetime as dt

    from relocation.supervision import services

    services.task_create(actor=hq_staff, title="核查用水台账", lead_unit=units["humen"], deadline=dt.date(2030, 2, 16))
    browser_login(page, "hq_staff")
    page.goto(page.base_url + "/supervision/")
    page.wait_for_selector("#task-table")
    name, rows = _download(page, tmp_path)
    assert name.startswith("任务清单-")
    visible = _visible_header(page, "task-table")
    header = [str(h) for h in rows[0]]
    assert [h for h in header if h in visible] == visible
    assert [r[0] for r in rows[1:]] == ["核查用水台账"]
