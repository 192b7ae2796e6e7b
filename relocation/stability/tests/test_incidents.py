"""Incidents: reporting, the serious-incident alert, transitions with
history, follow-up actions that become tasks, and evidence uploads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relocation.conftest import make_user
from relocation.core.errors import PermissionDeniedError, ServiceError, TransitionError
from relocation.core.models import AuditEvent, Notification
from relocation.core.notification_kinds import is_mandatory
from relocation.core.roles import Role
from relocation.core.uploads import can_download
from relocation.stability import selectors, services
from relocation.stability.tests.conftest import ago, png

pytestmark = pytest.mark.django_db


def _report(actor, programme, unit, **overrides):
    values = dict(
        actor=actor,
        programme=programme,
        kind="petition",
        title="业主聚集上访",
        occurred_at=ago(minutes=20),
        place="镇政府门口",
        description="约80人聚集。",
        people_count=80,
        lead_unit=unit,
    )
    values.update(overrides)
    return services.incident_report(**values)


def test_a_serious_incident_alerts_hq_commanders_at_once(hq_staff, hq_commander, programme, stability_units):
    _report(hq_staff, programme, stability_units["humen"], severity="major")
    alerted = Notification.objects.filter(verb="stability.serious_incident")
    assert {n.recipient for n in alerted} == {hq_staff, hq_commander}
    assert is_mandatory("stability.serious_incident")  # by e-mail too, whatever the preference


def test_a_general_incident_does_not_alert_hq(hq_staff, hq_commander, programme, stability_units):
    _report(hq_staff, programme, stability_units["humen"], severity="general")
    assert not Notification.objects.filter(verb="stability.serious_incident").exists()


def test_raising_the_severity_later_alerts_once(incident, hq_staff, hq_commander):
    for _ in range(2):
        incident.refresh_from_db()
        services.incident_update(
            actor=hq_staff,
            incident=incident,
            expected_version=incident.version,
            title=incident.title,
            place=incident.place,
            description=incident.description,
            severity="extraordinary",
            people_count=200,
        )
    assert Notification.objects.filter(verb="stability.serious_incident", recipient=hq_commander).count() == 1


def test_a_unit_reports_with_itself_as_lead(liaison, programme, stability_units, unit_leader):
    incident = _report(liaison, programme, stability_units["police"])
    assert incident.lead_unit == stability_units["humen"]
    # The lead unit reported it itself: nobody needs telling.
    assert not Notification.objects.filter(verb="stability.incident_assigned").exists()


def test_an_enterprise_contact_cannot_report(enterprise_contact, programme, stability_units):
    with pytest.raises(PermissionDeniedError):
        _report(enterprise_contact, programme, stability_units["humen"])


def test_bad_input_is_refused_and_nothing_is_written(hq_staff, programme, stability_units):
    from relocation.stability.models import Incident

    with pytest.raises(ServiceError):
        _report(hq_staff, programme, stability_units["humen"], occurred_at=timezone.now() + dt.timedelta(hours=3))
    with pytest.raises(ServiceError):
        _report(hq_staff, programme, stability_units["humen"], description="  ")
    assert not Incident.objects.exists()


def test_reported_responding_resolved_with_history(incident, liaison):
    services.incident_respond(actor=liaison, incident=incident, note="已到场")
    services.incident_resolve(actor=liaison, incident=incident, outcome="工资已结清")
    incident.refresh_from_db()
    assert incident.status == "resolved" and incident.outcome == "工资已结清"
    assert [(h.from_status, h.to_status) for h in incident.status_changes.all()] == [
        ("", "reported"),
        ("reported", "responding"),
        ("responding", "resolved"),
    ]
    assert AuditEvent.objects.filter(action="stability.incident_resolved", enterprise_id=incident.enterprise_id)


def test_it_cannot_be_resolved_before_anyone_responds(incident, hq_staff):
    with pytest.raises(TransitionError):
        services.incident_resolve(actor=hq_staff, incident=incident, outcome="x")


def test_escalating_needs_a_reason_and_tells_the_group_leaders(incident, hq_staff, group_leader):
    with pytest.raises(ServiceError):
        services.incident_escalate(actor=hq_staff, incident=incident, reason=" ")
    services.incident_escalate(actor=hq_staff, incident=incident, reason="超出镇级协调权限")
    incident.refresh_from_db()
    assert incident.status == "escalated"
    assert incident.status_changes.last().reason == "超出镇级协调权限"
    assert Notification.objects.filter(verb="stability.incident_escalated", recipient=group_leader).exists()


def test_another_unit_cannot_handle_the_incident(incident, outsider):
    with pytest.raises(PermissionDeniedError):
        services.incident_respond(actor=outsider, incident=incident)


def test_a_follow_up_action_becomes_a_task(incident, hq_staff, stability_units):
    due = timezone.localdate() + dt.timedelta(days=5)
    action = services.incident_action_add(
        actor=hq_staff, incident=incident, text="制定工资清偿方案", unit=stability_units["hrss"], due_on=due
    )
    task = action.task
    assert task.lead_unit == stability_units["hrss"] and task.deadline == due
    assert (task.subject_type, task.subject_id) == ("stability.incidentaction", str(action.pk))
    assert task.enterprise_id == incident.enterprise_id
    with pytest.raises(ServiceError):
        services.incident_action_add(
            actor=hq_staff,
            incident=incident,
            text="x",
            unit=stability_units["hrss"],
            due_on=timezone.localdate() - dt.timedelta(days=1),
        )


def test_evidence_is_checked_and_only_readers_download_it(incident, liaison, outsider, hq_staff):
    evidence = services.incident_evidence_add(actor=liaison, incident=incident, uploaded_file=png(), note="现场照片")
    assert evidence.file.purpose == "stability.evidence"
    assert can_download(hq_staff, evidence.file) and can_download(liaison, evidence.file)
    assert not can_download(outsider, evidence.file)


def test_a_wrong_file_type_is_refused(incident, liaison):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ServiceError):
        services.incident_evidence_add(
            actor=liaison, incident=incident, uploaded_file=SimpleUploadedFile("x.png", b"MZ\x90\x00binary")
        )
    assert not incident.evidence.exists()


def test_scope_units_see_what_they_lead_or_co_own(incident, liaison, outsider, auditor, enterprise_contact):
    assert list(selectors.incidents_for_user(liaison)) == [incident]
    assert list(selectors.incidents_for_user(auditor)) == [incident]
    assert list(selectors.incidents_for_user(outsider)) == []
    assert list(selectors.incidents_for_user(enterprise_contact)) == []
    incident.co_units.add(outsider.unit)
    assert list(selectors.incidents_for_user(outsider)) == [incident]


def test_an_inspector_reads_but_does_not_handle(incident, stability_units):
    humen_inspector = make_user("humen_inspector", Role.INSPECTOR, stability_units["humen"])
    assert list(selectors.incidents_for_user(humen_inspector)) == [incident]
    with pytest.raises(PermissionDeniedError):
        services.incident_respond(actor=humen_inspector, incident=incident)
