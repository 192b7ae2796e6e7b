"""The inbox reads as a few groups: notifications by category with unread
counts (one query for all groups), unread only, and a category marked read at once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from relocation.core import notifications
from relocation.core.models import Notification
from relocation.core.notification_kinds import category_of


@pytest.fixture
def busy_inbox(hq_staff):
    for n in range(3):
        notifications.notify(recipients=[hq_staff], verb="task.assigned", title=f"任务{n}")
    notifications.notify(recipients=[hq_staff], verb="meeting.scheduled", title="开会甲乙")
    notifications.notify(recipients=[hq_staff], verb="nobody.knows", title="无主丙丁")
    return hq_staff


@pytest.mark.django_db
def test_the_inbox_groups_by_category_with_unread_counts(client, busy_inbox, django_assert_max_num_queries):
    from relocation.core import selectors

    with django_assert_max_num_queries(1):
        groups = {g["key"]: (g["unread"], g["total"]) for g in selectors.inbox_groups(busy_inbox)}
    assert groups[category_of("task.assigned")] == (3, 3)
    assert groups["other"] == (1, 1)
    client.force_login(busy_inbox)
    page = client.get(reverse("inbox"), {"category": category_of("task.assigned")}).content.decode()
    assert "任务0" in page and "开会甲乙" not in page and "无主丙丁" not in page
    other = client.get(reverse("inbox"), {"category": "other"}).content.decode()
    assert "无主丙丁" in other and "任务0" not in other


@pytest.mark.django_db
def test_one_category_is_marked_read_at_once(client, busy_inbox):
    client.force_login(busy_inbox)
    task = category_of("task.assigned")
    response = client.post(reverse("inbox_mark_read"), {"category": task})
    assert response.status_code == 302 and f"category={task}" in response["Location"]
    unread = Notification.objects.filter(recipient=busy_inbox, read_at__isnull=True)
    assert sorted(unread.values_list("title", flat=True)) == ["开会甲乙", "无主丙丁"]
    page = client.get(reverse("inbox"), {"unread": "1"}).content.decode()
    assert "开会甲乙" in page and "任务0" not in page
