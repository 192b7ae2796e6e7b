"""The API: anonymous submit and lookup (limited per address), the inbox per role, 409 on a stale version."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from relocation.portal.models import Inquiry, InquiryStatus

pytestmark = pytest.mark.django_db

BODY = {"kind": "policy", "subject": "补贴政策", "text": "主动搬迁有哪些补贴？", "phone": "13922001122"}


@pytest.fixture
def api():
    return APIClient()


def test_it_submits_and_looks_up_without_login(api, programme):
    response = api.post("/api/portal/public/inquiries/", BODY, format="json")
    assert response.status_code == 201, response.content
    number, code = response.data["number"], response.data["code"]
    assert Inquiry.objects.get().number == number
    found = api.post("/api/portal/public/lookup/", {"number": number, "code": code}, format="json")
    assert found.status_code == 200 and found.data["status"] == "received" and found.data["answer"] == ""
    assert "phone" not in found.data and "contact_name" not in found.data
    assert (
        api.post("/api/portal/public/lookup/", {"number": number, "code": "ZZZZZZ"}, format="json").status_code == 404
    )


def test_it_refuses_the_honeypot_and_throttles(api, programme):
    response = api.post("/api/portal/public/inquiries/", {**BODY, "website": "x"}, format="json")
    assert response.status_code == 400 and "隐藏" in response.data["detail"]
    for _ in range(5):
        assert api.post("/api/portal/public/inquiries/", BODY, format="json").status_code == 201
    response = api.post("/api/portal/public/inquiries/", BODY, format="json")
    assert response.status_code == 429 and response.data["code"] == "rate_limited"
    for _ in range(30):
        api.post("/api/portal/public/lookup/", {"number": "GZ-1", "code": "AAAAAA"}, format="json")
    assert (
        api.post("/api/portal/public/lookup/", {"number": "GZ-1", "code": "AAAAAA"}, format="json").status_code == 429
    )


def test_the_inbox_is_closed_to_anonymous_users(api, programme):
    assert api.get("/api/portal/inquiries/").status_code in (401, 403)


def test_hq_assigns_and_a_stale_version_is_409(api, submit, hq_staff, units):
    inquiry, _ = submit()
    api.force_login(hq_staff)
    url = f"/api/portal/inquiries/{inquiry.pk}/assign/"
    stale = api.post(url, {"unit": units["humen"].pk, "version": inquiry.version + 5}, format="json")
    assert stale.status_code == 409
    ok = api.post(url, {"unit": units["humen"].pk, "version": inquiry.version}, format="json")
    assert ok.status_code == 200 and ok.data["status"] == "assigned" and ok.data["phone"] == "138****8000"
    again = api.post(url, {"unit": units["humen"].pk, "version": ok.data["version"]}, format="json")
    assert again.status_code == 409 and again.data["code"] == "illegal_transition"


def test_unit_drafts_hq_publishes_and_closes(api, assigned, liaison, hq_staff):
    api.force_login(liaison)
    base = f"/api/portal/inquiries/{assigned.pk}/"
    draft = api.post(base + "draft/", {"text": "已查处。", "version": assigned.version}, format="json")
    assert draft.status_code == 200
    assert api.post(base + "publish/", {"version": draft.data["version"]}, format="json").status_code == 403
    assert api.post(base + "close/", {"version": draft.data["version"]}, format="json").status_code == 403
    api.force_login(hq_staff)
    published = api.post(base + "publish/", {"version": draft.data["version"]}, format="json")
    assert published.data["status"] == "answered" and published.data["answer"] == "已查处。"
    closed = api.post(base + "close/", {"version": published.data["version"]}, format="json")
    assert closed.data["status"] == InquiryStatus.CLOSED


def test_scopes_in_the_list(api, assigned, submit, liaison, outsider, hq_staff, enterprise_contact):
    submit(kind="complaint")
    api.force_login(hq_staff)
    assert api.get("/api/portal/inquiries/").data["count"] == 2
    api.force_login(liaison)
    assert [r["id"] for r in api.get("/api/portal/inquiries/").data["results"]] == [assigned.pk]
    api.force_login(outsider)
    assert api.get("/api/portal/inquiries/").data["count"] == 0
    assert api.get(f"/api/portal/inquiries/{assigned.pk}/").status_code == 404
    api.force_login(enterprise_contact)
    asked = api.post("/api/portal/inquiries/", {"kind": "policy", "subject": "材料", "text": "要什么？"}, format="json")
    assert asked.status_code == 201 and "-QY-" in asked.data["number"]
    assert [r["id"] for r in api.get("/api/portal/inquiries/").data["results"]] == [asked.data["id"]]
    assert (
        api.post(f"/api/portal/inquiries/{asked.data['id']}/reject/", {"reason": "spam", "version": 1}).status_code
        == 403
    )
