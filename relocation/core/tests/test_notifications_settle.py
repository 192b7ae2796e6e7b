"""The demo's inboxes start settled: what came before the last week is read."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relocation.core.management.commands.seed_demo import settle_inboxes
from relocation.core.models import Notification
from relocation.core.notifications import notify


@pytest.mark.django_db
def test_old_notices_are_marked_read_and_this_week_s_stay_unread(hq_staff):
    old, new = notify(recipients=[hq_staff], verb="task.assigned", title="旧", dedupe_key="a") + notify(
        recipients=[hq_staff], verb="task.assigned", title="新", dedupe_key="b"
    )
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=30))
    assert settle_inboxes() == 1
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.read_at is not None and new.read_at is None
    assert settle_inboxes() == 0
