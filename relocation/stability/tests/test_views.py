"""The stability pages: who may open them, the forms end to end, the
version check as a form error, and constant query counts on the lists."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from relocation.core.tests.personas import verified_login
from relocation.stability import services
from relocation.stability.models import Incident, OpinionEvent, RiskAssessment
from relocation.stability.tests.conftest import ago, pdf, png

pytestmark = pytest.mark.django_db

LISTS = ["stability:risks", "stability:incidents", "stability:opinions", "stability:plans"]


@pytest.fixture
def everything(risk, incident, opinion, plan):
    return {"risk": risk, "incident": incident, "opinion": opinion, "plan": plan}


def _pages(everything):
    return [
        *[reverse(name) for name in LISTS],
        reverse("stability:risk_create"),
        reverse("stability:incident_create"),
        reverse("stability:opinion_create"),
        reverse("stability:plan_create"),
        reverse("stability:risk", args=[everything["risk"].pk]),
        reverse("stability:incident", args=[everything["incident"].pk]),
        reverse("stability:opinion", args=[everything["opinion"].pk]),
        reverse("stability:plan", args=[everything["plan"].pk]),
    ]


def test_it_renders_every_page_for_hq(client, hq_staff, everything):
    client.force_login(hq_staff)
    for url in _pages(everything):
        assert client.get(url).status_code == 200, url


def test_it_refuses_an_enterprise_contact(client, enterprise_contact, everything):
    client.force_login(enterprise_contact)
    for url in _pages(everything):
        assert client.get(url).status_code == 403, url


def test_the_auditor_reads_but_gets_no_forms(client, auditor, everything):
    verified_login(client, auditor)
    body = client.get(reverse("stability:incident", args=[everything["incident"].pk])).content.decode()
    assert "工人聚集讨薪" in body and 'id="incident-edit"' not in body
    assert client.get(reverse("stability:incident_create")).status_code == 403


def test_another_units_entries_are_not_found(client, outsider, everything):
    client.force_login(outsider)
    assert client.get(reverse("stability:incident", args=[everything["incident"].pk])).status_code == 404
    assert client.get(reverse("stability:risk", args=[everything["risk"].pk])).status_code == 404
    response = client.post(
        reverse("stability:incident_move", args=[everything["incident"].pk, "responding"]), {"text": ""}
    )
    assert response.status_code == 404


def test_a_reader_who_may_not_act_gets_403(client, group_leader, everything):
    client.force_login(group_leader)
    response = client.post(
        reverse("stability:incident_move", args=[everything["incident"].pk, "responding"]), {"text": ""}
    )
    assert response.status_code == 403


def test_hq_reports_a_serious_incident_through_the_form(client, hq_staff, hq_commander, programme, stability_units):
    client.force_login(hq_staff)
    response = client.post(
        reverse("stability:incident_create"),
        {
            "kind": "safety_accident",
            "title": "拆除作业酸液泄漏",
            "occurred_at": timezone.localtime(ago(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "place": "B区5号厂房",
            "people_count": "2",
            "severity": "major",
            "description": "两人灼伤送医。",
            "lead_unit": stability_units["humen"].pk,
        },
    )
    incident = Incident.objects.get()
    assert response.status_code == 302 and response.url == reverse("stability:incident", args=[incident.pk])
    assert hq_commander.notifications.filter(verb="stability.serious_incident").exists()


def test_the_incident_page_moves_and_uploads(client, liaison, incident, stability_units):
    client.force_login(liaison)
    client.post(reverse("stability:incident_move", args=[incident.pk, "responding"]), {"text": "已到场"})
    client.post(
        reverse("stability:incident_action_add", args=[incident.pk]),
        {"text": "核实工资", "unit": stability_units["hrss"].pk, "due_on": timezone.localdate() + dt.timedelta(days=3)},
    )
    client.post(reverse("stability:incident_evidence_add", args=[incident.pk]), {"file": png(), "note": "现场"})
    response = client.post(reverse("stability:incident_move", args=[incident.pk, "resolved"]), {"text": ""})
    messages = [str(m) for m in response.wsgi_request._messages]
    assert "请填写处置结果。" in messages
    incident.refresh_from_db()
    assert incident.status == "responding"
    assert incident.actions.get().task is not None
    assert incident.evidence.count() == 1


def test_a_stale_edit_shows_an_error_and_changes_nothing(client, hq_staff, risk, stability_units):
    client.force_login(hq_staff)
    data = {
        "level": "high",
        "responsible_unit": stability_units["humen"].pk,
        "review_on": timezone.localdate().isoformat(),
        "reason": "升级",
        "version": risk.version,
    }
    RiskAssessment.objects.filter(pk=risk.pk).update(version=risk.version + 1)  # someone else saved meanwhile
    response = client.post(reverse("stability:risk", args=[risk.pk]), data, follow=True)
    assert "其他人已修改" in response.content.decode()
    risk.refresh_from_db()
    assert risk.level == "medium"


def test_opinion_form_and_close(client, propaganda_liaison, programme, stability_units):
    client.force_login(propaganda_liaison)
    client.post(
        reverse("stability:opinion_create"),
        {
            "source": "online",
            "title": "网帖质疑补偿",
            "url": "https://bbs.example.invalid/t/2",
            "first_seen_at": timezone.localtime(ago(minutes=30)).strftime("%Y-%m-%dT%H:%M"),
            "level": "major",
            "heat": "100",
            "sentiment": "negative",
        },
    )
    event = OpinionEvent.objects.get()
    assert event.owner_unit == stability_units["propaganda"]
    client.post(reverse("stability:opinion_move", args=[event.pk, "verifying"]), {"text": ""})
    client.post(reverse("stability:opinion_move", args=[event.pk, "closed"]), {"published_response": "已回应"})
    event.refresh_from_db()
    assert event.status == "closed"


def test_plan_page_uploads_approves_and_records_a_drill(client, hq_staff, plan):
    client.force_login(hq_staff)
    client.post(reverse("stability:plan_version_upload", args=[plan.pk]), {"file": pdf(), "changes": "首版"})
    version = plan.versions.get()
    client.post(
        reverse("stability:plan_version_approve", args=[plan.pk, version.pk]),
        {"approved_by": "协调小组", "approved_on": timezone.localdate().isoformat()},
    )
    client.post(
        reverse("stability:drill_add", args=[plan.pk]),
        {"held_on": timezone.localdate().isoformat(), "findings": "报送偏慢"},
    )
    body = client.get(reverse("stability:plan", args=[plan.pk])).content.decode()
    assert "现行：第 1 版" in body and "报送偏慢" in body


def test_the_enterprise_page_shows_the_section_to_hq_only(client, hq_staff, enterprise_contact, risk, incident):
    client.force_login(hq_staff)
    body = client.get(reverse("enterprises:detail", args=[risk.enterprise_id])).content.decode()
    assert 'id="stability-section"' in body and "工人聚集讨薪" in body
    # The timeline reads the stability events recorded with the enterprise.
    assert "稳定风险研判" in body
    client.force_login(enterprise_contact)
    response = client.get(reverse("enterprises:detail", args=[risk.enterprise_id]))
    assert response.status_code == 200  # the contact's own enterprise
    assert 'id="stability-section"' not in response.content.decode()


def _many(hq_staff, programme, make_enterprise, stability_units, n):
    for i in range(n):
        enterprise = make_enterprise()
        services.risk_assess(
            actor=hq_staff,
            enterprise=enterprise,
            level="high" if i % 2 else "low",
            factors=["wage_arrears"],
            responsible_unit=stability_units["humen"],
            co_units=[stability_units["hrss"]],
            review_on=timezone.localdate(),
        )
        services.incident_report(
            actor=hq_staff,
            programme=programme,
            kind="petition",
            title=f"事件{i}",
            occurred_at=ago(hours=i + 1),
            place="B区",
            description="聚集",
            enterprise=enterprise,
            lead_unit=stability_units["humen"],
            co_units=[stability_units["police"]],
        )
        services.opinion_record(
            actor=hq_staff,
            programme=programme,
            source="online",
            title=f"舆情{i}",
            first_seen_at=ago(hours=i * 10),
            level="major",
            description="x",
            enterprise=enterprise,
        )
        plan = services.plan_create(
            actor=hq_staff,
            programme=programme,
            title=f"预案{i}",
            scope="x",
            responsible_units=[stability_units["humen"]],
        )
        services.plan_version_upload(actor=hq_staff, plan=plan, uploaded_file=pdf())


@pytest.mark.parametrize("persona", ["hq_staff", "liaison"])
@pytest.mark.parametrize("name", LISTS)
def test_the_lists_take_a_constant_number_of_queries(
    client, request, persona, name, hq_staff, programme, make_enterprise, stability_units, django_assert_max_num_queries
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    _many(hq_staff, programme, make_enterprise, stability_units, 3)
    # 17: the liaison's risk list also reads its unit's functions (routing by function); HQ's
    # register asks the risk-signal providers twice (the register and the unassessed), 1–2 each.
    with django_assert_max_num_queries(20) as few:
        assert client.get(reverse(name)).status_code == 200
    _many(hq_staff, programme, make_enterprise, stability_units, 9)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse(name)).status_code == 200


def test_the_enterprise_section_takes_three_queries(rf, liaison, risk, incident, opinion, django_assert_num_queries):
    from relocation.stability.enterprise_section import section_context

    request = rf.get("/")
    request.user = liaison
    for _ in range(3):
        services.incident_report(
            actor=liaison,
            programme=incident.programme,
            kind="other",
            title="又一起",
            occurred_at=ago(minutes=5),
            place="B区",
            description="x",
            enterprise=incident.enterprise,
        )
    with django_assert_num_queries(3):
        context = section_context(request, incident.enterprise)
    assert context["risk"] == risk and len(context["incidents"]) == 4
