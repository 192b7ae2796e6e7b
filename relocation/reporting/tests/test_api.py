"""The bulletin API, scoped like the pages."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from relocation.reporting.models import BulletinReceipt


@pytest.fixture
def api():
    return APIClient()


@pytest.mark.django_db
def test_compile_edit_issue_and_receipts_through_the_api(api, hq_staff, liaison, units, programme):
    api.force_login(hq_staff)
    compiled = api.post("/api/reporting/bulletins/compile/", {"year": 2022, "month": 1}, format="json")
    assert compiled.status_code == 201
    pk = compiled.data["id"]
    section = next(s for s in compiled.data["sections"] if s["key"] == "next_steps")
    edited = api.patch(
        f"/api/reporting/bulletins/{pk}/sections/next_steps/",
        {"text": "下月安排", "version": section["version"]},
        format="json",
    )
    assert edited.status_code == 200 and edited.data["edited"] is True
    stale = api.patch(
        f"/api/reporting/bulletins/{pk}/sections/next_steps/",
        {"text": "再改", "version": section["version"]},
        format="json",
    )
    assert stale.status_code == 409
    issued = api.post(f"/api/reporting/bulletins/{pk}/issue/")
    assert issued.status_code == 200 and issued.data["document_number"]
    api.force_login(liaison)
    assert api.get(f"/api/reporting/bulletins/{pk}/").status_code == 200
    assert api.get(f"/api/reporting/bulletins/{pk}/pdf/").content[:5] == b"%PDF-"
    assert BulletinReceipt.objects.filter(user=liaison).count() == 1
    assert api.get(f"/api/reporting/bulletins/{pk}/receipts/").status_code == 403
    api.force_login(hq_staff)
    receipts = api.get(f"/api/reporting/bulletins/{pk}/receipts/").data
    assert {r["user"]: bool(r["opened_at"]) for r in receipts} == {"humen_liaison": True}


@pytest.mark.django_db
def test_units_cannot_compile_through_the_api(api, liaison, units):
    api.force_login(liaison)
    assert api.post("/api/reporting/bulletins/compile/", {"year": 2022, "month": 1}, format="json").status_code == 403
    assert api.get("/api/reporting/bulletins/").data["count"] == 0


@pytest.mark.django_db
def test_a_bad_month_is_refused_with_the_field_named(api, hq_staff, units):
    api.force_login(hq_staff)
    response = api.post("/api/reporting/bulletins/compile/", {"year": 2022, "month": 13}, format="json")
    assert response.status_code == 400 and "month" in response.data
