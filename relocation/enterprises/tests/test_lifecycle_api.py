"""The lifecycle API: same services, same scoping, same refusals as the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from relocation.conftest import make_user
from relocation.core.roles import Role
from relocation.enterprises import batches, commitments
from relocation.enterprises.models import CommitmentLetter, LifecycleStatus, StatusChange
from relocation.enterprises.tests.lifecycle_fixtures import put_in
from relocation.enterprises.tests.uploads_fixtures import fake_pdf, pdf, photo
from relocation.supervision.models import Task

S = LifecycleStatus
BASE = "/api/enterprises"


@pytest.mark.django_db
def test_it_moves_an_enterprise_and_lists_the_history(client, hq_staff, enterprise):
    put_in(enterprise, S.COMMITMENT_SIGNED)
    client.force_login(hq_staff)
    response = client.post(
        f"{BASE}/lifecycle/{enterprise.pk}/transition/",
        {
            "target": "destination_confirmed",
            "reason": "分配麻涌园区",
            "destination_type": "park",
            "destination_park_id": 4,
            "destination_name": "麻涌环保产业基地",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["destination_park_id"] == 4
    history = client.get(f"{BASE}/lifecycle/{enterprise.pk}/history/").json()
    assert [h["to_status"] for h in history] == ["destination_confirmed"]
    state = client.get(f"{BASE}/lifecycle/{enterprise.pk}/").json()
    assert state["status"] == "destination_confirmed" and state["destination_name"] == "麻涌环保产业基地"


@pytest.mark.django_db
def test_an_illegal_move_is_409_with_the_message(client, hq_staff, enterprise):
    client.force_login(hq_staff)
    response = client.post(
        f"{BASE}/lifecycle/{enterprise.pk}/transition/",
        {"target": "closed", "reason": "x"},
        content_type="application/json",
    )
    assert response.status_code == 409 and "不能从" in response.json()["detail"]


@pytest.mark.django_db
def test_another_unit_gets_403_on_a_move(client, outsider, enterprise):
    enterprise.intention = "close"
    enterprise.save()
    client.force_login(outsider)
    response = client.post(
        f"{BASE}/lifecycle/{enterprise.pk}/transition/",
        {"target": "intention_recorded", "reason": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not StatusChange.objects.exists()


@pytest.mark.django_db
def test_forced_closure_over_the_api(client, hq_staff, liaison, enterprise, programme):
    from relocation.enterprises import batches

    late = batches.batch_create(actor=hq_staff, programme=programme, name="逾期", deadline=dt.date(2020, 1, 1))
    batches.batch_assign(actor=hq_staff, batch=late, enterprises=[enterprise])
    client.force_login(liaison)
    url = f"{BASE}/lifecycle/{enterprise.pk}/forced-closure/"
    assert client.post(url, {"reason": "x", "decision_ref": "X"}, content_type="application/json").status_code == 403
    client.force_login(hq_staff)
    response = client.post(url, {"reason": "逾期", "decision_ref": "X〔2022〕1号"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "forced_closure"
    assert Task.objects.filter(enterprise_id=enterprise.pk).count() == 2
    lift = f"{BASE}/lifecycle/{enterprise.pk}/forced-closure-lift/"
    assert client.post(lift, {}, content_type="application/json").status_code == 400
    response = client.post(lift, {"reason": "决定已撤销"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "holdout"


@pytest.mark.django_db
def test_closure_items_are_confirmed_with_photos(client, units, hq_staff, enterprise):
    put_in(enterprise, S.PRODUCTION_STOPPED)
    power = make_user("power_liaison", Role.UNIT_LIAISON, units["power"])
    client.force_login(hq_staff)
    denied = client.post(
        f"{BASE}/closure-checks/", {"enterprise": enterprise.pk, "item": "power_cut", "photos": [photo()]}
    )
    assert denied.status_code == 403
    client.force_login(power)
    response = client.post(
        f"{BASE}/closure-checks/", {"enterprise": enterprise.pk, "item": "power_cut", "photos": [photo(), photo()]}
    )
    assert response.status_code == 201, response.content
    assert len(response.json()["photos"]) == 2
    listed = client.get(f"{BASE}/closure-checks/", {"enterprise": enterprise.pk}).json()
    assert listed["count"] == 1


@pytest.mark.django_db
def test_batches_and_bulk_assignment(client, hq_staff, liaison, make_enterprise):
    a, b = make_enterprise(), make_enterprise()
    client.force_login(hq_staff)
    response = client.post(
        f"{BASE}/batches/", {"name": "第一批", "deadline": "2021-12-31"}, content_type="application/json"
    )
    assert response.status_code == 201
    batch_id = response.json()["id"]
    assigned = client.post(
        f"{BASE}/batches/{batch_id}/assign/", {"enterprises": [a.pk, b.pk]}, content_type="application/json"
    )
    assert assigned.json() == {"changed": 2}
    progress = client.get(f"{BASE}/batches/progress/").json()
    assert progress[0]["total"] == 2 and progress[0]["counts"]["surveyed"] == 2
    client.force_login(liaison)
    assert (
        client.post(
            f"{BASE}/batches/{batch_id}/assign/", {"enterprises": [a.pk]}, content_type="application/json"
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"{BASE}/batches/", {"name": "x", "deadline": "2022-01-01"}, content_type="application/json"
        ).status_code
        == 403
    )


@pytest.mark.django_db
def test_letters_generate_upload_change_and_approve(client, hq_staff, hq_commander, enterprise):
    put_in(enterprise, S.INTENTION_RECORDED)
    client.force_login(hq_staff)
    response = client.post(
        f"{BASE}/letters/",
        {"enterprise": enterprise.pk, "committed_shutdown_on": "2021-12-31"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    letter_id = response.json()["id"]
    docx = client.get(f"{BASE}/letters/{letter_id}/docx/")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    bad = client.post(f"{BASE}/letters/{letter_id}/upload/", {"file": fake_pdf(), "signed_on": "2021-07-01"})
    assert bad.status_code == 400 and "文件类型" in bad.json()["detail"]
    good = client.post(f"{BASE}/letters/{letter_id}/upload/", {"file": pdf(), "signed_on": "2021-07-01"})
    assert (
        good.status_code == 200 and good.json()["status"] == "signed" and len(good.json()["signed_file_sha256"]) == 64
    )
    change = client.post(
        f"{BASE}/letter-date-changes/",
        {"letter": letter_id, "new_shutdown_on": "2022-03-31", "reason": "需延期"},
        content_type="application/json",
    )
    assert change.status_code == 201
    change_id = change.json()["id"]
    own = client.post(
        f"{BASE}/letter-date-changes/{change_id}/decide/", {"approve": True}, content_type="application/json"
    )
    assert own.status_code == 403
    client.force_login(hq_commander)
    ok = client.post(
        f"{BASE}/letter-date-changes/{change_id}/decide/", {"approve": True}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["status"] == "approved"
    assert CommitmentLetter.objects.get(pk=letter_id).committed_shutdown_on == dt.date(2022, 3, 31)
    listed = client.get(f"{BASE}/letters/", {"state": "changed"}).json()
    assert listed["count"] == 1


@pytest.mark.django_db
def test_an_enterprise_contact_sees_only_its_own_letter(
    client, hq_staff, enterprise_contact, enterprise, make_enterprise
):
    other = make_enterprise()
    for e in (enterprise, other):
        commitments.letter_generate(actor=hq_staff, enterprise=e, committed_shutdown_on=dt.date(2022, 1, 1))
    client.force_login(enterprise_contact)
    listed = client.get(f"{BASE}/letters/").json()
    assert [row["enterprise"] for row in listed["results"]] == [enterprise.pk]


@pytest.mark.django_db
def test_api_lists_keep_a_fixed_query_count(client, hq_staff, programme, make_enterprise):
    client.force_login(hq_staff)
    batch = batches.batch_create(actor=hq_staff, programme=programme, name="b", deadline=dt.date(2021, 1, 1))

    def add():
        e = make_enterprise()
        commitments.letter_generate(actor=hq_staff, enterprise=e, committed_shutdown_on=dt.date(2022, 1, 1))
        batches.batch_assign(actor=hq_staff, batch=batch, enterprises=[e])

    add()
    urls = [f"{BASE}/lifecycle/", f"{BASE}/letters/", f"{BASE}/closure-checks/", f"{BASE}/batches/progress/"]
    small = {}
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        small[url] = len(ctx)
    for _ in range(6):
        add()
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        assert len(ctx) == small[url], url
