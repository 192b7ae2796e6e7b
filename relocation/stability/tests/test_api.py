"""The stability API, scoped and checked like the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from relocation.core.tests.personas import verified_login
from relocation.stability.models import Incident
from relocation.stability.tests.conftest import ago, pdf, png

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_it_runs_an_incident_through_the_api(api, hq_staff, hq_commander, programme, enterprise, stability_units):
    api.force_login(hq_staff)
    created = api.post(
        "/api/stability/incidents/",
        {
            "kind": "petition",
            "title": "聚集上访",
            "occurred_at": ago(hours=1).isoformat(),
            "place": "镇政府",
            "people_count": 60,
            "severity": "major",
            "description": "业主聚集。",
            "enterprise": enterprise.pk,
            "lead_unit": stability_units["humen"].pk,
        },
        format="json",
    )
    assert created.status_code == 201, created.data
    base = f"/api/stability/incidents/{created.data['id']}/"
    assert hq_commander.notifications.filter(verb="stability.serious_incident").exists()
    assert api.post(base + "respond/", {"text": "已到场"}, format="json").data["status"] == "responding"
    due = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    action = api.post(
        base + "actions/", {"text": "核实诉求", "unit": stability_units["hrss"].pk, "due_on": due}, format="json"
    )
    assert action.status_code == 201 and action.data["task_status"] == "assigned"
    assert api.post(base + "evidence/", {"file": png(), "note": "照片"}, format="multipart").status_code == 201
    assert api.post(base + "resolve/", {"text": ""}, format="json").status_code == 400
    assert api.post(base + "resolve/", {"text": "已化解"}, format="json").data["status"] == "resolved"
    detail = api.get(base).data
    assert [h["to_status"] for h in detail["history"]] == ["reported", "responding", "resolved"]
    assert len(detail["actions"]) == 1 and len(detail["evidence"]) == 1


def test_an_edit_on_an_old_version_is_a_conflict(api, hq_staff, incident):
    api.force_login(hq_staff)
    url = f"/api/stability/incidents/{incident.pk}/"
    assert api.patch(url, {"people_count": 40, "version": incident.version + 5}, format="json").status_code == 409
    ok = api.patch(url, {"people_count": 40, "version": incident.version}, format="json")
    assert ok.status_code == 200 and ok.data["people_count"] == 40
    assert api.patch(url, {"people_count": 41}, format="json").status_code == 400  # the version is required
    assert api.put(url, {"people_count": 41, "version": 2}, format="json").status_code == 405  # PATCH edits
    assert Incident.objects.get(pk=incident.pk).people_count == 40


def test_risk_register_through_the_api(api, hq_staff, hk_enterprise, stability_units):
    api.force_login(hq_staff)
    created = api.post(
        "/api/stability/risks/",
        {
            "enterprise": hk_enterprise.pk,
            "level": "medium",
            "factors": ["lease_dispute"],
            "responsible_unit": stability_units["humen"].pk,
            "review_on": timezone.localdate().isoformat(),
        },
        format="json",
    )
    assert created.status_code == 201, created.data
    assert created.data["factors"] == ["lease_dispute", "cross_strait_capital"]
    url = f"/api/stability/risks/{created.data['id']}/"
    refused = api.patch(url, {"level": "high", "version": created.data["version"]}, format="json")
    assert refused.status_code == 400  # a new level needs a reason
    raised = api.patch(url, {"level": "high", "reason": "业主阻挠", "version": created.data["version"]}, format="json")
    assert raised.status_code == 200 and [h["to_level"] for h in raised.data["level_history"]] == ["medium", "high"]
    assert [r["id"] for r in api.get("/api/stability/risks/?level=high").data["results"]] == [created.data["id"]]


def test_opinion_through_the_api(api, propaganda_liaison, programme, stability_units):
    api.force_login(propaganda_liaison)
    created = api.post(
        "/api/stability/opinion/",
        {
            "source": "online",
            "title": "网帖",
            "url": "https://bbs.example.invalid/t/3",
            "first_seen_at": ago(hours=3).isoformat(),
            "level": "major",
        },
        format="json",
    )
    assert created.status_code == 201 and created.data["overdue"] is True  # 2 hours for 重大
    url = f"/api/stability/opinion/{created.data['id']}/"
    assert api.post(url + "verify/", {}, format="json").data["status"] == "verifying"
    closed = api.post(url + "close/", {"published_response": "已发布通报"}, format="json")
    assert closed.data["status"] == "closed" and closed.data["overdue"] is False
    assert api.get("/api/stability/opinion/?overdue=1").data["results"] == []


def test_plans_through_the_api(api, hq_staff, plan):
    api.force_login(hq_staff)
    base = f"/api/stability/plans/{plan.pk}/"
    version = api.post(base + "versions/", {"file": pdf(), "changes": "首版"}, format="multipart")
    assert version.status_code == 201 and version.data["number"] == 1
    approved = api.post(
        base + "approve/",
        {"version": version.data["id"], "approved_by": "协调小组", "approved_on": timezone.localdate().isoformat()},
        format="json",
    )
    assert approved.data["status"] == "approved"
    assert api.get("/api/stability/plans/").data["results"][0]["current_version"] == 1
    drill = api.post(base + "drills/", {"held_on": timezone.localdate().isoformat(), "findings": "偏慢"}, format="json")
    assert drill.status_code == 201 and drill.data["plan_version"] == 1


def test_scope_and_refusals(api, incident, outsider, enterprise_contact, auditor, liaison):
    api.force_login(outsider)
    assert api.get("/api/stability/incidents/").data["results"] == []
    assert api.get(f"/api/stability/incidents/{incident.pk}/").status_code == 404
    api.force_login(enterprise_contact)
    for path in ["incidents", "risks", "opinion", "plans"]:
        assert api.get(f"/api/stability/{path}/").status_code == 403
    verified_login(api, auditor)
    assert len(api.get("/api/stability/incidents/").data["results"]) == 1
    assert api.post(f"/api/stability/incidents/{incident.pk}/respond/", {}, format="json").status_code == 403
    api.force_login(liaison)
    assert api.post(f"/api/stability/incidents/{incident.pk}/respond/", {}, format="json").status_code == 200


@pytest.mark.parametrize("path", ["risks", "incidents", "opinion", "plans"])
def test_the_api_lists_take_a_constant_number_of_queries(
    api, path, hq_staff, programme, make_enterprise, stability_units, django_assert_max_num_queries
):
    from relocation.stability.tests.test_views import _many

    api.force_login(hq_staff)
    _many(hq_staff, programme, make_enterprise, stability_units, 2)
    with django_assert_max_num_queries(18) as few:  # risk signals: 1–2 queries per registered source
        assert api.get(f"/api/stability/{path}/").status_code == 200
    _many(hq_staff, programme, make_enterprise, stability_units, 6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api.get(f"/api/stability/{path}/").status_code == 200
