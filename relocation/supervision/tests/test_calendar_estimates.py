"""Dates counted through a year whose holidays are not known are marked as
estimates on the pages, in the API and in the notice; HQ enters the notice in
the browser and is reminded from 1 November."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from relocation.core.models import Notification, OfficialCalendarYear
from relocation.core.services import calendar_notice_save
from relocation.supervision import calendar_reminder
from relocation.supervision.notices import notice_context

NOTICE_2027 = {"year": 2027, "source": "测试用样例", "holidays": ["2027-01-01"], "workdays": []}
DECEMBER = dt.datetime(2026, 12, 7, 2, tzinfo=dt.UTC)


@pytest.mark.django_db
@time_machine.travel(DECEMBER, tick=False)
def test_a_deadline_in_an_unknown_year_is_marked_on_the_task_pages_and_the_api(client, hq_staff, make_task):
    task = make_task(deadline=dt.date(2027, 1, 20))
    client.force_login(hq_staff)
    assert "估算" in client.get(f"/supervision/tasks/{task.pk}/").content.decode()
    assert "估算" in client.get("/supervision/").content.decode()
    api = APIClient()
    api.force_login(hq_staff)
    assert api.get(f"/api/supervision/tasks/{task.pk}/").json()["deadline_is_estimate"] is True
    calendar_notice_save(actor=hq_staff, data=NOTICE_2027)
    assert "估算" not in client.get(f"/supervision/tasks/{task.pk}/").content.decode()
    assert api.get(f"/api/supervision/tasks/{task.pk}/").json()["deadline_is_estimate"] is False


@pytest.mark.django_db
@time_machine.travel(DECEMBER, tick=False)
def test_the_workdays_api_and_preview_say_estimate(client, hq_staff):
    api = APIClient()
    api.force_login(hq_staff)
    body = api.get("/api/supervision/workdays/?op=add&date=2026-12-31&n=1").json()
    assert body["date"] == "2027-01-01" and body["estimate"] is True and body["uncovered_years"] == [2027]
    assert api.get("/api/supervision/workdays/?op=add&date=2026-12-01&n=1").json()["estimate"] is False
    assert api.get("/api/supervision/workdays/?op=add&date=2026-12-01&n=-1").status_code == 400
    client.force_login(hq_staff)
    assert "估算" in client.get("/supervision/deadline-preview/?deadline=20 个工作日").content.decode()


@pytest.mark.django_db
@time_machine.travel(DECEMBER, tick=False)
def test_the_notice_text_says_a_deadline_is_estimated(make_task):
    task = make_task(deadline=dt.date(2027, 1, 20))
    context = notice_context(task, number="1", issuer="指挥部", today=dt.date(2026, 12, 7))
    assert "估算" in context["deadline"]
    assert "估算" not in notice_context(make_task(), number="2", issuer="指挥部", today=dt.date(2022, 2, 1))["deadline"]


@pytest.mark.django_db
@time_machine.travel(DECEMBER, tick=False)
def test_hq_enters_a_notice_in_the_browser(client, hq_staff, liaison):
    client.force_login(hq_staff)
    page = client.get("/supervision/workdays/").content.decode()
    assert 'id="calendar-missing"' in page and "2027" in page
    form = {"notice": "1", "year": "2027", "source": "测试用样例", "holidays": "2027-01-01\n2027-02-05~2027-02-07"}
    response = client.post("/supervision/workdays/", form)
    assert response.status_code == 302
    entry = OfficialCalendarYear.objects.get()
    assert entry.holidays == ["2027-01-01", "2027-02-05", "2027-02-06", "2027-02-07"]
    assert 'id="calendar-missing"' not in client.get("/supervision/workdays/").content.decode()
    # A wrong entry comes back with the reason and what was typed.
    page = client.post("/supervision/workdays/", {**form, "workdays": "2027-01-04"}).content.decode()
    assert "周六或周日" in page and "2027-02-05~2027-02-07" in page
    client.force_login(liaison)
    assert client.post("/supervision/workdays/", form).status_code == 403


@pytest.mark.django_db
def test_hq_is_reminded_weekly_from_1_november_while_next_year_is_missing(hq_staff, hq_commander, liaison):
    assert calendar_reminder.remind_missing_calendar(dt.date(2026, 10, 31)) == 0
    assert calendar_reminder.remind_missing_calendar(dt.date(2026, 11, 2)) == 2
    assert calendar_reminder.remind_missing_calendar(dt.date(2026, 11, 3)) == 0  # same week
    assert calendar_reminder.remind_missing_calendar(dt.date(2026, 11, 9)) == 2
    assert not Notification.objects.filter(recipient=liaison).exists()
    calendar_notice_save(actor=hq_staff, data=NOTICE_2027)
    assert calendar_reminder.remind_missing_calendar(dt.date(2026, 11, 16)) == 0


@pytest.mark.django_db
def test_a_document_deadline_carries_the_estimate_note():
    from relocation.core.workdays import estimate_note

    assert "估算" in estimate_note(dt.date(2027, 3, 1), since=dt.date(2026, 12, 7))
    assert estimate_note(dt.date(2026, 12, 30), since=dt.date(2026, 12, 7)) == ""
