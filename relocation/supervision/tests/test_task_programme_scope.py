"""HQ staff see the tasks of their own programme only: another programme's task is not
listed by the page or the API and opens as a 404 (HQ of the second programme saw them all)."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from relocation.conftest import make_user
from relocation.core.roles import Role
from relocation.organisation.tests.second_programme import load_second_programme
from relocation.supervision import services


@pytest.mark.django_db
def test_hq_of_one_programme_never_sees_the_tasks_of_another(client, hq_staff, units):
    ours = services.task_create(
        actor=hq_staff, title="本项目的任务", lead_unit=units["humen"], deadline=dt.date(2022, 2, 16)
    )
    second, their_units = load_second_programme()
    their_hq = make_user("jh_hq_test", Role.HQ_STAFF, their_units["zb"])
    theirs = services.task_create(
        actor=their_hq, title="另一项目的任务", lead_unit=their_units["lgjd"], deadline=dt.date(2022, 2, 16)
    )

    api = APIClient()
    api.force_login(their_hq)
    listed = api.get("/api/supervision/tasks/?status=all").json()
    ids = [row["id"] for row in (listed["results"] if isinstance(listed, dict) else listed)]
    assert theirs.pk in ids and ours.pk not in ids
    assert api.get(f"/api/supervision/tasks/{ours.pk}/").status_code == 404

    client.force_login(their_hq)
    page = client.get("/supervision/?status=all").content.decode()
    assert "另一项目的任务" in page and "本项目的任务" not in page
    assert client.get(f"/supervision/tasks/{ours.pk}/").status_code == 404
