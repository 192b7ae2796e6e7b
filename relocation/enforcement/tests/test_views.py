"""The pages: who may open them, what they show, and that they run a fixed
number of queries whatever the number of records."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from relocation.enforcement import services
from relocation.enforcement.models import Inspection, InspectionDraft, InspectionStatus, Measure, MeasureStatus

pytestmark = pytest.mark.django_db


def _order(violation, inspector):
    return services.measure_issue(
        actor=inspector, violation=violation, kind="rectification", workdays=5, content="封堵暗管"
    )


READ_PAGES = [
    ("enforcement:queue", False),
    ("enforcement:inspection_list", False),
    ("enforcement:measure_list", False),
    ("enforcement:operation_list", False),
    ("enforcement:file_index", False),
    ("enforcement:statistics", False),
    ("enforcement:configuration", False),
]


@pytest.mark.parametrize("name,_", READ_PAGES)
def test_it_shows_the_pages_to_an_inspector(client, inspector, violation, name, _):
    _order(violation, inspector)
    client.force_login(inspector)
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name,_", READ_PAGES)
def test_it_refuses_the_pages_to_an_enterprise_contact(client, enterprise_contact, config, name, _):
    client.force_login(enterprise_contact)
    assert client.get(reverse(name)).status_code == 403


def test_it_shows_detail_pages(client, inspector, violation):
    order = _order(violation, inspector)
    client.force_login(inspector)
    follow_up = Inspection.objects.get(follow_up_of=order)
    doc = order.documents.get()
    for url in [
        reverse("enforcement:inspection_detail", args=[violation.inspection_id]),
        reverse("enforcement:measure_detail", args=[order.pk]),
        reverse("enforcement:follow_up", args=[follow_up.pk]),
        reverse("enforcement:enterprise_file", args=[violation.enterprise_id]),
        reverse("enforcement:inspection_create"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    response = client.get(reverse("enforcement:document_download", args=[doc.pk]))
    assert response.status_code == 200 and response.content[:2] == b"PK"


def test_it_refuses_detail_pages_to_an_enterprise_contact(client, enterprise_contact, inspector, violation):
    order = _order(violation, inspector)
    client.force_login(enterprise_contact)
    for url in [
        reverse("enforcement:inspection_detail", args=[violation.inspection_id]),
        reverse("enforcement:measure_detail", args=[order.pk]),
        reverse("enforcement:enterprise_file", args=[violation.enterprise_id]),
        reverse("enforcement:document_download", args=[order.documents.get().pk]),
        reverse("enforcement:export"),
    ]:
        assert client.get(url).status_code == 403, url


def test_it_records_an_inspection_from_the_form(client, inspector, inspector2, team, enterprise, domain, photo):
    client.force_login(inspector)
    item = domain.checklist_items.first()
    InspectionDraft.objects.create(owner=inspector, key="k1", data={"findings": "x"})
    response = client.post(
        reverse("enforcement:inspection_create"),
        {
            "team": team.pk,
            "enterprise": enterprise.pk,
            "inspected_on": "2026-03-02",
            "inspectors": [inspector.pk, inspector2.pk],
            f"check_{item.pk}": "problem",
            "findings": "车间地面有废水",
            "representative_name": "王经理",
            "representative_ack": "signed",
            "draft_key": "k1",
            "photos": photo,
        },
    )
    assert response.status_code == 302
    inspection = Inspection.objects.get(enterprise=enterprise)
    assert inspection.checklist == {str(item.pk): "problem"}
    assert inspection.photos.count() == 1
    assert not InspectionDraft.objects.filter(owner=inspector, key="k1").exists()


def test_the_form_refuses_one_inspector_and_keeps_the_input(client, inspector, team, enterprise):
    client.force_login(inspector)
    response = client.post(
        reverse("enforcement:inspection_create"),
        {
            "team": team.pk,
            "enterprise": enterprise.pk,
            "inspected_on": "2026-03-02",
            "inspectors": [inspector.pk],
            "findings": "保留这段文字",
            "representative_name": "王经理",
            "representative_ack": "signed",
        },
    )
    assert response.status_code == 400
    assert "两名" in response.content.decode()
    assert "保留这段文字" in response.content.decode()
    assert not Inspection.objects.exists()


def test_it_refuses_the_inspection_form_to_a_non_member(client, outsider, team):
    client.force_login(outsider)
    assert client.get(reverse("enforcement:inspection_create")).status_code == 403


def test_it_autosaves_drafts(client, inspector, team):
    client.force_login(inspector)
    response = client.post(
        reverse("enforcement:draft_save"), {"draft_key": "d-1", "findings": "正在输入", "inspectors": ["1", "2"]}
    )
    assert response.status_code == 200
    draft = InspectionDraft.objects.get(owner=inspector, key="d-1")
    assert draft.data["findings"] == "正在输入" and draft.data["inspectors"] == ["1", "2"]
    page = client.get(reverse("enforcement:inspection_create") + "?draft=d-1")
    assert "正在输入" in page.content.decode()


def test_it_refuses_drafts_to_an_enterprise_contact(client, enterprise_contact):
    client.force_login(enterprise_contact)
    assert client.post(reverse("enforcement:draft_save"), {"draft_key": "x"}).status_code == 403


def test_the_queue_lists_follow_ups_and_approvals(client, inspector, inspector2, violation):
    order = _order(violation, inspector)
    fine = services.measure_issue(actor=inspector, violation=violation, kind="fine", amount=Decimal("1000"))
    client.force_login(inspector2)
    body = client.get(reverse("enforcement:queue")).content.decode()
    assert reverse("enforcement:follow_up", args=[Inspection.objects.get(follow_up_of=order).pk]) in body
    assert reverse("enforcement:measure_detail", args=[fine.pk]) in body
    client.force_login(inspector)  # the creator is not asked to approve their own fine
    assert (
        reverse("enforcement:measure_detail", args=[fine.pk])
        not in client.get(reverse("enforcement:queue")).content.decode()
    )


def test_it_approves_from_the_page_and_refuses_the_creator(client, inspector, inspector2, violation, outsider):
    fine = services.measure_issue(actor=inspector, violation=violation, kind="fine", amount=Decimal("1000"))
    client.force_login(inspector)
    client.post(reverse("enforcement:measure_approve", args=[fine.pk]))
    fine.refresh_from_db()
    assert fine.status == MeasureStatus.PENDING_APPROVAL
    client.force_login(outsider)
    assert client.post(reverse("enforcement:measure_approve", args=[fine.pk])).status_code == 403
    client.force_login(inspector2)
    client.post(reverse("enforcement:measure_approve", args=[fine.pk]))
    fine.refresh_from_db()
    assert fine.status == MeasureStatus.IN_FORCE


def test_it_creates_violations_and_orders_from_the_pages(client, inspector, record, domain, outsider):
    inspection = record()
    client.force_login(outsider)
    assert (
        client.post(
            reverse("enforcement:violation_create", args=[inspection.pk]), {"domain": domain.pk, "description": "x"}
        ).status_code
        == 403
    )
    client.force_login(inspector)
    client.post(
        reverse("enforcement:violation_create", args=[inspection.pk]),
        {"domain": domain.pk, "legal_basis": domain.legal_bases.first().pk, "description": "暗管偷排"},
    )
    violation = inspection.violations.get()
    response = client.post(
        reverse("enforcement:measure_create", args=[violation.pk]), {"kind": "rectification", "workdays": 7}
    )
    order = Measure.objects.get(violation=violation)
    assert response.status_code == 302 and order.workdays == 7


def test_operations_roll_up_their_inspections(client, hq_staff, team, enterprise, record, domain, inspector, outsider):
    client.force_login(outsider)
    assert client.get(reverse("enforcement:operation_create")).status_code == 403
    client.force_login(hq_staff)
    response = client.post(
        reverse("enforcement:operation_create"),
        {"name": "三月联合执法", "planned_on": "2026-03-05", "teams": [team.pk], "targets": [enterprise.pk]},
    )
    assert response.status_code == 302
    from relocation.enforcement.models import JointOperation

    op = JointOperation.objects.get()
    inspection = record(operation=op)
    services.violation_record(actor=inspector, inspection=inspection, domain=domain, description="偷排")
    body = client.get(reverse("enforcement:operation_detail", args=[op.pk])).content.decode()
    assert 'id="operation-violations">1<' in body


def test_the_export_is_formula_safe(client, inspector, record, domain):
    import io

    from openpyxl import load_workbook

    services.violation_record(actor=inspector, inspection=record(), domain=domain, description='=HYPERLINK("http://x")')
    client.force_login(inspector)
    response = client.get(reverse("enforcement:export"))
    wb = load_workbook(io.BytesIO(response.content))
    values = [c.value for row in wb["违法行为"].iter_rows() for c in row]
    assert '\'=HYPERLINK("http://x")' in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)


def _many(record, domain, inspector, n):
    for _ in range(n):
        inspection = record()
        violation = services.violation_record(actor=inspector, inspection=inspection, domain=domain, description="偷排")
        services.measure_issue(actor=inspector, violation=violation, kind="rectification", workdays=5)


@pytest.mark.parametrize(
    "url_name,args",
    [
        ("enforcement:queue", False),
        ("enforcement:enterprise_file", True),
        ("enforcement:inspection_list", False),
        ("enforcement:measure_list", False),
        ("enforcement:statistics", False),
        ("enforcement:file_index", False),
        ("enforcement:operation_list", False),
    ],
)
def test_query_count_does_not_grow_with_records(client, inspector, record, domain, enterprise, config, url_name, args):
    from relocation.enforcement.models import RepeatOffenderRule

    RepeatOffenderRule.objects.filter(programme=config).update(violations=1000)
    client.force_login(inspector)
    url = reverse(url_name, args=[enterprise.pk] if args else [])
    _many(record, domain, inspector, 1)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _many(record, domain, inspector, 6)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


def test_a_follow_up_from_the_queue_closes_the_order(client, inspector, inspector2, violation):
    order = _order(violation, inspector)
    follow_up = Inspection.objects.get(follow_up_of=order)
    client.force_login(inspector)
    response = client.post(
        reverse("enforcement:follow_up", args=[follow_up.pk]),
        {
            "team": follow_up.team_id,
            "enterprise": follow_up.enterprise_id,
            "inspected_on": "2026-03-09",
            "inspectors": [inspector.pk, inspector2.pk],
            "findings": "已整改",
            "representative_name": "王经理",
            "representative_ack": "signed",
            "follow_up_result": "fixed",
        },
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == MeasureStatus.CLOSED
    follow_up.refresh_from_db()
    assert follow_up.status == InspectionStatus.SUBMITTED


def test_hq_adds_teams_checklist_items_and_legal_bases(client, hq_staff, domain, inspector, inspector2, outsider):
    url = reverse("enforcement:configuration")
    client.force_login(outsider)
    assert client.post(url, {"form": "checklist", "domain": domain.pk, "text": "x"}).status_code == 403
    client.force_login(hq_staff)
    client.post(url, {"form": "checklist", "domain": domain.pk, "text": "雨污分流是否到位"})
    assert domain.checklist_items.filter(text="雨污分流是否到位").exists()
    client.post(url, {"form": "basis", "domain": domain.pk, "law": "广东省环境保护条例", "article": "第七十条"})
    assert domain.legal_bases.filter(law="广东省环境保护条例").exists()
    client.post(
        url, {"form": "team", "domain": domain.pk, "name": "生态环境执法二组", "members": [inspector.pk, inspector2.pk]}
    )
    assert domain.teams.get(name="生态环境执法二组").members.count() == 2


def test_photos_download_for_staff_only(client, inspector, record, photo, enterprise_contact):
    inspection = record(photos=[photo])
    stored = inspection.photos.get().stored_file
    client.force_login(inspector)
    response = client.get(reverse("file", args=[stored.pk]))
    assert response.status_code == 200
    client.force_login(enterprise_contact)
    assert client.get(reverse("file", args=[stored.pk])).status_code in {403, 404}


def test_the_enterprise_page_shows_the_enforcement_card(client, inspector, violation, enterprise_contact, hq_staff):
    _order(violation, inspector)
    client.force_login(hq_staff)
    body = client.get(reverse("enterprises:detail", args=[violation.enterprise_id])).content.decode()
    assert 'id="enforcement-section"' in body
    assert reverse("enforcement:enterprise_file", args=[violation.enterprise_id]) in body
    client.force_login(enterprise_contact)
    response = client.get(reverse("enterprises:detail", args=[violation.enterprise_id]))
    assert 'id="enforcement-section"' not in response.content.decode()


def test_outsiders_cannot_act_on_measures_follow_ups_or_operations(
    client, outsider, group_leader, inspector, violation, team, hq_staff
):
    fine = services.measure_issue(actor=inspector, violation=violation, kind="fine", amount=Decimal("10"))
    order = _order(violation, inspector)
    follow_up = Inspection.objects.get(follow_up_of=order)
    op = services.operation_create(
        actor=hq_staff, programme=team.programme, name="行动", planned_on=order.deadline, teams=[team]
    )
    client.force_login(outsider)
    assert client.post(reverse("enforcement:measure_reject", args=[fine.pk]), {"reason": "x"}).status_code == 403
    assert client.post(reverse("enforcement:measure_revoke", args=[order.pk]), {"reason": "x"}).status_code == 403
    assert (
        client.post(
            reverse("enforcement:measure_create", args=[violation.pk]), {"kind": "fine", "amount": "5"}
        ).status_code
        == 403
    )
    assert client.get(reverse("enforcement:follow_up", args=[follow_up.pk])).status_code == 403
    assert client.post(reverse("enforcement:operation_complete", args=[op.pk])).status_code == 403
    client.force_login(group_leader)  # reads everything, records nothing
    assert client.get(reverse("enforcement:queue")).status_code == 200
    assert client.get(reverse("enforcement:inspection_create")).status_code == 403
    fine.refresh_from_db()
    order.refresh_from_db()
    assert fine.status == MeasureStatus.PENDING_APPROVAL and order.status == MeasureStatus.IN_FORCE
