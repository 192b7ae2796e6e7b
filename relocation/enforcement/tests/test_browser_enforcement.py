"""On a phone-size screen (390×844): record an inspection with a photo,
issue a rectification order, and close it after a re-inspection."""

from __future__ import annotations

import pytest

from relocation.conftest import browser_login
from relocation.enforcement.models import Inspection, Measure, MeasureStatus
from relocation.enforcement.tests.conftest import jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_it_records_orders_and_closes_on_a_phone(phone_page, team, inspector, inspector2, enterprise):
    page = phone_page
    browser_login(page, "inspector")
    page.goto(page.base_url + "/enforcement/")
    page.click("#new-inspection")
    page.wait_for_selector("#inspection-form")
    assert _no_horizontal_scroll(page)

    page.select_option("#id_enterprise", str(enterprise.pk))
    page.check(f"#insp-{inspector.pk}")
    page.check(f"#insp-{inspector2.pk}")
    page.fill("#id_findings", "车间西侧发现暗管，废水直排")
    # Autosaved to the server as the inspector types…
    page.wait_for_function("() => document.querySelector('#draft-status').textContent.includes('草稿已自动保存')")
    # …and kept on the phone while the connection is lost: what is typed
    # offline never reaches the server, yet survives a reload.
    page.context.set_offline(True)
    page.fill("#id_findings", "车间西侧发现暗管，废水直排，现场有异味")
    page.wait_for_timeout(1200)
    page.context.set_offline(False)
    page.reload()
    page.wait_for_selector("#inspection-form")
    assert page.input_value("#id_findings") == "车间西侧发现暗管，废水直排，现场有异味"
    assert page.is_checked(f"#insp-{inspector2.pk}")

    first_item = page.locator("#checklist label.btn-outline-danger").first
    first_item.click()
    page.set_input_files("#id_photos", files=[{"name": "site.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}])
    page.fill("#id_representative_name", "王经理")
    page.check("#ack-signed")
    page.wait_for_load_state("networkidle")
    page.click("#submit-inspection")
    page.wait_for_selector("#inspection-title")
    assert page.locator("#photos li").count() == 1
    # A thumbnail that loaded (the picture, not a file name and a hash).
    page.wait_for_function(
        "() => { const i = document.querySelector('#photos img'); return i && i.complete && i.naturalWidth > 0; }"
    )
    assert _no_horizontal_scroll(page)

    page.select_option("#id_legal_basis", index=1)
    page.fill("#id_description", "通过暗管排放电镀废水")
    page.click("#violation-form button[type=submit]")
    page.wait_for_selector("#violations .badge")
    page.click("#violations summary")
    page.fill(".measure-form textarea[name=content]", "立即封堵暗管，废水纳管处理")
    page.click(".measure-form button[type=submit]")
    page.wait_for_selector("#measure-status")
    assert "已生效" in page.inner_text("#measure-status")
    assert "责令改正通知书" in page.inner_text("#documents")

    order = Measure.objects.get(enterprise=enterprise, kind="rectification")
    follow_up = Inspection.objects.get(follow_up_of=order)
    page.goto(page.base_url + "/enforcement/")
    page.click(f"#follow-up-list a[href$='/inspections/{follow_up.pk}/follow-up/']")
    page.wait_for_selector("#inspection-form")
    page.check(f"#insp-{inspector.pk}")
    page.check(f"#insp-{inspector2.pk}")
    page.fill("#id_findings", "暗管已封堵")
    page.check("#fu-fixed")
    page.fill("#id_representative_name", "王经理")
    page.check("#ack-signed")
    page.click("#submit-inspection")
    page.wait_for_selector("#follow-up-result")
    assert "已整改到位" in page.inner_text("#follow-up-result")
    page.wait_for_load_state("networkidle")
    order.refresh_from_db()
    assert order.status == MeasureStatus.CLOSED
