"""In a real Chromium: one task from assignment through a red warning and a
supervision notice to completion, with the clock frozen across Spring Festival 2022."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from relocation.conftest import browser_login, browser_switch_user
from relocation.supervision.early_warnings import scan_tasks
from relocation.supervision.models import SupervisionNotice, Task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CST = dt.timezone(dt.timedelta(hours=8))


def test_it_follows_a_task_from_assignment_to_a_red_notice_and_completion(
    page, settings, hq_staff, liaison, unit_leader, units
):
    # Cookies carry real expiry dates: keep CSRF in a browser-session cookie while the server's clock is in 2022.
    settings.CSRF_COOKIE_AGE = None
    with time_machine.travel(dt.datetime(2022, 1, 28, 9, 0, tzinfo=CST), tick=True):
        browser_login(page, "hq_staff")
        page.goto(page.base_url + "/supervision/tasks/new/")
        page.fill("#id_title", "关停企业断水断电核查")
        page.select_option("#id_lead_unit", str(units["humen"].pk))
        page.fill("#id_deadline", "10 个工作日")
        # Spring Festival: 10 working days after 28 January 2022 is 16 February.
        page.wait_for_selector("#deadline-resolved[data-date='2022-02-16']")
        page.click("#task-form button[type=submit]")
        page.wait_for_selector("#task-status[data-status='assigned']")
        task = Task.objects.get()
        assert task.deadline == dt.date(2022, 2, 16)

        browser_switch_user(page, "humen_liaison")
        page.goto(page.base_url + f"/supervision/tasks/{task.pk}/")
        page.click("#task-actions button[value=sign_for]")
        page.wait_for_selector("#task-status[data-status='signed_for']")

    with time_machine.travel(dt.datetime(2022, 2, 17, 9, 0, tzinfo=CST), tick=True):
        result = scan_tasks()
        assert result.red == 1 and len(result.notices) == 1
        browser_switch_user(page, "humen_leader")
        page.goto(page.base_url + "/supervision/?warning=red")
        page.wait_for_selector("#task-table tbody tr.table-danger")
        page.click("text=关停企业断水断电核查")
        page.wait_for_selector("#task-notices")
        notice = SupervisionNotice.objects.get()
        assert notice.number in page.inner_text("#task-notices")
        with page.expect_download() as download:
            page.click(f"#task-notices a:has-text('{notice.number}')")
        assert download.value.suggested_filename.endswith(".docx")
        page.goto(page.base_url + "/inbox/")
        assert "督办单" in page.inner_text("main")

        browser_switch_user(page, "humen_liaison")
        page.goto(page.base_url + f"/supervision/tasks/{task.pk}/")
        page.fill("#task-actions textarea[name=note]", "已全部断水断电，照片已存档")
        page.click("#task-actions button[value=report_done]")
        page.wait_for_selector("#task-status[data-status='reported_done']")

        browser_switch_user(page, "hq_staff")
        page.goto(page.base_url + f"/supervision/tasks/{task.pk}/")
        page.click("#task-actions button[value=verify]")
        page.wait_for_selector("#task-status[data-status='verified']")
        # assigned, signed for, reported done, verified
        assert page.locator("#task-clocks tbody tr").count() == 4
    task.refresh_from_db()
    assert task.status == "verified" and task.warning_level == "none"
