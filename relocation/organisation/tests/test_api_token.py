"""The personal API token page: an account setting under the user's own menu."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from relocation.core.models import AuditEvent


def test_it_creates_a_token_shown_once_and_audited(client, liaison):
    client.force_login(liaison)
    url = reverse("organisation:api_token")
    assert url == "/organisation/api-token/"
    assert "您还没有接口令牌" in client.get(url).content.decode()
    page = client.post(url, {"action": "issue"}).content.decode()
    token = Token.objects.get(user=liaison)
    assert token.key in page
    assert token.key not in client.get(url).content.decode()
    event = AuditEvent.objects.get(action="api_token.issued")
    assert event.actor == liaison and token.key not in str(event.changes)
    client.post(url, {"action": "revoke"})
    assert not Token.objects.filter(user=liaison).exists()
    assert AuditEvent.objects.filter(action="api_token.revoked", actor=liaison).exists()


def test_a_new_token_replaces_the_old_one(client, hq_staff):
    client.force_login(hq_staff)
    client.post(reverse("organisation:api_token"), {"action": "issue"})
    first = Token.objects.get(user=hq_staff).key
    client.post(reverse("organisation:api_token"), {"action": "issue"})
    assert Token.objects.get(user=hq_staff).key != first


@pytest.mark.parametrize("persona", ["enterprise_contact", "auditor", "system_admin"])
def test_it_refuses_accounts_that_cannot_hold_a_token(client, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert client.post(reverse("organisation:api_token"), {"action": "issue"}).status_code in {302, 403}
    assert not Token.objects.filter(user=user).exists()


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
