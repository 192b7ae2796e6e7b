"""`manage.py seed_demo` is idempotent: a second run changes nothing, and in
particular writes nothing to the audit trail."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from relocation.core.models import AuditEvent


@pytest.mark.django_db
def test_seeding_the_demo_twice_adds_no_audit_events():
    call_command("seed_demo", stdout=io.StringIO())
    first = AuditEvent.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    added = list(AuditEvent.objects.order_by("seq")[first:].values_list("action", "summary"))
    assert added == []

    # A first login lands on this week's news, not on a year of notices.
    from django.db.models import Count

    from relocation.core.models import Notification

    unread = (
        Notification.objects.filter(read_at__isnull=True)
        .values("recipient__username")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert unread is None or unread["n"] <= 40, unread
