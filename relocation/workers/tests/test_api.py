"""The REST API: the same scope, rules and version check as the pages."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from relocation.core.tests.personas import verified_login
from relocation.workers.models import LabourCase, Worker
from relocation.workers.tests.conftest import valid_id

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    if user.role == "system_admin":
        verified_login(client, user)
    else:
        client.force_login(user)
    return client


def test_the_bureau_adds_a_worker_and_reads_it_masked(bureau, enterprise):
    response = api(bureau).post(
        "/api/workers/workers/",
        {"enterprise": enterprise.pk, "name": "张三", "id_number": valid_id(9), "phone": "13912345678"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.data["phone"] == "139****5678" and "*" in response.data["id_number"]
    found = api(bureau).get("/api/workers/workers/", {"id_number": valid_id(9)})
    assert [w["name"] for w in found.data["results"]] == ["张三"]


def test_an_invalid_id_number_is_a_400_in_chinese(bureau, enterprise):
    response = api(bureau).post(
        "/api/workers/workers/", {"enterprise": enterprise.pk, "name": "张三", "id_number": "1"}, format="json"
    )
    assert response.status_code == 400 and "身份证号无效" in response.data["detail"]


def test_a_stale_patch_is_a_409(hq_staff, worker):
    client = api(hq_staff)
    assert (
        client.patch(f"/api/workers/workers/{worker.pk}/", {"job": "a", "version": 1}, format="json").status_code == 200
    )
    response = client.patch(f"/api/workers/workers/{worker.pk}/", {"job": "b", "version": 1}, format="json")
    assert response.status_code == 409 and response.data["code"] == "conflict"
    assert Worker.objects.get(pk=worker.pk).job == "a"


def test_other_units_see_nothing(other_town, worker, make_case):
    make_case(worker.enterprise)
    client = api(other_town)
    assert client.get("/api/workers/workers/").data["results"] == []
    assert client.get("/api/workers/cases/").data["results"] == []
    assert client.get(f"/api/workers/workers/{worker.pk}/").status_code == 404


def test_the_system_admin_is_refused(system_admin):
    assert api(system_admin).get("/api/workers/workers/").status_code == 403


def test_a_case_goes_from_report_to_paid(bureau, enterprise, worker):
    client = api(bureau)
    response = client.post(
        "/api/workers/cases/",
        {
            "enterprise": enterprise.pk,
            "kind": "wage_arrears",
            "summary": "工资未发",
            "lines": [{"worker": worker.pk, "months": 2, "amount": "10000"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    pk = response.data["id"]
    assert client.post(f"/api/workers/cases/{pk}/move/", {"target": "paid", "reason": "x"}).status_code == 409
    client.post(f"/api/workers/cases/{pk}/move/", {"target": "verified", "reason": "核实"})
    client.post(f"/api/workers/cases/{pk}/payments/", {"amount": "4000", "paid_on": "2022-05-01"})
    response = client.post(f"/api/workers/cases/{pk}/payments/", {"amount": "6000", "paid_on": "2022-05-02"})
    assert response.status_code == 201 and response.data["status"] == "paid"
    assert [p["amount"] for p in response.data["payments"]] == ["4000.00", "6000.00"]


def test_placement_and_the_rate(bureau, enterprise, worker):
    client = api(bureau)
    response = client.post(f"/api/workers/workers/{worker.pk}/placement/", {"outcome": "self_employed"})
    assert response.status_code == 200 and response.data["status"] == "placed"
    summary = client.get("/api/workers/placement/").data
    assert (summary["placed"], summary["population"], summary["rate"]) == (1, 1, "100.0")
    assert summary["enterprises"][0]["enterprise"] == enterprise.pk


def test_the_import_endpoint_reports_errors_with_400(bureau, enterprise):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["姓名", "身份证号"])
    wb.active.append(["张三", "bad"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "r.xlsx"
    response = api(bureau).post(
        "/api/workers/workers/import/", {"enterprise": enterprise.pk, "file": buf}, format="multipart"
    )
    assert response.status_code == 400 and response.data["errors"][0]["row"] == 2


def test_the_bureau_records_an_activity_others_cannot(bureau, liaison, worker):
    payload = {
        "kind": "job_fair",
        "title": "专场招聘会",
        "held_on": "2022-04-01",
        "jobs_offered": 300,
        "workers": [worker.pk],
    }
    assert api(liaison).post("/api/workers/activities/", payload, format="json").status_code == 403
    response = api(bureau).post("/api/workers/activities/", payload, format="json")
    assert response.status_code == 201 and response.data["workers"] == [worker.pk]


def test_the_case_list_takes_a_fixed_number_of_queries(
    hq_staff, make_enterprise, make_case, django_assert_max_num_queries
):
    client = api(hq_staff)
    make_case(make_enterprise(), amounts=(Decimal(1),))
    client.get("/api/workers/cases/")
    with django_assert_max_num_queries(20) as small:
        client.get("/api/workers/cases/")
    for _ in range(5):
        make_case(make_enterprise(), amounts=(Decimal(1), Decimal(2)))
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(client.get("/api/workers/cases/").data["results"]) == 6
    assert LabourCase.objects.count() == 6


def test_the_worker_list_takes_a_fixed_number_of_queries(
    hq_staff, enterprise, make_worker, django_assert_max_num_queries
):
    client = api(hq_staff)
    make_worker(enterprise)
    client.get("/api/workers/workers/")
    with django_assert_max_num_queries(20) as small:
        client.get("/api/workers/workers/")
    for _ in range(8):
        make_worker(enterprise)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/api/workers/workers/")


def test_a_zone_wide_activity_lists_only_the_workers_the_reader_may_see(
    bureau, other_town, units, make_enterprise, make_worker
):
    """The probe read roster ids of other enterprises in /api/workers/activities/."""
    here = make_worker(make_enterprise())
    there = make_worker(make_enterprise(territorial_unit=units["binhaiwan"]))
    payload = {"kind": "job_fair", "title": "专场招聘会", "held_on": "2022-04-01", "workers": [here.pk, there.pk]}
    assert api(bureau).post("/api/workers/activities/", payload, format="json").status_code == 201
    assert api(bureau).get("/api/workers/activities/").data["results"][0]["workers"] == sorted([here.pk, there.pk])
    assert api(other_town).get("/api/workers/activities/").data["results"][0]["workers"] == [there.pk]
