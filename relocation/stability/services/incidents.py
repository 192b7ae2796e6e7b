"""Incidents: the first report, updates, the status moves (respond, resolve,
escalate) with their history, actions and evidence, and the reminder of
overdue first reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit, uploads, workflow
from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.notifications import notify
from relocation.core.roles import Role, is_hq_editor
from relocation.organisation.models import Programme, Unit
from relocation.organisation.selectors import people_in_roles
from relocation.stability import permissions, transitions
from relocation.stability.models import (
    SERIOUS,
    Incident,
    IncidentAction,
    IncidentEvidence,
    IncidentKind,
    IncidentStatus,
    IncidentStatusChange,
    Severity,
)
from relocation.stability.services.routing import (
    _check_units,
    _hq_commanders,
    _not_future,
    _unit_people,
    _user,
    _with_routed,
    routed_units,
)
from relocation.stability.services.status_moves import _status_history, _status_move
from relocation.stability.services.time_limits import report_hours


def _alert_serious(incident: Incident) -> None:
    """重特大 incidents reach HQ's commanders at once (always by e-mail too)."""
    notify(
        recipients=_hq_commanders(incident.programme_id),
        verb="stability.serious_incident",
        title=_("%(severity)s%(kind)s：%(title)s")
        % {"severity": incident.get_severity_display(), "kind": incident.get_kind_display(), "title": incident.title},
        body=_("%(when)s，%(place)s，涉及约 %(n)s 人。处置牵头：%(unit)s")
        % {
            "when": timezone.localtime(incident.occurred_at).strftime("%Y-%m-%d %H:%M"),
            "place": incident.place,
            "n": incident.people_count,
            "unit": incident.lead_unit.name,
        },
        url=f"/stability/incidents/{incident.pk}/",
        dedupe_key=f"stability.serious_incident:{incident.pk}",
    )


def _tell_routed(incident: Incident, routed: list[tuple[Unit, str]]) -> None:
    """The units routed to an incident hear of it (once per unit)."""
    for unit, why in routed:
        if unit.pk == incident.lead_unit_id:
            continue
        notify(
            recipients=_unit_people([unit]),
            verb="stability.incident_assigned",
            title=_("请配合处置（%(why)s）：%(title)s") % {"why": why, "title": incident.title},
            body=incident.description[:300],
            url=f"/stability/incidents/{incident.pk}/",
            dedupe_key=f"stability.incident_co_unit:{incident.pk}:{unit.pk}",
        )


def incident_report(
    *,
    actor: Any,
    programme: Programme,
    kind: str,
    title: str,
    occurred_at: dt.datetime,
    place: str,
    description: str,
    severity: str = Severity.GENERAL,
    people_count: int = 0,
    enterprise: Any = None,
    lead_unit: Unit | None = None,
    co_units: Iterable[Unit] = (),
) -> Incident:
    """Record an incident (维稳事件, 安全生产事故, 环境事件). A unit reports with
    itself as lead; HQ names the lead. A 重大 or 特别重大 incident notifies HQ's
    commanders immediately; the lead unit is told when someone else reported."""
    if not permissions.can_record(actor):
        raise PermissionDeniedError(_("只有现场指挥部和成员单位可以报告维稳事件。"))
    if not is_hq_editor(actor):
        lead_unit = actor.unit
    if lead_unit is None:
        raise ServiceError(_("请选择处置牵头单位。"), code="lead_unit")
    if kind not in IncidentKind.values:
        raise ServiceError(_("请选择事件类型。"), code="kind")
    if severity not in Severity.values:
        raise ServiceError(_("请选择严重程度。"), code="severity")
    if not title.strip() or not place.strip() or not description.strip():
        raise ServiceError(_("请填写事件名称、发生地点和事件经过。"), code="description")
    if people_count < 0:
        raise ServiceError(_("涉及人数不能为负数。"), code="people_count")
    _not_future(occurred_at, "occurred_at")
    if enterprise is not None and enterprise.programme_id != programme.pk:
        raise ServiceError(_("企业不属于本项目。"), code="enterprise")
    routed = routed_units(programme.pk, enterprise=enterprise, kind=kind, serious=severity in SERIOUS)
    co = _with_routed(lead_unit, co_units, routed)
    _check_units(programme.pk, [lead_unit, *co], "lead_unit")
    with transaction.atomic():
        incident = Incident.objects.create(
            programme=programme,
            kind=kind,
            title=title.strip()[:200],
            occurred_at=occurred_at,
            place=place.strip()[:200],
            enterprise=enterprise,
            people_count=people_count,
            severity=severity,
            description=description.strip(),
            lead_unit=lead_unit,
            report_due_at=occurred_at + dt.timedelta(hours=report_hours(severity)),
            reported_by=_user(actor),
        )
        if co:
            incident.co_units.set(co)
        _status_history(IncidentStatusChange, incident, actor=actor, from_status="", to_status=IncidentStatus.REPORTED)
        audit.record(
            actor=actor,
            action="stability.incident_reported",
            obj=incident,
            enterprise_id=incident.enterprise_id,
            summary=_("报告%(kind)s（%(severity)s）：%(title)s")
            % {
                "kind": incident.get_kind_display(),
                "severity": incident.get_severity_display(),
                "title": incident.title,
            },
            changes={
                **audit.snapshot(incident, ["kind", "occurred_at", "place", "people_count", "severity", "lead_unit"]),
                "co_units": [None, [u.pk for u in co]],
            },
        )
        _tell_routed(incident, routed)
        if incident.severity in SERIOUS:
            _alert_serious(incident)
        if getattr(actor, "unit_id", None) != lead_unit.pk:
            notify(
                recipients=_unit_people([lead_unit]),
                verb="stability.incident_assigned",
                title=_("请牵头处置：%(title)s") % {"title": incident.title},
                body=incident.description[:300],
                url=f"/stability/incidents/{incident.pk}/",
                dedupe_key=f"stability.incident_assigned:{incident.pk}:{lead_unit.pk}",
            )
    return incident


