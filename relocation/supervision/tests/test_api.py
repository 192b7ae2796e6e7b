from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from relocation.supervision.models import Task, TaskStatus


@pytest.fixture
def api():
    return APIClient()


@pytest.mark.django_db
def test_it_runs_a_task_through_the_api(api, hq_staff, liaison, units):
    api.force_login(hq_staff)
    with time_machine.travel(dt.datetime(2022, 1, 28, 2, tzinfo=dt.UTC), tick=False):
        r = api.post(
            "/api/supervision/tasks/",
            {
                "title": "核查用水",
                "lead_unit": units["humen"].pk,
                "deadline": "10 个工作日",
                "co_units": [units["water"].pk],
            },
            format="json",
        )
    assert r.status_code == 201, r.content
    assert r.json()["deadline"] == "2022-02-16"
    pk = r.json()["id"]
    api.force_login(liaison)
    assert api.post(f"/api/supervision/tasks/{pk}/sign_for/").json()["status"] == "signed_for"
    assert api.post(f"/api/supervision/tasks/{pk}/progress/", {"body": "进行中"}, format="json").status_code == 201
    assert api.post(f"/api/supervision/tasks/{pk}/report_done/", {"note": "完成"}, format="json").status_code == 200
    assert api.post(f"/api/supervision/tasks/{pk}/verify/").status_code == 403
    api.force_login(hq_staff)
    assert api.post(f"/api/supervision/tasks/{pk}/verify/").json()["status"] == "verified"
    detail = api.get(f"/api/supervision/tasks/{pk}/").json()
    assert [s["status"] for s in detail["stages"]] == [
        "assigned",
        "signed_for",
        "in_progress",
        "reported_done",
        "verified",
    ]
    # A second verify is an illegal move: 409 with a Chinese message.
    r = api.post(f"/api/supervision/tasks/{pk}/verify/")
    assert r.status_code == 409 and "不能从" in r.json()["detail"]


@pytest.mark.django_db
def test_it_reassigns_and_reminds_through_the_api(api, hq_staff, units, make_task):
    task = make_task()
    api.force_login(hq_staff)
    r = api.post(
        f"/api/supervision/tasks/{task.pk}/reassign/", {"lead_unit": units["eeb"].pk, "reason": "调整"}, format="json"
    )
    assert r.status_code == 200 and r.json()["lead_unit"] == units["eeb"].pk
    assert api.post(f"/api/supervision/tasks/{task.pk}/remind/").status_code == 200


@pytest.mark.django_db
def test_api_scopes_tasks_like_the_pages(api, outsider, enterprise_contact, make_task):
    task = make_task()
    api.force_login(outsider)
    assert api.get("/api/supervision/tasks/").json()["count"] == 0
    assert api.get(f"/api/supervision/tasks/{task.pk}/").status_code == 404
    assert api.post(f"/api/supervision/tasks/{task.pk}/sign_for/").status_code == 404
    assert (
        api.post("/api/supervision/tasks/", {"title": "x", "lead_unit": 1, "deadline": "2022-02-01"}).status_code == 403
    )
    api.force_login(enterprise_contact)
    for url in [
        "/api/supervision/tasks/",
        "/api/supervision/reports/",
        "/api/supervision/scorecards/",
        "/api/supervision/workdays/?op=add&date=2022-01-28&n=10",
    ]:
        assert api.get(url).status_code == 403, url


@pytest.mark.django_db
def test_api_task_list_query_count_does_not_grow(api, hq_staff, make_task):
    api.force_login(hq_staff)
    make_task()
    api.get("/api/supervision/tasks/")
    with CaptureQueriesContext(connection) as small:
        api.get("/api/supervision/tasks/")
    for i in range(15):
        make_task(title=f"t{i}")
    with CaptureQueriesContext(connection) as large:
        api.get("/api/supervision/tasks/")
    assert len(large) == len(small)


