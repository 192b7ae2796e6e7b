"""Recording a visit changes the production status and intention: it needs the same right as a
direct change (HQ editors, the territorial unit), not merely being a staff member."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from relocation.core.errors import PermissionDeniedError
from relocation.enterprises import services
from relocation.enterprises.models import Visit

pytestmark = pytest.mark.django_db

ARGS = {"visitors": "甲、乙", "production_status_seen": "stopped", "intention": "close"}


@pytest.mark.parametrize("persona", ["hq_staff", "liaison"])
def test_hq_and_the_territorial_unit_record_a_visit(request, persona, enterprise):
    services.visit_record(
        actor=request.getfixturevalue(persona), enterprise=enterprise, visited_on=dt.date(2021, 7, 1), **ARGS
    )
    enterprise.refresh_from_db()
    assert enterprise.production_status == "stopped" and enterprise.intention == "close"


@pytest.mark.parametrize("persona", ["group_leader", "outsider"])
def test_the_group_leader_and_other_units_are_refused(request, client, persona, enterprise):
    user = request.getfixturevalue(persona)
    before = (enterprise.production_status, enterprise.intention)
    with pytest.raises(PermissionDeniedError):
        services.visit_record(actor=user, enterprise=enterprise, visited_on=dt.date(2021, 7, 1), **ARGS)
    client.force_login(user)
    page = client.post(reverse("enterprises:visit_create", args=[enterprise.pk]), {**ARGS, "visited_on": "2021-07-01"})
    assert page.status_code == 403
    assert "登记走访" not in client.get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()
    api = APIClient()
    api.force_login(user)
    answer = api.post("/api/enterprises/visits/", {**ARGS, "enterprise": enterprise.pk, "visited_on": "2021-07-01"})
    assert answer.status_code == 403
    enterprise.refresh_from_db()
    assert (enterprise.production_status, enterprise.intention) == before
    assert not Visit.objects.exists()
