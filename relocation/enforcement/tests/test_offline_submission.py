"""The inspection form without signal: the queue's answers, one inspection per
submission however often it is sent, the service worker's address and scope,
photos as thumbnails, and the violations a "存在问题" item proposes."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from relocation.core.errors import ServiceError
from relocation.enforcement import services
from relocation.enforcement.models import ChecklistItem, Inspection, Measure, Violation
from relocation.enforcement.tests.conftest import jpeg_bytes

pytestmark = pytest.mark.django_db

QUEUE = {"HTTP_X_INSPECTION_QUEUE": "1"}


def _form(team, enterprise, inspector, inspector2, **extra):
    data = {
        "team": team.pk,
        "enterprise": enterprise.pk,
        "inspected_on": "2026-03-02",
        "inspectors": [inspector.pk, inspector2.pk],
        "findings": "车间地面有废水",
        "representative_name": "王经理",
        "representative_ack": "signed",
        "client_key": "phone-key-1",
    }
    data.update(extra)
    return data


def test_a_resent_submission_records_one_inspection(client, inspector, inspector2, team, enterprise):
    client.force_login(inspector)
    url = reverse("enforcement:inspection_create")
    answers = []
    for _attempt in range(3):
        photo = SimpleUploadedFile("site.jpg", jpeg_bytes(), content_type="image/jpeg")
        answers.append(client.post(url, _form(team, enterprise, inspector, inspector2, photos=photo), **QUEUE))
    assert [a.status_code for a in answers] == [200, 200, 200]
    inspection = Inspection.objects.get(enterprise=enterprise)
    assert {a.json()["url"] for a in answers} == {reverse("enforcement:inspection_detail", args=[inspection.pk])}
    assert inspection.client_key == "phone-key-1"
    assert inspection.photos.count() == 1


def test_the_same_key_from_another_inspector_is_another_submission(record, inspector, inspector2):
    first = record(client_key="k")
    second = record(actor=inspector2, client_key="k")
    again = record(client_key="k")
    assert first.pk != second.pk
    assert again.pk == first.pk
    assert Inspection.objects.count() == 2


def test_the_queue_gets_the_servers_reasons(client, inspector, inspector2, team, enterprise):
    client.force_login(inspector)
    url = reverse("enforcement:inspection_create")
    bad = client.post(url, _form(team, enterprise, inspector, inspector2, inspectors=[inspector.pk]), **QUEUE)
    assert bad.status_code == 409
    assert bad.json()["ok"] is False
    assert "两名以上执法人员" in bad.json()["errors"][0]
    missing = client.post(url, {**_form(team, enterprise, inspector, inspector2), "enterprise": ""}, **QUEUE)
    assert missing.status_code == 400
    assert missing.json()["errors"]
    assert not Inspection.objects.exists()


def test_a_follow_up_done_meanwhile_is_refused_with_the_reason(client, inspector, inspector2, violation):
    order = services.measure_issue(
        actor=inspector, violation=violation, kind="rectification", workdays=5, content="封堵暗管"
    )
    follow_up = Inspection.objects.get(follow_up_of=order)
    url = reverse("enforcement:follow_up", args=[follow_up.pk])
    data = _form(follow_up.team, follow_up.enterprise, inspector, inspector2, follow_up_result="fixed")
    client.force_login(inspector2)
    done = client.post(url, {**data, "client_key": "other-phone"}, **QUEUE)
    assert done.status_code == 200
    # inspector2's answer was lost: the resend answers as recorded.
    assert client.post(url, {**data, "client_key": "other-phone"}, **QUEUE).json() == done.json()
    # The first phone comes back online later with its own submission of the same re-inspection.
    client.force_login(inspector)
    late = client.post(url, data, **QUEUE)
    assert late.status_code == 409
    assert "已由他人提交" in late.json()["errors"][0]
    assert Measure.objects.get(pk=order.pk).status == "closed"
    assert Inspection.objects.filter(follow_up_of=order).count() == 1


def test_the_service_worker_is_served_for_the_inspection_pages(client, inspector, team):
    client.force_login(inspector)
    response = client.get(reverse("enforcement:service_worker"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "caches" in response.content.decode()
    page = client.get(reverse("enforcement:inspection_create")).content.decode()
    assert 'data-sw-url="/enforcement/inspections/sw.js"' in page
    assert 'data-sw-scope="/enforcement/inspections/"' in page
    assert 'id="queue-labels"' in page


def test_photos_show_as_thumbnails(client, inspector, record, photo):
    inspection = record(photos=[photo])
    client.force_login(inspector)
    page = client.get(reverse("enforcement:inspection_detail", args=[inspection.pk])).content.decode()
    stored = inspection.photos.get().stored_file
    assert (
        f'<img class="rounded border" style="width:96px;height:96px;object-fit:cover" src="/files/{stored.pk}/"' in page
    )
    assert "site.jpg" not in page


def test_a_problem_item_proposes_its_violation_with_the_legal_basis(client, inspector, record, domain):
    item = ChecklistItem.objects.get(domain=domain, text="是否存在暗管偷排")
    assert item.legal_basis is not None and item.legal_basis.article == "第六十三条"
    inspection = record(checklist={str(item.pk): "problem"})
    client.force_login(inspector)
    url = reverse("enforcement:inspection_detail", args=[inspection.pk])
    page = client.get(url).content.decode()
    assert "未发现违法行为" not in page
    assert "尚未认定违法行为" in page
    assert 'id="violation-proposals"' in page
    assert f'<option value="{item.legal_basis.pk}" selected>' in page
    response = client.post(
        reverse("enforcement:violation_create", args=[inspection.pk]),
        {
            "domain": domain.pk,
            "checklist_item": item.pk,
            "legal_basis": item.legal_basis.pk,
            "description": "是否存在暗管偷排：现场检查发现存在问题",
        },
    )
    assert response.status_code == 302
    violation = Violation.objects.get(inspection=inspection)
    assert violation.checklist_item == item
    assert violation.legal_basis == item.legal_basis
    page = client.get(url).content.decode()
    assert 'id="violation-proposals"' not in page
    assert "尚未认定违法行为" not in page


def test_an_item_not_marked_as_a_problem_proposes_nothing(inspector, record, domain):
    ok_item, problem_item = ChecklistItem.objects.filter(domain=domain)[:2]
    inspection = record(checklist={str(ok_item.pk): "ok"})
    with pytest.raises(ServiceError):
        services.violation_record(
            actor=inspector, inspection=inspection, domain=domain, description="x", checklist_item=ok_item
        )
    with pytest.raises(ServiceError):
        services.violation_record(
            actor=inspector, inspection=inspection, domain=domain, description="x", checklist_item=problem_item
        )
    assert not Violation.objects.exists()