@pytest.mark.django_db
def test_it_reports_through_the_api(api, liaison, hq_staff):
    api.force_login(liaison)
    r = api.post("/api/supervision/reports/", {"period_start": "2022-01-11"}, format="json")
    assert r.status_code == 201
    pk = r.json()["id"]
    r = api.patch(
        f"/api/supervision/reports/{pk}/",
        {"progress": "完成摸排", "problems": [{"title": "需公安配合", "detail": "", "is_urgent": False}]},
        format="json",
    )
    assert r.status_code == 200 and r.json()["problems"][0]["title"] == "需公安配合"
    assert api.post(f"/api/supervision/reports/{pk}/submit/").json()["status"] == "submitted"
    api.force_login(hq_staff)
    assert api.get("/api/supervision/problems/").json()["count"] == 1
    assert (
        api.post(f"/api/supervision/reports/{pk}/review/", {"comment": "收悉"}, format="json").json()["status"]
        == "reviewed"
    )


@pytest.mark.django_db
def test_workdays_and_scorecard_endpoints(api, liaison, make_task):
    api.force_login(liaison)
    assert (
        api.get("/api/supervision/workdays/", {"op": "add", "date": "2022-01-28", "n": 10}).json()["date"]
        == "2022-02-16"
    )
    assert (
        api.get("/api/supervision/workdays/", {"op": "between", "start": "2022-01-28", "end": "2022-02-16"}).json()[
            "workdays"
        ]
        == 10
    )
    assert api.get("/api/supervision/workdays/", {"op": "add", "date": "bad"}).status_code == 400
    make_task(deadline=dt.date(2022, 1, 3))
    rows = api.get("/api/supervision/scorecards/").json()
    assert any(r["overdue"] == 1 for r in rows)


@pytest.mark.django_db
def test_the_workdays_command(capsys):
    from django.core.management import call_command

    call_command("workdays", "add", "2022-01-28", "10")
    call_command("workdays", "between", "2022-01-28", "2022-02-16")
    assert capsys.readouterr().out.split() == ["2022-02-16", "10"]


def test_task_statuses_are_known():
    assert {"assigned", "verified"} <= set(TaskStatus.values) and Task._meta.ordering


@pytest.mark.django_db
def test_api_report_list_query_count_does_not_grow(api, hq_staff, units):
    from relocation.conftest import make_user
    from relocation.supervision import reports

    api.force_login(hq_staff)

    def add(code):
        liaison = make_user(f"{code}_x", "unit_liaison", units[code])
        r = reports.report_open(actor=liaison, unit=units[code], period_start=dt.date(2022, 1, 11))
        reports.report_save(
            actor=liaison, report=r, progress="x", next_steps="", suggestions="", problems=[{"title": "问题"}]
        )

    add("water")
    api.get("/api/supervision/reports/")
    with CaptureQueriesContext(connection) as small:
        api.get("/api/supervision/reports/")
    for code in ["humen", "eeb", "police"]:
        add(code)
    with CaptureQueriesContext(connection) as large:
        api.get("/api/supervision/reports/")
    assert len(large) == len(small)


@pytest.mark.django_db
def test_the_daily_jobs_run_directly(make_task):
    from relocation.supervision.tasks import daily_report_reminders, daily_task_warnings

    with time_machine.travel(dt.datetime(2022, 2, 9, 2, tzinfo=dt.UTC), tick=False):
        make_task(deadline=dt.date(2022, 2, 8))
        daily_task_warnings.call_local()
        daily_task_warnings.call_local()
        daily_report_reminders.call_local()
    from relocation.supervision.models import SupervisionNotice

    assert SupervisionNotice.objects.count() == 1


@pytest.mark.django_db
def test_it_names_the_responsible_person_not_a_method(api, hq_staff, liaison, make_task):
    """`responsible_name` is the person's display name (the probe saw "<method-wrapper …>")."""
    task = make_task(responsible=liaison)
    nobody = make_task()
    api.force_login(hq_staff)
    assert api.get(f"/api/supervision/tasks/{task.pk}/").json()["responsible_name"] == str(liaison)
    assert api.get(f"/api/supervision/tasks/{nobody.pk}/").json()["responsible_name"] is None
