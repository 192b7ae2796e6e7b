"""REST API: scoped like the pages, writes through the services, 409 on a stale version."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from relocation.core.tests.personas import verified_login
from relocation.remediation.models import Stage
from relocation.remediation.tests.conftest import add_results, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_sites_are_scoped(api, liaison, site, other_site, django_assert_max_num_queries):
    api.force_login(liaison)
    # 9: the environment-bureau permission reads the unit's functions (one query).
    with django_assert_max_num_queries(9):
        body = api.get("/api/remediation/sites/").json()
    assert [s["code"] for s in body["results"]] == ["HM-001"]
    assert api.get(f"/api/remediation/sites/{other_site.pk}/").status_code == 404


def test_a_stale_version_answers_409(api, liaison, site):
    api.force_login(liaison)
    url = f"/api/remediation/sites/{site.pk}/"
    assert api.patch(url, {"name": "新", "version": site.version}, format="json").status_code == 200
    response = api.patch(url, {"name": "旧", "version": site.version}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "conflict"


def test_the_stage_moves_with_evidence(api, liaison, site):
    api.force_login(liaison)
    url = f"/api/remediation/sites/{site.pk}/move/"
    response = api.post(url, {"target": "initial", "reason": "委托调查", "evidence": pdf()}, format="multipart")
    assert response.status_code == 200, response.json()
    illegal = api.post(url, {"target": "closed", "reason": "x", "evidence": pdf()}, format="multipart")
    assert illegal.status_code == 409
    history = api.get(f"/api/remediation/sites/{site.pk}/history/").json()
    assert history[0]["to_stage"] == Stage.INITIAL


def test_results_are_judged_and_imports_are_all_or_nothing(api, liaison, site, values):
    add_results(liaison, site, values, [("S1", "cr6", "80")])
    api.force_login(liaison)
    rows = api.get(f"/api/remediation/results/?site={site.pk}").json()["results"]
    assert rows[0]["over_screening"] and rows[0]["over_intervention"]
    bad = "采样点,深度（米）,污染物,浓度（mg/kg）,采样日期\nS9,0.5,镍,abc,2022-03-01\n"
    response = api.post(
        f"/api/remediation/sites/{site.pk}/import-results/",
        {"file": SimpleUploadedFile("lab.csv", bad.encode())},
        format="multipart",
    )
    assert response.status_code == 400 and response.json()["imported"] == 0
    known_and_unknown = "采样点,深度（米）,污染物,浓度（mg/kg）,采样日期\nS9,0.5,石油烃(C10-C40),900,2022-03-01\nS9,0.5,锌,3,2022-03-01\n"
    response = api.post(
        f"/api/remediation/sites/{site.pk}/import-results/",
        {"file": SimpleUploadedFile("lab.csv", known_and_unknown.encode())},
        format="multipart",
    )
    assert response.status_code == 200
    assert response.json()["imported"] == 1 and "锌" in response.json()["warnings"][0]


def test_obligations_payments_and_escalation(api, inspector, liaison, liable):
    _liability, obligation = liable
    api.force_login(liaison)
    paid = api.post(
        f"/api/remediation/obligations/{obligation.pk}/payments/",
        {"paid_on": "2022-02-01", "amount": "30000"},
        format="json",
    )
    assert paid.status_code == 200 and paid.json()["paid"] == "30000.00"
    too_much = api.post(
        f"/api/remediation/obligations/{obligation.pk}/payments/",
        {"paid_on": "2022-02-02", "amount": "70000.01"},
        format="json",
    )
    assert too_much.status_code == 400 and "最多还可登记 70,000.00 元" in str(too_much.json())
    assert api.post(f"/api/remediation/obligations/{obligation.pk}/escalate/").status_code == 403
    api.force_login(inspector)
    assert api.get("/api/remediation/obligations/?overdue=1").json()["count"] == 1
    task = api.post(f"/api/remediation/obligations/{obligation.pk}/escalate/").json()["task"]
    assert isinstance(task, int)


def test_the_overview_counts_per_stage(api, inspector, liaison, site):
    api.force_login(inspector)
    body = api.get("/api/remediation/overview/").json()
    assert body["total"] == 1 and {"stage": "pending", "label": "待调查", "sites": 1} in body["stages"]
    api.force_login(liaison)
    assert api.get("/api/remediation/overview/").status_code == 403


def test_auditors_read_but_do_not_write(api, auditor, site):
    verified_login(api, auditor)
    assert api.get("/api/remediation/sites/").json()["count"] == 1
    response = api.patch(f"/api/remediation/sites/{site.pk}/", {"name": "x", "version": 1}, format="json")
    assert response.status_code == 403
