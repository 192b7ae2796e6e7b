"""The meetings API, scoped like the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from relocation.supervision.models import Task


@pytest.fixture
def api():
    return APIClient()


@pytest.mark.django_db
def test_it_runs_a_meeting_through_the_api(api, hq_staff, units, meeting):
    api.force_login(hq_staff)
    base = f"/api/meetings/meetings/{meeting.pk}/"
    assert api.post(base + "agenda/", {"title": "HQ议题"}, format="json").status_code == 201
    rows = [{"unit": units["humen"].pk, "status": "present", "attendee": "王镇长"}]
    assert api.put(base + "attendance/", rows, format="json").status_code == 200
    assert api.post(base + "hold/").status_code == 200
    minutes = {"minutes": "<p>纪要</p>", "version": 2}
    assert api.put(base + "minutes/", minutes, format="json").status_code == 200
    decision = {"text": "落实断电", "lead_unit": units["power"].pk, "deadline": "2022-03-01", "make_task": True}
    response = api.post(base + "decisions/", decision, format="json")
    assert response.status_code == 201 and response.data["task_status"] == "assigned"
    again = api.post(base + f"decisions/{response.data['id']}/task/")
    assert again.data["task"] == response.data["task"] and Task.objects.count() == 1
    issued = api.post(base + "minutes/issue/")
    assert issued.status_code == 200 and issued.data["status"] == "minutes_issued"
    assert api.get(base + "minutes/pdf/").content[:5] == b"%PDF-"
    detail = api.get(base).data
    assert detail["agenda"][0]["title"] == "HQ议题" and detail["decisions"][0]["text"] == "落实断电"


@pytest.mark.django_db
def test_a_stale_minutes_version_is_a_conflict(api, hq_staff, meeting):
    api.force_login(hq_staff)
    response = api.put(f"/api/meetings/meetings/{meeting.pk}/minutes/", {"minutes": "x", "version": 99}, format="json")
    assert response.status_code == 409


@pytest.mark.django_db
def test_units_read_but_cannot_write(api, liaison, units, meeting):
    api.force_login(liaison)
    assert api.get("/api/meetings/meetings/").status_code == 200
    base = f"/api/meetings/meetings/{meeting.pk}/"
    assert api.post(base + "agenda/", {"title": "x"}, format="json").status_code == 403
    assert api.post(base + "hold/").status_code == 403
    assert (
        api.post(
            "/api/meetings/meetings/", {"title": "x", "scheduled_at": "2022-02-01T10:00:00+08:00"}, format="json"
        ).status_code
        == 403
    )


@pytest.mark.django_db
def test_enterprise_contacts_get_nothing(api, enterprise_contact, meeting):
    api.force_login(enterprise_contact)
    assert api.get("/api/meetings/meetings/").status_code == 403
    assert api.get("/api/meetings/requests/").status_code == 403


@pytest.mark.django_db
def test_requests_through_the_api(api, liaison, hq_staff):
    api.force_login(liaison)
    response = api.post("/api/meetings/requests/", {"problem": "紧急问题"}, format="json")
    assert response.status_code == 201
    api.force_login(hq_staff)
    accepted = api.post(
        f"/api/meetings/requests/{response.data['id']}/accept/",
        {"scheduled_at": "2022-02-16T10:00:00+08:00"},
        format="json",
    )
    assert accepted.status_code == 201 and accepted.data["kind"] == "extra"
    assert (
        api.post(f"/api/meetings/requests/{response.data['id']}/decline/", {"reply": "x"}, format="json").status_code
        == 409
    )


@pytest.mark.django_db
def test_api_list_query_count_is_flat(api, hq_staff, programme):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from relocation.meetings import services

    api.force_login(hq_staff)
    services.meeting_schedule_monthly(actor=hq_staff, programme=programme, period=dt.date(2022, 1, 1))
    with CaptureQueriesContext(connection) as small:
        api.get("/api/meetings/meetings/")
    for m in range(2, 10):
        services.meeting_schedule_monthly(actor=hq_staff, programme=programme, period=dt.date(2022, m, 1))
    with CaptureQueriesContext(connection) as large:
        api.get("/api/meetings/meetings/")
    assert len(large) == len(small)
