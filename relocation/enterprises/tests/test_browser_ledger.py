"""In a real Chromium: log in, search the ledger, open an enterprise."""

from __future__ import annotations

import pytest

from relocation.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_searches_the_ledger_and_opens_an_enterprise(page, hq_staff, make_enterprise):
    make_enterprise(name="东莞市威远五金电镀有限公司")
    make_enterprise(name="东莞市南栅印染有限公司", industry="dyeing")
    browser_login(page, "hq_staff")
    page.goto(page.base_url + "/enterprises/")
    page.fill("#q", "南栅")
    page.wait_for_function("() => document.querySelector('#ledger-count').textContent.includes('1')")
    assert page.locator("#ledger-table tbody tr").count() == 1
    page.click("text=东莞市南栅印染有限公司")
    page.wait_for_selector("#enterprise-name")
    assert page.inner_text("#enterprise-name") == "东莞市南栅印染有限公司"
    assert "138****5678" in page.inner_text("#contact-phone")


def test_it_searches_opens_then_imports_a_workbook_with_an_error(page, hq_staff, make_enterprise, tmp_path):
    from relocation.enterprises.models import Enterprise
    from relocation.enterprises.tests.workbooks import row, workbook

    make_enterprise(name="东莞市威远五金电镀有限公司")
    browser_login(page, "hq_staff")
    page.goto(page.base_url + "/enterprises/")
    page.fill("#q", "威远")
    page.wait_for_function("() => document.querySelector('#ledger-count').textContent.includes('1')")
    page.click("text=东莞市威远五金电镀有限公司")
    page.wait_for_selector("#category-card")
    assert "观望" in page.inner_text("#proposed-category")
    page.goto(page.base_url + "/enterprises/")
    page.click("#import-ledger")
    page.wait_for_selector("#import-form")
    path = tmp_path / "台账.xlsx"
    path.write_bytes(workbook([row(1), row(2, 统一社会信用代码="91441900123456789X"), row(3, 租约到期日="2022.6.31")]))
    page.set_input_files("input[type=file]", str(path))
    page.click("#preview-button")
    page.wait_for_selector("#import-errors")
    report = page.inner_text("#import-errors")
    assert "第 3 行" in report and "统一社会信用代码" in report and "校验位错误" in report
    assert "第 4 行" in report and "租约到期日" in report
    assert page.locator("#confirm-import").count() == 0
    assert "整个文件不会导入" in page.inner_text("#import-rejected")
    assert Enterprise.objects.count() == 1


def test_the_ledger_fits_a_phone_screen(phone_page, hq_staff, make_enterprise):
    make_enterprise(name="东莞市虎门镇某某五金电镀表面处理有限公司")
    browser_login(phone_page, "hq_staff")
    phone_page.goto(phone_page.base_url + "/enterprises/")
    phone_page.wait_for_selector("#ledger-table")
    assert phone_page.is_visible("text=东莞市虎门镇某某五金电镀表面处理有限公司")
    overflow = phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
