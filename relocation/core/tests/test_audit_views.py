"""The auditors' page, its Excel export, chain verification and the read-only API."""

from __future__ import annotations

import io

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from relocation.core import audit
from relocation.core.models import AuditEvent
from relocation.core.spreadsheets import safe_cell
from relocation.core.tests.personas import make_security_admin, verified_login
from relocation.core.tests.tampering import tamper


def _events(n, **kw):
    for i in range(n):
        with transaction.atomic():
            audit.record(
                actor=kw.get("actor"),
                action=kw.get("action", "test.write"),
                object_type=kw.get("object_type", "test.thing"),
                object_id=str(i),
                enterprise_id=kw.get("enterprise_id"),
                summary=kw.get("summary", f"事件 {i}"),
                changes={"v": [i, i + 1]},
            )


@pytest.fixture
def auditor_client(client, auditor):
    return verified_login(client, auditor)


@pytest.mark.django_db
def test_the_auditor_sees_the_menu_entry_and_the_log(auditor_client):
    _events(3)
    response = auditor_client.get(reverse("audit_log"))
    assert response.status_code == 200
    assert 'data-nav="audit"' in response.content.decode()
    assert len(response.context["page"]) >= 3


@pytest.mark.django_db
def test_it_filters_by_actor_action_object_type_enterprise_and_date(auditor_client, hq_staff):
    _events(2, actor=hq_staff, action="enterprises.updated", object_type="enterprises.enterprise", enterprise_id=7)
    _events(3, action="test.other")
    page = auditor_client.get(reverse("audit_log"), {"actor": "hq_sta"}).context["page"]
    assert {e.actor_name for e in page} == {"hq_staff"}
    page = auditor_client.get(reverse("audit_log"), {"action": "test.other"}).context["page"]
    assert len(page) == 3
    page = auditor_client.get(reverse("audit_log"), {"object_type": "enterprises.enterprise"}).context["page"]
    assert len(page) == 2
    page = auditor_client.get(reverse("audit_log"), {"enterprise": "7"}).context["page"]
    assert len(page) == 2
    page = auditor_client.get(reverse("audit_log"), {"date_from": "2000-01-01", "date_to": "2000-01-02"}).context[
        "page"
    ]
    assert len(page) == 0


@pytest.mark.django_db
def test_it_paginates(auditor_client):
    _events(60)
    first = auditor_client.get(reverse("audit_log"), {"action": "test.write"})
    assert len(first.context["page"]) == 50 and first.context["page"].has_next()
    second = auditor_client.get(reverse("audit_log"), {"action": "test.write", "page": 2})
    assert len(second.context["page"]) == 10


@pytest.mark.django_db
def test_the_log_page_makes_a_constant_number_of_queries(auditor_client, hq_staff):
    _events(3, actor=hq_staff)
    with CaptureQueriesContext(connection) as few:
        auditor_client.get(reverse("audit_log"))
    _events(40, actor=hq_staff)
    with CaptureQueriesContext(connection) as many:
        auditor_client.get(reverse("audit_log"))
    assert len(many) == len(few)


@pytest.mark.parametrize(
    "value,expected",
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("普通文字", "普通文字"),
        (42, 42),
    ],
)
def test_safe_cell_neutralises_formulas(value, expected):
    assert safe_cell(value) == expected


