"""In a real Chromium: HQ records a decision that becomes a task; a unit on a phone reads the follow-up."""

from __future__ import annotations

import datetime as dt

import pytest

from relocation.conftest import browser_login
from relocation.meetings import services
from relocation.supervision.models import Task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_hq_turns_a_decision_into_a_task_and_the_next_meeting_follows_it_up(
    page, phone_page, programme, units, hq_staff, liaison
):
    feb = services.meeting_schedule_monthly(actor=hq_staff, programme=programme, period=dt.date(2022, 2, 1))
    services.meeting_mark_held(actor=hq_staff, meeting=feb)
    march = services.meeting_schedule_monthly(actor=hq_staff, programme=programme, period=dt.date(2022, 3, 1))
    browser_login(page, "hq_staff")
    page.goto(page.base_url + f"/meetings/{feb.pk}/")
    page.fill("#decision-form textarea[name=text]", "虎门镇完成剩余企业断电")
    page.select_option("#decision-form select[name=lead_unit]", str(units["humen"].pk))
    page.fill("#decision-form input[name=deadline]", "2022-03-15")
    page.click("#decision-form button")
    page.wait_for_selector("[data-decision] [data-task-status=assigned]")
    task = Task.objects.get()
    assert task.source == "meeting" and task.lead_unit == units["humen"]

    browser_login(phone_page, "humen_liaison")
    phone_page.goto(phone_page.base_url + f"/meetings/{march.pk}/")
    follow_up = phone_page.locator("#follow-up")
    assert "虎门镇完成剩余企业断电" in follow_up.inner_text()
    assert follow_up.locator("[data-task-status=assigned]").count() == 1
    assert phone_page.locator("#decision-form").count() == 0  # units read, HQ writes
