"""In a real Chromium: the liaison's home leads with the unit's work, soonest
first, and its button signs for the task; the enterprise contact's home shows
its own obligations and its link opens the commitment letter; a saved filter of
the task list comes back with one click."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relocation.conftest import browser_login, browser_switch_user
from relocation.supervision.models import Task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_my_work_for_the_liaison_and_the_enterprise_contact(
    page, hq_staff, liaison, units, enterprise, enterprise_contact
):
    from relocation.enterprises import commitments
    from relocation.supervision import services

    today = timezone.localdate()
    services.task_create(
        actor=hq_staff, title="组织企业座谈", lead_unit=units["humen"], deadline=today + dt.timedelta(days=5)
    )
    late = services.task_create(
        actor=hq_staff, title="核查用水用电台账", lead_unit=units["humen"], deadline=today - dt.timedelta(days=1)
    )
    commitments.letter_generate(
        actor=hq_staff, enterprise=enterprise, committed_shutdown_on=today + dt.timedelta(days=20)
    )

    browser_login(page, "humen_liaison")
    page.goto(page.base_url + "/")
    titles = page.locator("#my-work .my-work-title").all_inner_texts()
    assert titles.index("核查用水用电台账") < titles.index("组织企业座谈")
    first = page.locator("#my-work .my-work-item").filter(has_text="核查用水用电台账")
    assert "已逾期" in first.locator(".my-work-due").inner_text()
    # The tiles come after the work.
    assert page.locator("#my-work").bounding_box()["y"] < page.locator("#home-tiles").bounding_box()["y"]
    first.locator("button.my-work-action").click()
    page.wait_for_selector("#task-status[data-status='signed_for']")
    assert Task.objects.get(pk=late.pk).status == "signed_for"

    # A saved filter of the task list.
    page.goto(page.base_url + "/supervision/?warning=red")
    page.fill("#saved-filter-form input[name=name]", "逾期的")
    page.click("#saved-filter-form button[type=submit]")
    page.goto(page.base_url + "/supervision/")
    page.click("#saved-filters a:has-text('逾期的')")
    page.wait_for_url(lambda url: "warning=red" in url)

    browser_switch_user(page, "ent_contact")
    page.goto(page.base_url + "/")
    titles = page.locator("#my-work .my-work-title").all_inner_texts()
    assert titles[:2] == ["签署并上传关停搬迁承诺书", "按承诺日期停止生产"]
    assert "核查用水用电台账" not in titles
    page.locator("#my-work .my-work-item").first.locator("a.my-work-action").click()
    page.wait_for_url(lambda url: f"/enterprises/{enterprise.pk}/" in url)