def incident_update(
    *,
    actor: Any,
    incident: Incident,
    expected_version: int,
    title: str,
    place: str,
    description: str,
    severity: str,
    people_count: int,
    co_units: Iterable[Unit] = (),
) -> Incident:
    """Correct or complete an open incident's record as facts come in. Raising
    it to 重大 or above alerts HQ's commanders (once per incident)."""
    fields = ["title", "place", "description", "severity", "people_count", "report_due_at"]
    with transaction.atomic():
        incident = Incident.objects.select_for_update().select_related("lead_unit").get(pk=incident.pk)
        if not permissions.can_handle_incident(actor, incident):
            raise PermissionDeniedError(_("只有现场指挥部或处置牵头单位可以修改事件。"))
        if not incident.is_open:
            raise ServiceError(_("事件已办结，不能再修改。"))
        if severity not in Severity.values:
            raise ServiceError(_("请选择严重程度。"), code="severity")
        if not title.strip() or not place.strip() or not description.strip():
            raise ServiceError(_("请填写事件名称、发生地点和事件经过。"), code="description")
        if people_count < 0:
            raise ServiceError(_("涉及人数不能为负数。"), code="people_count")
        routed = routed_units(
            incident.programme_id, enterprise=incident.enterprise, kind=incident.kind, serious=severity in SERIOUS
        )
        co = _with_routed(incident.lead_unit, co_units, routed)
        _check_units(incident.programme_id, co, "co_units")
        already = set(incident.co_units.values_list("pk", flat=True))
        was_serious = incident.severity in SERIOUS
        before = audit.snapshot(incident, fields)
        incident.title = title.strip()[:200]
        incident.place = place.strip()[:200]
        incident.description = description.strip()
        incident.severity = severity
        incident.people_count = people_count
        incident.report_due_at = incident.occurred_at + dt.timedelta(hours=report_hours(severity))
        workflow.save_if_unchanged(incident, expected_version=expected_version, fields=fields)
        incident.co_units.set(co)
        audit.record(
            actor=actor,
            action="stability.incident_updated",
            obj=incident,
            enterprise_id=incident.enterprise_id,
            summary=_("更新事件情况：%(title)s") % {"title": incident.title},
            changes=audit.diff(before, audit.snapshot(incident, fields)),
        )
        _tell_routed(incident, [(u, why) for u, why in routed if u.pk not in already])
        if incident.severity in SERIOUS and not was_serious:
            _alert_serious(incident)
    return incident


def _incident_move(incident: Incident, *, actor: Any, target: str, reason: str = "", extra: dict | None = None) -> None:
    if not permissions.can_handle_incident(actor, incident):
        raise PermissionDeniedError(_("只有现场指挥部或处置牵头单位可以处置事件。"))
    _status_move(
        IncidentStatusChange,
        incident,
        actor=actor,
        target=target,
        allowed=transitions.INCIDENT,
        reason=reason,
        extra=extra,
        action="stability.incident",
        summary=_("事件“%(title)s”：%(status)s%(reason)s")
        % {
            "title": incident.title,
            "status": IncidentStatus(target).label,
            "reason": f"（{reason[:200]}）" if reason else "",
        },
    )


def incident_respond(*, actor: Any, incident: Incident, note: str = "") -> Incident:
    """The lead unit takes the incident in hand with its first report
    (reported → responding); the time is kept against the first-report limit."""
    with transaction.atomic():
        _incident_move(
            incident,
            actor=actor,
            target=IncidentStatus.RESPONDING,
            reason=note.strip(),
            extra={"first_report_at": timezone.now()},
        )
    return incident


