"""The personal API token page and token authentication: stored hashed, expiring, bound to the
role it was issued under, never for the administrator roles."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from relocation.core.models import AuditEvent
from relocation.core.roles import Role
from relocation.organisation import api_tokens
from relocation.organisation.models import ApiToken

ME = "/api/enterprises/enterprises/"


def _api(key):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def test_it_creates_a_token_shown_once_and_audited(client, liaison):
    client.force_login(liaison)
    url = reverse("organisation:api_token")
    assert url == "/organisation/api-token/"
    assert "您还没有接口令牌" in client.get(url).content.decode()
    response = client.post(url, {"action": "issue"})
    key = response.context["new_key"]
    assert key in response.content.decode()
    assert key not in client.get(url).content.decode()
    event = AuditEvent.objects.get(action="api_token.issued")
    assert event.actor == liaison and key not in str(event.changes)
    client.post(url, {"action": "revoke"})
    assert not ApiToken.objects.filter(user=liaison).exists()
    assert AuditEvent.objects.filter(action="api_token.revoked", actor=liaison).exists()


def test_it_stores_only_a_digest_of_the_key(liaison):
    issued = api_tokens.api_token_issue(actor=liaison)
    token = ApiToken.objects.get(user=liaison)
    stored = [str(v) for v in ApiToken.objects.filter(pk=token.pk).values_list().get()]
    assert issued.key not in stored
    assert token.digest == api_tokens.token_digest(issued.key) and token.hint == issued.key[-4:]


def test_a_token_authenticates_until_it_expires(liaison, settings):
    issued = api_tokens.api_token_issue(actor=liaison)
    assert _api(issued.key).get(ME).status_code == 200
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=settings.API_TOKEN_TTL_DAYS, minutes=1)
    with time_machine.travel(later):
        assert _api(issued.key).get(ME).status_code in {401, 403}


def test_an_unknown_key_is_refused(liaison):
    api_tokens.api_token_issue(actor=liaison)
    assert _api("not-a-key").get(ME).status_code in {401, 403}


def test_a_role_change_invalidates_the_token(client, liaison):
    issued = api_tokens.api_token_issue(actor=liaison)
    liaison.role = Role.UNIT_LEADER
    liaison.save(update_fields=["role"])
    assert _api(issued.key).get(ME).status_code in {401, 403}
    client.force_login(liaison)
    assert "已失效" in client.get(reverse("organisation:api_token")).content.decode()


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.SECURITY_ADMIN, Role.SYSTEM_ADMIN])
def test_an_account_turned_admin_cannot_use_its_old_token(liaison, role):
    """The probe's finding: a token from an ordinary role read the audit log after the change."""
    issued = api_tokens.api_token_issue(actor=liaison)
    liaison.role = role
    liaison.unit = None
    liaison.save(update_fields=["role", "unit"])
    # Even a token row forged to carry the new role is refused for an administrator.
    ApiToken.objects.filter(user=liaison).update(role=role)
    assert _api(issued.key).get("/api/core/audit-events/").status_code in {401, 403}


def test_a_new_token_replaces_the_old_one(client, hq_staff):
    client.force_login(hq_staff)
    first = client.post(reverse("organisation:api_token"), {"action": "issue"}).context["new_key"]
    second = client.post(reverse("organisation:api_token"), {"action": "issue"}).context["new_key"]
    assert first != second
    assert _api(first).get(ME).status_code in {401, 403}
    assert _api(second).get(ME).status_code == 200


@pytest.mark.parametrize("persona", ["enterprise_contact", "auditor", "system_admin"])
def test_it_refuses_accounts_that_cannot_hold_a_token(client, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert client.post(reverse("organisation:api_token"), {"action": "issue"}).status_code in {302, 403}
    assert not ApiToken.objects.filter(user=user).exists()


def test_the_old_address_redirects_permanently(client, liaison):
    client.force_login(liaison)
    response = client.get("/enterprises/api-token/")
    assert response.status_code == 301
    assert response["Location"] == reverse("organisation:api_token")


def test_the_user_menu_links_to_it_for_staff_only(client, liaison, enterprise_contact):
    client.force_login(liaison)
    assert 'data-nav="api_token"' in client.get(reverse("home")).content.decode()
    client.force_login(enterprise_contact)
    home = client.get(reverse("home")).content.decode()
    assert 'data-nav="api_token"' not in home and 'data-nav="password_change"' in home
