"""The group leader reads a task's progress thread but cannot post to it."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from relocation.core.errors import PermissionDeniedError
from relocation.supervision import permissions, services
from relocation.supervision.models import TaskUpdate

pytestmark = pytest.mark.django_db


def test_the_group_leader_cannot_post_progress(make_task, group_leader, hq_staff, liaison):
    task = make_task()
    assert not permissions.can_post_update(group_leader, task)
    with pytest.raises(PermissionDeniedError):
        services.task_update_add(actor=group_leader, task=task, body="组长填报")
    api = APIClient()
    api.force_login(group_leader)
    assert api.post(f"/api/supervision/tasks/{task.pk}/progress/", {"body": "组长填报"}).status_code == 403
    assert not TaskUpdate.objects.filter(author=group_leader).exists()
    # HQ editors and the lead unit still post.
    services.task_update_add(actor=hq_staff, task=task, body="指挥部")
    services.task_update_add(actor=liaison, task=task, body="牵头单位")