def remind_overdue_incidents(*, now: dt.datetime | None = None) -> int:
    """The job's work: tell the lead unit and HQ of every incident still
    without its first report past the limit (once per incident)."""
    now = now or timezone.now()
    count = 0
    overdue = Incident.objects.filter(
        status=IncidentStatus.REPORTED, first_report_at__isnull=True, report_due_at__lt=now
    ).select_related("lead_unit")
    for incident in overdue:
        with transaction.atomic():
            sent = notify(
                recipients=_unit_people([incident.lead_unit]) + _hq_commanders(incident.programme_id),
                verb="stability.incident_report_overdue",
                title=_("事件逾期未首报：%(title)s") % {"title": incident.title},
                body=_("首报时限：%(due)s；处置牵头：%(unit)s")
                % {
                    "due": timezone.localtime(incident.report_due_at).strftime("%Y-%m-%d %H:%M"),
                    "unit": incident.lead_unit.name,
                },
                url=f"/stability/incidents/{incident.pk}/",
                dedupe_key=f"stability.incident_report_overdue:{incident.pk}",
            )
        count += bool(sent)
    return count


def incident_resolve(*, actor: Any, incident: Incident, outcome: str) -> Incident:
    """Settled (responding → resolved); the outcome is required and kept."""
    if not outcome.strip():
        raise ServiceError(_("请填写处置结果。"), code="outcome")
    with transaction.atomic():
        _incident_move(
            incident,
            actor=actor,
            target=IncidentStatus.RESOLVED,
            reason=outcome.strip(),
            extra={"outcome": outcome.strip()},
        )
    return incident


def incident_escalate(*, actor: Any, incident: Incident, reason: str) -> Incident:
    """Report the incident to the city (上报市里) with the reason; HQ's commanders
    and the coordination group's leaders are told."""
    if not reason.strip():
        raise ServiceError(_("请说明上报市里的理由。"), code="reason")
    with transaction.atomic():
        _incident_move(
            incident,
            actor=actor,
            target=IncidentStatus.ESCALATED,
            reason=reason.strip(),
            extra={"outcome": reason.strip()},
        )
        leaders = list(people_in_roles(incident.programme_id, Role.GROUP_LEADER))
        notify(
            recipients=_hq_commanders(incident.programme_id) + leaders,
            verb="stability.incident_escalated",
            title=_("事件已上报市里：%(title)s") % {"title": incident.title},
            body=reason.strip()[:300],
            url=f"/stability/incidents/{incident.pk}/",
            dedupe_key=f"stability.incident_escalated:{incident.pk}",
        )
    return incident


def incident_action_add(*, actor: Any, incident: Incident, text: str, unit: Unit, due_on: dt.date) -> IncidentAction:
    """A follow-up action with its responsible unit and due date; it becomes a
    supervision task at once, so it is chased, warned and scored like any other."""
    from relocation.supervision.services import task_create

    if not permissions.can_handle_incident(actor, incident):
        raise PermissionDeniedError(_("只有现场指挥部或处置牵头单位可以布置后续措施。"))
    if not text.strip():
        raise ServiceError(_("请填写后续措施。"), code="text")
    _check_units(incident.programme_id, [unit], "unit")
    if due_on < timezone.localdate():
        raise ServiceError(_("完成时限不能早于今天。"), code="due_on")
    with transaction.atomic():
        action = IncidentAction.objects.create(incident=incident, text=text.strip()[:300], unit=unit, due_on=due_on)
        task = task_create(
            actor=actor,
            title=action.text,
            description=_("来源：维稳事件“%(title)s”") % {"title": incident.title},
            lead_unit=unit,
            deadline=due_on,
            subject=action,
            source="stability",
            enterprise_id=incident.enterprise_id,
            dedupe_key=f"stability.incident_action:{action.pk}",
        )
        IncidentAction.objects.filter(pk=action.pk).update(task=task, updated_at=timezone.now())
        action.task = task
        audit.record(
            actor=actor,
            action="stability.incident_action_added",
            obj=incident,
            enterprise_id=incident.enterprise_id,
            summary=_("布置后续措施：%(text)s（%(unit)s，%(due)s前）")
            % {"text": action.text, "unit": unit.name, "due": due_on.isoformat()},
            changes={"action": [None, action.text], "task": [None, task.pk]},
        )
    return action


def incident_evidence_add(*, actor: Any, incident: Incident, uploaded_file: Any, note: str = "") -> IncidentEvidence:
    """Attach a photo or document (checked by type and size, hashed)."""
    if not permissions.can_add_evidence(actor, incident):
        raise PermissionDeniedError(_("只有现场指挥部、处置牵头单位和配合单位可以上传证据。"))
    with transaction.atomic():
        stored = uploads.store_upload(
            actor=actor,
            uploaded_file=uploaded_file,
            kinds=("jpeg", "png", "pdf"),
            enterprise_id=incident.enterprise_id,
            purpose="stability.evidence",
        )
        evidence = IncidentEvidence.objects.create(incident=incident, file=stored, note=note.strip()[:200])
        audit.record(
            actor=actor,
            action="stability.incident_evidence_added",
            obj=incident,
            enterprise_id=incident.enterprise_id,
            summary=_("上传事件证据：%(name)s") % {"name": stored.original_name},
            changes={"file": [None, stored.sha256]},
        )
    return evidence
