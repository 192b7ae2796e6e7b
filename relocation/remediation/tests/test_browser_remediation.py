"""In a real Chromium: the town moves a site into stage-1 investigation with
its report, enters a result above the intervention value, and sees it flagged."""

from __future__ import annotations

import pytest

from relocation.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_moves_a_site_and_flags_an_exceedance(page, liaison, site, tmp_path):
    report = tmp_path / "第一阶段调查报告.pdf"
    report.write_bytes(b"%PDF-1.4\n% report\n%%EOF\n")
    browser_login(page, "humen_liaison")
    page.goto(page.base_url + "/remediation/")
    page.click(f"#site-table >> text={site.code}")
    page.wait_for_selector("#site-title")
    page.select_option("#id_target", "initial")
    page.fill("#id_reason", "委托第三方开展第一阶段调查")
    page.set_input_files("#id_evidence", str(report))
    page.click("#move-button")
    page.wait_for_selector("#site-stage:has-text('初步调查')")
    assert "第一阶段调查报告.pdf" in page.inner_text("#stage-history")

    page.click("text=录入")
    page.fill("#id_point", "S1")
    page.fill("#id_depth_m", "0.5")
    page.select_option("#id_pollutant", label="铬（六价）")
    page.fill("#id_concentration", "96.5")
    page.click("#remediation-form button[type=submit]")
    page.wait_for_selector("#result-table .table-danger")
    assert "超管制值" in page.inner_text("#result-table")
    assert "1 项超筛选值" in page.inner_text("#exceedance-badge")