@pytest.mark.django_db
def test_the_export_is_filtered_and_formula_safe(auditor_client):
    _events(2, action="test.evil", summary="=cmd|' /C calc'!A0")
    _events(2, action="test.other")
    response = auditor_client.get(reverse("audit_export"), {"action": "test.evil"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "序号"
    assert len(rows) == 3
    assert all(r[4] == "test.evil" for r in rows[1:])
    assert all(r[9].startswith("'=") for r in rows[1:])


@pytest.mark.django_db
def test_the_verify_button_reports_an_intact_chain(auditor_client):
    _events(4)
    response = auditor_client.get(reverse("audit_verify"))
    assert response.status_code == 200
    assert response.context["problem"] is None
    assert 'data-ok="1"' in response.content.decode()


@pytest.mark.django_db
def test_the_verify_button_reports_the_first_tampered_entry(auditor_client):
    _events(4)
    target = AuditEvent.objects.order_by("seq")[1]
    tamper("UPDATE core_auditevent SET summary = 'forged' WHERE id = %s", [target.pk])
    response = auditor_client.get(reverse("audit_verify"))
    assert response.context["problem"].seq == target.seq
    assert 'data-ok="0"' in response.content.decode()


AUDIT_VIEWS = ["audit_log", "audit_export", "audit_verify"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", AUDIT_VIEWS)
@pytest.mark.parametrize(
    "persona", ["system_admin", "security_admin", "outsider", "hq_commander", "enterprise_contact"]
)
def test_only_the_auditor_reads_the_audit_log(request, client, persona, name):
    user = make_security_admin() if persona == "security_admin" else request.getfixturevalue(persona)
    verified_login(client, user)
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.django_db
def test_the_api_is_read_only_for_the_auditor(auditor_client):
    _events(3, enterprise_id=5)
    listed = auditor_client.get("/api/core/audit-events/", {"enterprise": 5})
    assert listed.status_code == 200 and listed.json()["count"] == 3
    seq = listed.json()["results"][0]["seq"]
    assert auditor_client.get(f"/api/core/audit-events/{seq}/").status_code == 200
    assert auditor_client.get("/api/core/audit-events/", {"date_from": "not-a-date"}).status_code == 400
    assert auditor_client.post("/api/core/audit-events/", {}, content_type="application/json").status_code in {403, 405}
    assert auditor_client.delete(f"/api/core/audit-events/{seq}/").status_code in {403, 405}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["system_admin", "security_admin", "outsider", "hq_commander"])
def test_the_audit_api_refuses_everyone_else(request, client, persona):
    user = make_security_admin() if persona == "security_admin" else request.getfixturevalue(persona)
    verified_login(client, user)
    assert client.get("/api/core/audit-events/").status_code == 403


WRITES = [
    ("post", "/api/organisation/people/", {"unit": 1, "name": "某人"}),
    ("post", "/api/organisation/memberships/", {"body": "headquarters", "position": "member", "person": 1}),
    ("post", "/api/organisation/accounts/", {"username": "x", "password": "Str0ng-pass", "role": "hq_staff"}),
    ("post", "/api/core/audit-events/", {}),
]


@pytest.mark.django_db
@pytest.mark.parametrize("method,url,data", WRITES)
def test_the_auditor_changes_nothing_through_the_api(auditor_client, method, url, data):
    response = getattr(auditor_client, method)(url, data, content_type="application/json")
    assert response.status_code in {403, 405}


@pytest.mark.django_db
def test_the_auditor_changes_nothing_in_the_pages(auditor_client, units, liaison):
    """Every organisation write page refuses the auditor."""
    humen = units["humen"]
    posts = [
        reverse("organisation:unit", args=[humen.pk]),
        reverse("organisation:memberships"),
        reverse("organisation:accounts"),
        reverse("organisation:account_create"),
        reverse("organisation:account_active", args=[liaison.pk]),
        reverse("organisation:account_password", args=[liaison.pk]),
        reverse("organisation:security_unlock", args=[liaison.pk]),
        reverse("organisation:security_2fa_reset", args=[liaison.pk]),
    ]
    before = AuditEvent.objects.count()
    for url in posts:
        assert auditor_client.post(url, {"name": "x"}).status_code == 403, url
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_the_audit_api_makes_a_constant_number_of_queries(auditor_client, hq_staff):
    _events(3, actor=hq_staff)
    with CaptureQueriesContext(connection) as few:
        auditor_client.get("/api/core/audit-events/")
    _events(30, actor=hq_staff)
    with CaptureQueriesContext(connection) as many:
        auditor_client.get("/api/core/audit-events/")
    assert len(many) == len(few)
