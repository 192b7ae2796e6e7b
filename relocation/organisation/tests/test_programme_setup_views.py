"""The set-up pages and the checklist API, by persona: the system admin loads a
programme from the browser (check first, then load, audited) and makes its
first HQ accounts (waiting for the security admin); HQ sees only its own
programme's checklist; a unit liaison sees none of it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from relocation.core.models import AuditEvent
from relocation.core.roles import Role
from relocation.core.tests.personas import verified_login
from relocation.organisation import services
from relocation.organisation.models import AccountApproval, Programme, User

MINIMAL = Path(__file__).parent / "data" / "minimal_programme.json"
PASSWORD = "Str0ng-pass-2022"

pytestmark = pytest.mark.django_db


def _text() -> str:
    return MINIMAL.read_text(encoding="utf-8")


@pytest.fixture
def minimal():
    return services.programme_load(actor=None, config=json.loads(_text()))


def test_the_system_admin_checks_a_pasted_file_then_loads_it(client, system_admin):
    verified_login(client, system_admin)
    url = reverse("organisation:setup")
    assert client.get(url).status_code == 200
    checked = client.post(url, {"text": _text(), "action": "check"})
    body = checked.content.decode()
    assert checked.status_code == 200 and 'id="setup-checked"' in body and "8 个成员单位" in body
    assert not Programme.objects.exists()  # checking writes nothing
    loaded = client.post(url, {"text": _text(), "action": "load"})
    programme = Programme.objects.get(code="minimal-test-zone")
    assert loaded.status_code == 302 and loaded["Location"] == reverse(
        "organisation:setup_programme", args=[programme.pk]
    )
    event = AuditEvent.objects.get(action="organisation.programme_loaded")
    assert event.actor_id == system_admin.pk


def test_a_checked_upload_is_kept_in_the_form_for_loading(client, system_admin):
    verified_login(client, system_admin)
    upload = SimpleUploadedFile("zone.json", _text().encode(), "application/json")
    checked = client.post(reverse("organisation:setup"), {"file": upload, "action": "check"})
    body = checked.content.decode()
    assert checked.status_code == 200 and 'id="setup-checked"' in body
    assert "minimal-test-zone" in body  # the file's content now sits in the text area
    assert not Programme.objects.exists()


def test_an_uploaded_file_with_problems_shows_every_problem_and_loads_nothing(client, system_admin):
    verified_login(client, system_admin)
    config = json.loads(_text())
    config["units"][3]["code"] = "m-hb"
    config["extra"] = 1
    upload = SimpleUploadedFile("zone.json", json.dumps(config, ensure_ascii=False).encode(), "application/json")
    response = client.post(reverse("organisation:setup"), {"file": upload, "action": "load"})
    body = response.content.decode()
    assert response.status_code == 400 and 'id="setup-problems"' in body
    assert "单位代码重复：m-hb" in body and "extra" in body and "2 处问题" in body
    assert not Programme.objects.exists()
    broken = client.post(reverse("organisation:setup"), {"text": "{not json", "action": "check"})
    assert broken.status_code == 400 and "不是有效的 JSON" in broken.content.decode()


def test_the_system_admin_creates_the_first_hq_account_through_the_approval(client, system_admin, minimal):
    verified_login(client, system_admin)
    url = reverse("organisation:setup_programme", args=[minimal.pk])
    page = client.get(url).content.decode()
    assert 'data-gap="hq_account"' in page and 'id="hq-account-form"' in page
    hq_unit = minimal.units.get(code="m-hq")
    response = client.post(
        url, {"username": "m_first", "password": PASSWORD, "role": Role.HQ_COMMANDER, "unit": hq_unit.pk}
    )
    assert response.status_code == 302
    user = User.objects.get(username="m_first")
    # 三员分立: the account waits for the security admin; the system admin alone does not switch it on.
    assert user.is_active is False and user.unit == hq_unit and user.role == Role.HQ_COMMANDER
    assert AccountApproval.objects.get(user=user).status == AccountApproval.Status.PENDING
    page = client.get(url).content.decode()
    assert "m_first 待安全管理员审批" in page
    # A unit of another programme is not offered.
    other = client.post(url, {"username": "m_x", "password": PASSWORD, "role": Role.HQ_STAFF, "unit": 999999})
    assert other.status_code == 400 and not User.objects.filter(username="m_x").exists()


def test_hq_sees_its_own_checklist_only_and_cannot_load_or_create_accounts(client, hq_staff, programme, minimal):
    client.force_login(hq_staff)
    own = client.get(reverse("organisation:setup_programme", args=[programme.pk]))
    assert own.status_code == 200 and 'id="checklist"' in own.content.decode()
    assert 'id="hq-account-form"' not in own.content.decode()
    assert (
        reverse("organisation:setup_programme", args=[programme.pk])
        in client.get(reverse("organisation:overview")).content.decode()
    )
    assert client.get(reverse("organisation:setup_programme", args=[minimal.pk])).status_code == 404
    assert client.get(reverse("organisation:setup")).status_code == 403
    assert client.post(reverse("organisation:setup"), {"text": _text(), "action": "load"}).status_code == 403
    made = client.post(
        reverse("organisation:setup_programme", args=[programme.pk]),
        {"username": "sneaky", "password": PASSWORD, "role": Role.HQ_STAFF},
    )
    assert made.status_code == 403 and not User.objects.filter(username="sneaky").exists()


def test_a_unit_liaison_sees_no_setup_page(client, liaison, programme):
    client.force_login(liaison)
    assert client.get(reverse("organisation:setup")).status_code == 403
    assert client.get(reverse("organisation:setup_programme", args=[programme.pk])).status_code == 403
    assert (
        reverse("organisation:setup_programme", args=[programme.pk])
        not in client.get(reverse("organisation:overview")).content.decode()
    )


def test_the_checklist_api_by_persona(system_admin, hq_staff, liaison, programme, minimal):
    api = APIClient()
    url = f"/api/organisation/programmes/{minimal.pk}/checklist/"
    verified_login(api, system_admin)
    data = api.get(url).data
    assert data["code"] == "minimal-test-zone" and data["complete"] is False
    assert [g["key"] for g in data["gaps"]] == ["liaisons", "functions", "phases", "hq_account", "receiving_park"]
    assert "司法" in " ".join(next(g for g in data["gaps"] if g["key"] == "functions")["items"])
    api.force_login(hq_staff)
    assert api.get(url).status_code == 404  # another programme's
    own = api.get(f"/api/organisation/programmes/{programme.pk}/checklist/")
    assert own.status_code == 200 and own.data["programme"] == programme.pk
    api.force_login(liaison)
    assert api.get(f"/api/organisation/programmes/{programme.pk}/checklist/").status_code == 403
    api.logout()
    assert api.get(url).status_code in {401, 403}


def test_the_setup_page_lists_programmes_in_a_bounded_number_of_queries(
    client, system_admin, minimal, programme, django_assert_max_num_queries
):
    verified_login(client, system_admin)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("organisation:setup"))
    assert minimal.name in response.content.decode() and programme.name in response.content.decode()
