"""In a real Chromium: a resident reports pollution from the login page's link, HQ
assigns it, the unit drafts, HQ publishes, and the resident reads the answer."""

from __future__ import annotations

import pytest

from relocation.conftest import browser_login, browser_switch_user
from relocation.portal.models import Inquiry
from relocation.supervision.models import Task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_report_goes_from_the_public_page_to_an_answer(page, programme, units, hq_staff, liaison):
    page.goto(page.base_url + "/login/")
    page.click("#public-channel a")
    page.check("input[name=kind][value=pollution]")
    page.fill("#id_subject", "河涌夜间发黑")
    page.fill("#id_text", "B区南侧河涌每晚十点后发黑发臭。")
    page.fill("#id_phone", "13922001122")
    page.click("#public-form button[type=submit]")
    number = page.inner_text("#tracking-number").strip()
    code = page.inner_text("#query-code").strip()
    inquiry = Inquiry.objects.get(number=number)

    browser_login(page, "hq_staff")
    page.goto(page.base_url + "/portal/")
    page.click(f"[data-inquiry='{number}'] a")
    assert page.inner_text("#masked-phone") == "139****1122"
    page.select_option("#assign-form select[name=unit]", str(units["humen"].pk))
    page.click("#assign-form button")
    page.wait_for_selector("[data-status=assigned]")
    assert Task.objects.get(subject_id=str(inquiry.pk)).lead_unit == units["humen"]

    browser_switch_user(page, "humen_liaison")
    page.goto(page.base_url + f"/portal/{inquiry.pk}/")
    assert page.locator("#publish-form").count() == 0  # HQ publishes by default
    page.fill("#draft-form textarea", "已现场核查，涉事企业已停产断水。")
    page.click("#draft-form button")
    page.wait_for_selector(".alert-success")

    browser_switch_user(page, "hq_staff")
    page.goto(page.base_url + f"/portal/{inquiry.pk}/")
    page.click("#publish-form button")
    page.wait_for_selector("#published-answer")

    page.goto("about:blank")
    page.context.clear_cookies()
    page.goto(page.base_url + "/portal/public/lookup/")
    page.fill("#id_number", number)
    page.fill("#id_code", code)
    page.click("#lookup-form button")
    page.wait_for_selector("#lookup-result")
    assert "已现场核查，涉事企业已停产断水。" in page.inner_text("#answer")
    result = page.inner_text("#lookup-result")
    assert "虎门镇" in result and "humen_liaison" not in result and "hq_staff" not in result
