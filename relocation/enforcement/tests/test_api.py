"""The REST API: same scope and rules as the pages."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from relocation.enforcement.models import Inspection, Measure, MeasureStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_it_runs_an_inspection_through_the_api(api, inspector, inspector2, team, enterprise, domain):
    api.force_login(inspector)
    r = api.post(
        "/api/enforcement/inspections/",
        {
            "enterprise": enterprise.pk,
            "team": team.pk,
            "inspectors": [inspector.pk, inspector2.pk],
            "findings": "暗管",
            "representative_name": "王经理",
            "representative_signed": True,
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    r = api.post(
        "/api/enforcement/violations/",
        {"inspection": r.json()["id"], "domain": domain.pk, "description": "暗管偷排"},
        format="json",
    )
    assert r.status_code == 201, r.content
    violation_id = r.json()["id"]
    r = api.post(
        "/api/enforcement/measures/", {"violation": violation_id, "kind": "fine", "amount": "20000"}, format="json"
    )
    assert r.status_code == 201 and r.json()["status"] == "pending_approval"
    fine_id = r.json()["id"]
    assert api.post(f"/api/enforcement/measures/{fine_id}/approve/").status_code == 403
    api.force_login(inspector2)
    r = api.post(f"/api/enforcement/measures/{fine_id}/approve/")
    assert r.status_code == 200 and r.json()["status"] == "in_force"
    r = api.patch(
        f"/api/enforcement/measures/{fine_id}/", {"amount": "1", "version": r.json()["version"]}, format="json"
    )
    assert r.status_code == 400
    r = api.post(f"/api/enforcement/measures/{fine_id}/revoke/", {"reason": "复议撤销"}, format="json")
    assert r.json()["status"] == "revoked"
    r = api.post(
        "/api/enforcement/measures/", {"violation": violation_id, "kind": "rectification", "workdays": 5}, format="json"
    )
    order = Measure.objects.get(pk=r.json()["id"])
    assert order.status == MeasureStatus.IN_FORCE
    queue = api.get("/api/enforcement/queue/").json()
    assert queue["follow_ups_total"] == 1
    follow_up = Inspection.objects.get(follow_up_of=order)
    r = api.post(
        "/api/enforcement/inspections/",
        {
            "enterprise": enterprise.pk,
            "team": team.pk,
            "inspectors": [inspector.pk, inspector2.pk],
            "representative_name": "王经理",
            "representative_signed": True,
            "follow_up": follow_up.pk,
            "follow_up_result": "fixed",
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    order.refresh_from_db()
    assert order.status == MeasureStatus.CLOSED
    f = api.get(f"/api/enforcement/files/{enterprise.pk}/").json()
    assert f["counts"]["violations"] == 1 and len(f["documents"]) == 2
    assert api.get("/api/enforcement/statistics/").status_code == 200


def test_the_api_refuses_one_inspector(api, inspector, team, enterprise):
    api.force_login(inspector)
    r = api.post(
        "/api/enforcement/inspections/",
        {
            "enterprise": enterprise.pk,
            "team": team.pk,
            "inspectors": [inspector.pk],
            "representative_name": "王经理",
            "representative_signed": True,
        },
        format="json",
    )
    assert r.status_code == 400 and "两名" in r.json()["detail"]


def test_the_api_refuses_outsiders_and_contacts(api, outsider, enterprise_contact, team, enterprise, inspector):
    api.force_login(outsider)
    r = api.post(
        "/api/enforcement/inspections/",
        {"enterprise": enterprise.pk, "team": team.pk, "inspectors": [inspector.pk], "representative_name": "x"},
        format="json",
    )
    assert r.status_code in {400, 403}
    assert api.post("/api/enforcement/checklist-items/", {"domain": team.domain_id, "text": "x"}).status_code == 403
    api.force_login(enterprise_contact)
    for url in [
        "/api/enforcement/inspections/",
        "/api/enforcement/domains/",
        "/api/enforcement/queue/",
        "/api/enforcement/measures/",
    ]:
        assert api.get(url).status_code == 403, url


def test_hq_configures_checklists_and_teams(api, hq_staff, domain, inspector, inspector2):
    api.force_login(hq_staff)
    r = api.post(
        "/api/enforcement/checklist-items/",
        {"domain": domain.pk, "text": "雨污分流是否到位", "order": 9},
        format="json",
    )
    assert r.status_code == 201
    r = api.post(
        "/api/enforcement/teams/",
        {"domain": domain.pk, "name": "生态环境执法二组", "members": [inspector.pk, inspector2.pk]},
        format="json",
    )
    assert r.status_code == 201 and sorted(r.json()["members"]) == sorted([inspector.pk, inspector2.pk])
    steps = api.get("/api/enforcement/escalation-steps/").json()["results"]
    assert [s["kind"] for s in steps][:2] == ["rectification", "fine"]


def test_hq_changes_the_repeat_offender_rule_and_others_cannot(api, hq_staff, inspector, config):
    from relocation.enforcement.models import RepeatOffenderRule

    rule = RepeatOffenderRule.objects.get(programme=config)
    api.force_login(inspector)
    assert (
        api.patch(f"/api/enforcement/repeat-offender-rules/{rule.pk}/", {"violations": 2}, format="json").status_code
        == 403
    )
    api.force_login(hq_staff)
    r = api.patch(
        f"/api/enforcement/repeat-offender-rules/{rule.pk}/", {"violations": 2, "window_days": 90}, format="json"
    )
    assert r.status_code == 200, r.content
    rule.refresh_from_db()
    assert (rule.violations, rule.window_days) == (2, 90)


@pytest.mark.parametrize(
    "path", ["inspections", "violations", "measures", "documents", "operations", "teams", "domains"]
)
def test_api_lists_run_a_fixed_number_of_queries(api, inspector, record, domain, hq_staff, team, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from relocation.enforcement import services

    def add(n):
        for _ in range(n):
            inspection = record()
            v = services.violation_record(actor=inspector, inspection=inspection, domain=domain, description="偷排")
            services.measure_issue(actor=inspector, violation=v, kind="rectification", workdays=5)
            services.operation_create(
                actor=hq_staff, programme=team.programme, name="行动", planned_on=inspection.inspected_on, teams=[team]
            )

    api.force_login(inspector)
    add(1)
    api.get(f"/api/enforcement/{path}/")
    with CaptureQueriesContext(connection) as small:
        assert api.get(f"/api/enforcement/{path}/").status_code == 200
    add(4)
    with CaptureQueriesContext(connection) as large:
        assert api.get(f"/api/enforcement/{path}/").status_code == 200
    assert len(large) == len(small), [q["sql"][:120] for q in large.captured_queries]
