"""In a real Chromium: one enterprise travels from intention to relocated,
with the commitment letter generated, downloaded and uploaded signed, and the
closure checklist confirmed with photos by the responsible units."""

from __future__ import annotations

import pytest

from relocation.conftest import browser_login, browser_switch_user, make_user
from relocation.core.roles import Role
from relocation.enterprises import closure
from relocation.enterprises.models import ClosureCheck, CommitmentLetter, LifecycleStatus, StatusChange
from relocation.enterprises.tests.uploads_fixtures import jpeg_bytes, photo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def move(page, target, reason):
    page.fill("#move-reason", reason)
    page.click(f"button[data-move='{target}']")
    page.wait_for_selector("#lifecycle-status")


def test_it_takes_an_enterprise_from_intention_to_relocated(page, hq_staff, liaison, inspector, units, make_enterprise):
    enterprise = make_enterprise(name="东莞市路东五金电镀有限公司", intention="move_out_of_city")
    make_user("water_liaison", Role.UNIT_LIAISON, units["water"])
    power = make_user("power_liaison", Role.UNIT_LIAISON, units["power"])
    url = f"{page.base_url}/enterprises/{enterprise.pk}/"

    # The town records the intention and prepares the letter.
    browser_switch_user(page, "humen_liaison")
    page.goto(url)
    assert "走访登记搬迁意向" in page.inner_text("#next-step")
    move(page, "intention_recorded", "走访确认企业拟迁出本市")
    assert page.inner_text("#lifecycle-status") == "已登记意向"
    page.click("#letter-generate")
    page.fill("#id_committed_shutdown_on", "2021-12-31")
    page.fill("#id_committed_relocation_on", "2022-06-30")
    page.click("#letter-form button[type=submit]")
    page.wait_for_selector("#letter-status")
    with page.expect_download() as download:
        page.click("#letter-download")
    assert download.value.suggested_filename.endswith(".docx")
    page.set_input_files(
        "#letter-upload-form input[type=file]", {"name": "签署件.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.fill("#letter-upload-form input[name=signed_on]", "2021-07-02")
    page.click("#letter-upload-form button[type=submit]")
    page.wait_for_selector("#letter-scan")
    assert page.inner_text("#lifecycle-status") == "已签承诺书"
    assert CommitmentLetter.objects.get(enterprise=enterprise).status == "signed"

    # HQ confirms the destination.
    browser_switch_user(page, "hq_staff")
    page.goto(url)
    page.select_option("#move-destination-type", "out_of_city")
    page.fill("#move-destination-name", "迁往肇庆市金属表面处理集聚区")
    move(page, "destination_confirmed", "企业已在肇庆落实新厂房")
    assert "肇庆" in page.inner_text("#destination")
    move(page, "production_stopped", "现场核查已停产")
    assert page.inner_text("#lifecycle-status") == "已停产"

    # The water company confirms its item with a photo from the phone.
    browser_switch_user(page, "water_liaison")
    page.goto(url + "#closure")
    form = page.locator("[data-item=water_cut] form")
    form.locator("input[type=file]").set_input_files(
        {"name": "水表.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}
    )
    form.locator("input[name=note]").fill("已拆除水表")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-item=water_cut] .closure-photo")
    assert page.locator("[data-item=power_cut] form").count() == 0  # not the water company's item

    # The town clears materials and equipment, also with photos.
    browser_switch_user(page, "humen_liaison")
    page.goto(url + "#closure")
    for item in ("materials_cleared", "equipment_cleared"):
        form = page.locator(f"[data-item={item}] form")
        form.locator("input[type=file]").set_input_files(
            {"name": f"{item}.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}
        )
        form.locator("button[type=submit]").click()
        page.wait_for_selector(f"[data-item={item}] .closure-photo")
    # Power and environment bureau confirm from their own sessions (the service the page calls).
    enterprise.refresh_from_db()
    closure.closure_item_confirm(actor=power, enterprise=enterprise, item="power_cut", photos=[photo()])
    closure.closure_item_confirm(actor=inspector, enterprise=enterprise, item="waste_cleared", photos=[photo()])
    assert ClosureCheck.objects.filter(enterprise=enterprise).count() == 5

    # HQ verifies the closure and, once the new plant produces, marks it relocated.
    browser_switch_user(page, "hq_staff")
    page.goto(url)
    move(page, "closure_verified", "两断三清全部确认")
    assert page.inner_text("#lifecycle-status") == "关停已核验"
    move(page, "relocated", "新厂已投产")
    assert page.inner_text("#lifecycle-status") == "已搬迁投产"
    assert page.locator("#lifecycle-history tbody tr").count() == 6
    assert list(
        StatusChange.objects.filter(enterprise=enterprise).order_by("id").values_list("to_status", flat=True)
    ) == [
        LifecycleStatus.INTENTION_RECORDED,
        LifecycleStatus.COMMITMENT_SIGNED,
        LifecycleStatus.DESTINATION_CONFIRMED,
        LifecycleStatus.PRODUCTION_STOPPED,
        LifecycleStatus.CLOSURE_VERIFIED,
        LifecycleStatus.RELOCATED,
    ]
    assert "新厂已投产" in page.inner_text("#timeline")


def test_the_lifecycle_section_works_on_a_phone(phone_page, hq_staff, make_enterprise):
    enterprise = make_enterprise(name="东莞市威远印染有限公司", intention="close")
    browser_login(phone_page, "hq_staff")
    phone_page.goto(f"{phone_page.base_url}/enterprises/{enterprise.pk}/")
    phone_page.fill("#move-reason", "走访确认关停退出")
    phone_page.click("button[data-move='intention_recorded']")
    phone_page.wait_for_selector("#lifecycle-status")
    assert phone_page.inner_text("#lifecycle-status") == "已登记意向"
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400
