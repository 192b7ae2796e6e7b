"""The ledger's REST API: scoped like the pages, token auth, import and export."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook
from rest_framework.test import APIClient

from relocation.enterprises import categories
from relocation.enterprises.models import Category, Enterprise, LedgerImport
from relocation.enterprises.tests.workbooks import row, workbook
from relocation.organisation import api_tokens

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_token_auth_works_and_lists_with_category(api, hq_staff, make_enterprise):
    e = make_enterprise(intention="close")
    categories.category_confirm(actor=hq_staff, enterprise=e, category=Category.objects.get(code="close_exit"))
    make_enterprise(name="东莞市别家电镀有限公司")
    issued = api_tokens.api_token_issue(actor=hq_staff)
    api.credentials(HTTP_AUTHORIZATION=f"Token {issued.key}")
    data = api.get("/api/enterprises/enterprises/", {"category": "close_exit"}).json()
    assert data["count"] == 1
    [item] = data["results"]
    assert item["category"] == "close_exit" and item["category_name"] == "关停退出"
    assert item["proposed_category"] == "close_exit"
    assert item["contact_phone_masked"] == "138****5678" and "contact_phone" not in item


def test_anonymous_is_refused(api, enterprise):
    assert api.get("/api/enterprises/enterprises/").status_code in (401, 403)


def test_an_enterprise_contact_sees_only_its_own(api, enterprise_contact, enterprise, make_enterprise):
    other = make_enterprise(name="东莞市别家电镀有限公司")
    api.force_login(enterprise_contact)
    ids = [e["id"] for e in api.get("/api/enterprises/enterprises/").json()["results"]]
    assert ids == [enterprise.pk]
    assert api.get(f"/api/enterprises/enterprises/{other.pk}/").status_code == 404
    assert api.get("/api/enterprises/visits/", {"enterprise": other.pk}).json()["count"] == 0


def test_categorise_through_the_api(api, liaison, outsider, enterprise):
    api.force_login(outsider)
    url = f"/api/enterprises/enterprises/{enterprise.pk}/categorise/"
    assert api.post(url, {"category": "holdout"}, format="json").status_code == 403
    api.force_login(liaison)
    response = api.post(url, {"category": "holdout", "reason": "拒不配合"}, format="json")
    assert response.status_code == 200 and response.json()["category"] == "holdout"


def test_import_dry_run_returns_the_row_report(api, hq_staff, programme):
    api.force_login(hq_staff)
    content = workbook([row(1), row(2, 是否重点污染企业="也许")])
    response = api.post(
        "/api/enterprises/enterprises/import/",
        {"file": SimpleUploadedFile("l.xlsx", content), "dry_run": "true"},
        format="multipart",
    )
    assert response.status_code == 400
    report = response.json()
    assert report["errors"] == [{"row": 3, "column": "是否重点污染企业", "reason": report["errors"][0]["reason"]}]
    assert report["counts"]["created"] == 1 and not report["applied"]
    assert not Enterprise.objects.exists()


def test_import_applies_when_the_file_is_clean(api, hq_staff, programme):
    api.force_login(hq_staff)
    response = api.post(
        "/api/enterprises/enterprises/import/",
        {"file": SimpleUploadedFile("l.xlsx", workbook([row(1)])), "dry_run": "false"},
        format="multipart",
    )
    assert response.status_code == 200 and response.json()["applied"]
    assert Enterprise.objects.count() == 1
    record = LedgerImport.objects.get()
    assert record.status == "applied" and record.stored_file.sha256 == response.json()["sha256"]


def test_import_is_for_hq_editors_only(api, liaison, programme):
    api.force_login(liaison)
    response = api.post(
        "/api/enterprises/enterprises/import/",
        {"file": SimpleUploadedFile("l.xlsx", workbook([row(1)])), "dry_run": "false"},
        format="multipart",
    )
    assert response.status_code == 403 and not Enterprise.objects.exists()


def test_export_through_the_api(api, liaison, make_enterprise, enterprise_contact):
    make_enterprise(name="东莞市甲电镀有限公司")
    make_enterprise(name="东莞市乙印染有限公司", industry="dyeing")
    api.force_login(liaison)
    response = api.get("/api/enterprises/enterprises/export/", {"industry": "dyeing"})
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["东莞市乙印染有限公司"]
    api.force_login(enterprise_contact)
    assert api.get("/api/enterprises/enterprises/export/").status_code == 403


def test_categories_are_listed_for_staff(api, inspector, enterprise_contact):
    api.force_login(inspector)
    codes = [c["code"] for c in api.get("/api/enterprises/categories/").json()["results"]]
    assert codes[:2] == ["holdout", "close_exit"]


def test_visits_filter_by_date_and_stay_scoped(api, hq_staff, enterprise_contact, enterprise, make_enterprise):
    import datetime as dt

    from relocation.enterprises import services

    other = make_enterprise(name="东莞市别家电镀有限公司")
    args = {"visitors": "甲", "production_status_seen": "producing", "intention": "undecided"}
    services.visit_record(actor=hq_staff, enterprise=enterprise, visited_on=dt.date(2021, 7, 1), **args)
    services.visit_record(actor=hq_staff, enterprise=enterprise, visited_on=dt.date(2021, 9, 1), **args)
    services.visit_record(actor=hq_staff, enterprise=other, visited_on=dt.date(2021, 9, 2), **args)
    api.force_login(hq_staff)
    assert api.get("/api/enterprises/visits/", {"visited_from": "2021-08-01"}).json()["count"] == 2
    api.force_login(enterprise_contact)
    data = api.get("/api/enterprises/visits/").json()
    assert data["count"] == 2 and {v["enterprise"] for v in data["results"]} == {enterprise.pk}
