"""A first-report limit per incident severity (data): the deadline, a stage
clock on the pages and the API, a reminder when it passes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from relocation.conftest import make_user
from relocation.core.errors import PermissionDeniedError
from relocation.core.models import Notification
from relocation.core.roles import Role
from relocation.stability import services
from relocation.stability.tests.conftest import ago

pytestmark = pytest.mark.django_db


def _report(actor, programme, lead, *, severity="major", occurred=None):
    return services.incident_report(
        actor=actor,
        programme=programme,
        kind="safety_accident",
        title="车间起火",
        occurred_at=occurred or ago(minutes=30),
        place="二号车间",
        description="车间冒烟。",
        severity=severity,
        lead_unit=lead,
    )


@pytest.mark.parametrize(("severity", "hours"), [("major", 1), ("extraordinary", 1), ("larger", 2), ("general", 24)])
def test_the_deadline_follows_the_severity(hq_staff, programme, stability_units, severity, hours):
    incident = _report(hq_staff, programme, stability_units["humen"], severity=severity)
    assert incident.report_due_at == incident.occurred_at + dt.timedelta(hours=hours)


def test_the_clock_runs_until_the_first_report(hq_staff, programme, stability_units):
    incident = _report(hq_staff, programme, stability_units["humen"])
    clock = incident.report_clock()
    assert clock["state"] == "waiting" and 25 <= clock["minutes"] <= 30
    services.incident_respond(actor=hq_staff, incident=incident, note="已到场")
    incident.refresh_from_db()
    assert incident.first_report_at is not None and incident.report_clock()["state"] == "on_time"


def test_an_incident_past_its_limit_is_overdue_and_reminded_once(hq_staff, programme, stability_units):
    liaison = make_user("humen_l", Role.UNIT_LIAISON, stability_units["humen"])
    incident = _report(hq_staff, programme, stability_units["humen"], occurred=ago(hours=2))
    assert incident.report_clock()["state"] == "overdue"
    assert services.remind_overdue_incidents() == 1
    assert services.remind_overdue_incidents() == 0
    assert Notification.objects.filter(recipient=liaison, verb="stability.incident_report_overdue").count() == 1
    services.incident_respond(actor=hq_staff, incident=incident, note="补报")
    incident.refresh_from_db()
    assert incident.report_clock()["state"] == "late"


def test_a_general_incident_an_hour_old_is_not_overdue(hq_staff, programme, stability_units):
    _report(hq_staff, programme, stability_units["humen"], severity="general", occurred=ago(hours=2))
    assert services.remind_overdue_incidents() == 0


def test_hq_changes_a_limit_others_cannot(hq_staff, liaison, programme, stability_units):
    services.report_rule_set(actor=hq_staff, severity="larger", hours=4)
    incident = _report(hq_staff, programme, stability_units["humen"], severity="larger")
    assert incident.report_due_at == incident.occurred_at + dt.timedelta(hours=4)
    with pytest.raises(PermissionDeniedError):
        services.report_rule_set(actor=liaison, severity="larger", hours=8)


def test_the_pages_and_the_api_show_the_clock(client, hq_staff, programme, stability_units):
    incident = _report(hq_staff, programme, stability_units["humen"], occurred=ago(hours=2))
    client.force_login(hq_staff)
    listing = client.get(reverse("stability:incidents")).content.decode()
    assert 'data-report-clock="overdue"' in listing and 'id="report-rules"' in listing
    detail = client.get(reverse("stability:incident", args=[incident.pk])).content.decode()
    assert 'id="report-clock"' in detail
    api = APIClient()
    api.force_login(hq_staff)
    row = api.get(f"/api/stability/incidents/{incident.pk}/").data
    assert row["report_clock"]["state"] == "overdue" and row["report_due_at"]
    assert timezone.now() > dt.datetime.fromisoformat(row["report_due_at"].replace("Z", "+00:00"))
