"""Without signal, on a phone: the form opens from the service worker, the
inspection with its photo waits in the phone's queue, and it is sent once
when the phone is back online — one inspection on the server."""

from __future__ import annotations

import pytest

from relocation.conftest import browser_login
from relocation.enforcement.models import Inspection
from relocation.enforcement.tests.conftest import jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_queues_offline_and_sends_once_back_online(phone_page, team, inspector, inspector2, enterprise):
    page = phone_page
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" and "/inspections/new/" in r.url else None)
    browser_login(page, "inspector")
    page.goto(page.base_url + "/enforcement/inspections/new/")
    # The worker is active and has kept the form page for later.
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    for _attempt in range(100):
        kept = page.evaluate(
            "async () => !!(await caches.match(location.origin + '/enforcement/inspections/new/', {ignoreVary: true}))"
        )
        if kept:
            break
        page.wait_for_timeout(100)
    assert kept

    page.context.set_offline(True)
    page.reload()  # answered by the service worker: no browser error page
    page.wait_for_selector("#inspection-form")
    assert "无网络" in page.inner_text("#connection-status")
    page.select_option("#id_enterprise", str(enterprise.pk))
    page.check(f"#insp-{inspector.pk}")
    page.check(f"#insp-{inspector2.pk}")
    page.locator("#checklist label.btn-outline-danger").first.click()
    page.fill("#id_findings", "无信号现场：车间西侧暗管")
    page.set_input_files("#id_photos", files=[{"name": "site.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}])
    page.wait_for_selector("#photo-previews img.photo-preview")
    page.fill("#id_representative_name", "王经理")
    page.check("#ack-signed")
    page.click("#submit-inspection")
    item = page.locator("#queue-items .queue-item").first
    item.wait_for()
    assert item.get_attribute("data-status") == "pending"
    assert "待发送" in item.inner_text()
    assert item.locator("img").count() == 1
    assert not Inspection.objects.exists()

    page.context.set_offline(False)
    page.wait_for_selector("#queue-items .queue-item[data-status=sent]")
    assert "已发送" in page.inner_text("#queue-items")
    inspection = Inspection.objects.get(enterprise=enterprise)
    assert inspection.findings == "无信号现场：车间西侧暗管"
    assert inspection.photos.count() == 1
    # Reopened later, the page sends nothing again.
    page.reload()
    page.wait_for_selector("#queue-items .queue-item[data-status=sent]")
    page.wait_for_timeout(500)
    assert Inspection.objects.count() == 1
    assert len(posts) == 1

    page.click("#queue-items .queue-item a")
    page.wait_for_selector("#inspection-title")
    page.wait_for_function(
        "() => { const i = document.querySelector('#photos img'); return i && i.complete && i.naturalWidth > 0; }"
    )
    # The item marked 存在问题 proposes its violation with the article filled in.
    assert page.locator("#violation-proposals").count() == 1
    assert page.locator("#violations-pending").count() == 1
