"""The auditor changes nothing: POST to every URL of the project as a verified
auditor and check that no audit event (every write records one) appears."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import get_resolver

from relocation.core.models import AuditEvent
from relocation.core.tests.personas import verified_login
from relocation.core.tests.test_urls import _concrete, _walk

# Self-service that is not a write on the programme's data.
ALLOWED = {
    "login",
    "logout",
    "set_language",
    "otp_setup",
    "otp_verify",
    "inbox_mark_read",
    "password_change",
    # Choosing which notifications come by e-mail: the auditor's own account setting.
    "notification_preferences",
    "notification-preferences",
}
URLS = [(p, n) for p, n, _ns in _walk(get_resolver()) if n not in ALLOWED]


@pytest.mark.django_db
def test_the_auditor_writes_nothing_anywhere(auditor, units, liaison, enterprise):
    client = Client(raise_request_exception=False)
    verified_login(client, auditor)
    before = AuditEvent.objects.count()
    written = []
    for pattern, name in URLS:
        for method in ("post", "put", "patch", "delete"):
            response = getattr(client, method)(_concrete(pattern), {}, content_type="application/json")
            if AuditEvent.objects.count() != before:
                written.append((method, pattern, name, response.status_code))
                before = AuditEvent.objects.count()
    assert written == []
