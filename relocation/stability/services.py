"""Writes on stability work. Every function takes the actor, checks permission
(stability.permissions) and guards, writes inside one transaction together with
its audit event (linked to the enterprise, so the enterprise timeline shows it)
and leaves notifications to core.notifications, which sends after commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit, uploads, workflow
from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.notifications import notify
from relocation.core.roles import Role, is_hq_editor
from relocation.organisation.functions import UnitFunction
from relocation.organisation.models import Programme, Unit
from relocation.organisation.selectors import people_in_roles
from relocation.stability import permissions, transitions
from relocation.stability.models import (
    SERIOUS,
    Drill,
    EmergencyPlan,
    Incident,
    IncidentAction,
    IncidentEvidence,
    IncidentKind,
    IncidentReportRule,
    IncidentStatus,
    IncidentStatusChange,
    OpinionEvent,
    OpinionLevel,
    OpinionResponseRule,
    OpinionSource,
    OpinionStatus,
    OpinionStatusChange,
    PlanVersion,
    PlanVersionStatus,
    RiskAssessment,
    RiskFactor,
    RiskLevel,
    RiskLevelChange,
    Sentiment,
    Severity,
    StatusChange,
)

# The units that stability work routes to by default, by function: 宣传部门
# watches public opinion, 台港澳办 takes the enterprises with Hong Kong, Macao
# or Taiwan capital (the apps' ready() declares both as required functions).
PROPAGANDA_FUNCTION = UnitFunction.PROPAGANDA
CROSS_STRAIT_FUNCTION = UnitFunction.HK_MACAO_TAIWAN
# The plan's division of work for incidents: labour and wage disputes go to
# human resources (人社部门), every 重特大 incident to the stability office
# (综治维稳部门), an enterprise with HK/Macao/Taiwan capital to 台港澳办.
LABOUR_KINDS = frozenset({IncidentKind.LABOUR_DISPUTE})
CROSS_STRAIT_BACKGROUNDS = frozenset({"hong_kong", "macao", "taiwan"})
# Used when a programme has no rule rows for a level (the data migration seeds them).
DEFAULT_RESPONSE_HOURS = {OpinionLevel.MAJOR: 2, OpinionLevel.LARGER: 24, OpinionLevel.GENERAL: 72}
# First-report limits of incidents where a programme has no rule row (the data migration seeds them).
DEFAULT_REPORT_HOURS = {Severity.EXTRAORDINARY: 1, Severity.MAJOR: 1, Severity.LARGER: 2, Severity.GENERAL: 24}
# A report may be a few minutes "in the future" because of a phone's clock.
CLOCK_SKEW = dt.timedelta(minutes=10)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _hq_commanders(programme_id: int) -> list[Any]:
    """HQ's commanders and staff of this programme (never another programme's)."""
    return list(people_in_roles(programme_id, Role.HQ_COMMANDER, Role.HQ_STAFF))


def _unit_people(units: Iterable[Unit]) -> list[Any]:
    ids = [u.pk for u in units if u is not None]
    return list(
        get_user_model().objects.filter(unit_id__in=ids, is_active=True, role__in=[Role.UNIT_LEADER, Role.UNIT_LIAISON])
    )


def _check_units(programme_id: int, units: Iterable[Unit], field: str) -> None:
    for unit in units:
        if unit.programme_id != programme_id:
            raise ServiceError(_("单位“%(unit)s”不属于本项目。") % {"unit": unit}, code=field)


def _not_future(moment: dt.datetime, field: str) -> None:
    if moment > timezone.now() + CLOCK_SKEW:
        raise ServiceError(_("时间不能晚于现在。"), code=field)


def is_cross_strait(enterprise: Any) -> bool:
    return enterprise is not None and enterprise.capital_background in CROSS_STRAIT_BACKGROUNDS


def _unit_by_function(programme_id: int, function: str) -> Unit | None:
    from relocation.organisation.selectors import unit_with_function

    return unit_with_function(programme_id, function)


def routed_units(
    programme_id: int, *, enterprise: Any = None, kind: str = "", serious: bool = False
) -> list[tuple[Unit, str]]:
    """The units the plan names for an incident or opinion event, by
    function, each with why: 台港澳办 for an enterprise with HK/Macao/Taiwan
    capital, human resources for a labour dispute, the stability office for a
    重大 or 特别重大 event. They become co-units, so they can open it."""
    wanted: list[tuple[str, str]] = []
    if is_cross_strait(enterprise):
        wanted.append((CROSS_STRAIT_FUNCTION, _("涉台港澳资企业")))
    if kind in LABOUR_KINDS:
        wanted.append((UnitFunction.HUMAN_RESOURCES, _("劳资纠纷")))
    if serious:
        wanted.append((UnitFunction.STABILITY, _("重特大事件")))
    result: list[tuple[Unit, str]] = []
    for function, why in wanted:
        unit = _unit_by_function(programme_id, function)
        if unit is not None and all(unit.pk != u.pk for u, _why in result):
            result.append((unit, why))
    return result


def _with_routed(lead: Unit, asked: Iterable[Unit], routed: list[tuple[Unit, str]]) -> list[Unit]:
    """The co-units asked for plus the routed ones, never the lead, each once."""
    result = {u.pk: u for u in asked if u.pk != lead.pk}
    for unit, _why in routed:
        if unit.pk != lead.pk:
            result.setdefault(unit.pk, unit)
    return list(result.values())


# ----------------------------------------------------------------------------- risk register


def _clean_factors(enterprise: Any, factors: Iterable[str]) -> list[str]:
    """Known factors only, in the choices' order; the HK/Macao/Taiwan factor
    follows the ledger's capital background rather than what was ticked."""
    chosen = set(factors)
    unknown = chosen - set(RiskFactor.values)
    if unknown:
        raise ServiceError(_("未知的风险因素：%(f)s") % {"f": "、".join(sorted(unknown))}, code="factors")
    chosen.discard(RiskFactor.CROSS_STRAIT_CAPITAL)
    if is_cross_strait(enterprise):
        chosen.add(RiskFactor.CROSS_STRAIT_CAPITAL)
    return [f for f in RiskFactor.values if f in chosen]


def _risk_co_units(enterprise: Any, responsible_unit: Unit, co_units: Iterable[Unit]) -> list[Unit]:
    """The co-units asked for, plus 台港澳办 for an enterprise with such capital."""
    result = {u.pk: u for u in co_units if u.pk != responsible_unit.pk}
    if is_cross_strait(enterprise):
        tgao = _unit_by_function(enterprise.programme_id, CROSS_STRAIT_FUNCTION)
        if tgao is not None and tgao.pk != responsible_unit.pk:
            result.setdefault(tgao.pk, tgao)
    return list(result.values())


def _level_history(risk: RiskAssessment, *, actor: Any, from_level: str, to_level: str, reason: str) -> None:
    RiskLevelChange.objects.create(
        assessment=risk,
        from_level=from_level,
        to_level=to_level,
        actor=_user(actor),
        at=timezone.now(),
        reason=reason[:300],
    )


def risk_assess(
    *,
    actor: Any,
    enterprise: Any,
    level: str,
    responsible_unit: Unit,
    review_on: dt.date,
    factors: Iterable[str] = (),
    notes: str = "",
    co_units: Iterable[Unit] = (),
) -> RiskAssessment:
    """Put an enterprise on the risk register (风险研判). One entry per
    enterprise; a unit may only enter risks its own unit is responsible for."""
    if not (is_hq_editor(actor) or permissions.acts_for_unit(actor, responsible_unit.pk)):
        raise PermissionDeniedError(_("只有现场指挥部或责任单位可以登记风险研判。"))
    if level not in RiskLevel.values:
        raise ServiceError(_("请选择风险等级。"), code="level")
    _check_units(enterprise.programme_id, [responsible_unit, *co_units], "responsible_unit")
    clean = _clean_factors(enterprise, factors)
    with transaction.atomic():
        if RiskAssessment.objects.select_for_update().filter(enterprise=enterprise).exists():
            raise ServiceError(_("该企业已有风险研判记录，请在原记录上修改。"), code="enterprise")
        risk = RiskAssessment.objects.create(
            enterprise=enterprise,
            level=level,
            factors=clean,
            notes=notes.strip(),
            responsible_unit=responsible_unit,
            review_on=review_on,
            assessed_by=_user(actor),
        )
        risk.co_units.set(_risk_co_units(enterprise, responsible_unit, co_units))
        _level_history(risk, actor=actor, from_level="", to_level=level, reason="")
        audit.record(
            actor=actor,
            action="stability.risk_assessed",
            obj=risk,
            object_repr=enterprise.name,
            enterprise_id=enterprise.pk,
            summary=_("稳定风险研判：%(level)s（%(factors)s）")
            % {"level": RiskLevel(level).label, "factors": "、".join(risk.factor_labels()) or "—"},
            changes=audit.snapshot(risk, ["level", "factors", "responsible_unit", "review_on"]),
        )
    return risk


def risk_update(
    *,
    actor: Any,
    risk: RiskAssessment,
    expected_version: int,
    level: str,
    responsible_unit: Unit,
    review_on: dt.date,
    factors: Iterable[str] = (),
    notes: str = "",
    co_units: Iterable[Unit] = (),
    reason: str = "",
) -> RiskAssessment:
    """Review an entry. A change of level needs a reason and is kept in the
    level history; an edit on an out-of-date version is refused (409)."""
    fields = ["level", "factors", "notes", "responsible_unit", "review_on", "assessed_by"]
    with transaction.atomic():
        risk = RiskAssessment.objects.select_for_update().select_related("enterprise").get(pk=risk.pk)
        if not permissions.can_edit_risk(actor, risk):
            raise PermissionDeniedError(_("只有现场指挥部或责任单位可以修改风险研判。"))
        if not is_hq_editor(actor) and responsible_unit.pk != risk.responsible_unit_id:
            raise PermissionDeniedError(_("责任单位的调整由现场指挥部决定。"))
        if level not in RiskLevel.values:
            raise ServiceError(_("请选择风险等级。"), code="level")
        _check_units(risk.enterprise.programme_id, [responsible_unit, *co_units], "responsible_unit")
        previous_level = risk.level
        if level != previous_level and not reason.strip():
            raise ServiceError(_("调整风险等级须说明理由。"), code="reason")
        before = audit.snapshot(risk, fields)
        risk.level = level
        risk.factors = _clean_factors(risk.enterprise, factors)
        risk.notes = notes.strip()
        risk.responsible_unit = responsible_unit
        risk.review_on = review_on
        risk.assessed_by = _user(actor)
        workflow.save_if_unchanged(risk, expected_version=expected_version, fields=fields)
        risk.co_units.set(_risk_co_units(risk.enterprise, responsible_unit, co_units))
        if level != previous_level:
            _level_history(risk, actor=actor, from_level=previous_level, to_level=level, reason=reason.strip())
        audit.record(
            actor=actor,
            action="stability.risk_level_changed" if level != previous_level else "stability.risk_reviewed",
            obj=risk,
            object_repr=risk.enterprise.name,
            enterprise_id=risk.enterprise_id,
            summary=(
                _("稳定风险等级：%(old)s → %(new)s（%(reason)s）")
                % {"old": RiskLevel(previous_level).label, "new": RiskLevel(level).label, "reason": reason.strip()}
                if level != previous_level
                else _("复核稳定风险研判：%(level)s") % {"level": RiskLevel(level).label}
            ),
            changes=audit.diff(before, audit.snapshot(risk, fields)),
        )
    return risk


# ----------------------------------------------------------------------------- incidents


def _status_history(
    history: type[StatusChange], record: Any, *, actor: Any, from_status: str, to_status: str, reason: str = ""
) -> None:
    """A row of an incident's or an opinion event's status history; the history
    model names the field that points at its record."""
    history.objects.create(
        **{history.record_field: record},
        from_status=from_status,
        to_status=to_status,
        actor=_user(actor),
        at=timezone.now(),
        reason=reason,
    )


def _status_move(
    history: type[StatusChange],
    record: Any,
    *,
    actor: Any,
    target: str,
    allowed: Any,
    reason: str,
    extra: dict | None,
    action: str,
    summary: str,
) -> None:
    """Incidents and opinion events move alike: the checked transition, its
    history row and its audit event (`action` + `_` + target), all in the
    caller's transaction. The caller checks who may move it and words the summary."""
    previous = workflow.move(
        record, field="status", target=target, allowed=allowed, labels=history.statuses, extra=extra
    )
    _status_history(history, record, actor=actor, from_status=previous, to_status=target, reason=reason)
    audit.record(
        actor=actor,
        action=f"{action}_{target}",
        obj=record,
        enterprise_id=record.enterprise_id,
        summary=summary,
        changes={"status": [previous, target]},
    )


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


def report_hours(severity: str) -> int:
    rule = IncidentReportRule.objects.filter(severity=severity).first()
    return rule.hours if rule is not None else DEFAULT_REPORT_HOURS[Severity(severity)]


def report_rules() -> list[tuple[str, str, int]]:
    """(severity, label, hours) for every severity, the default where no row exists."""
    hours = dict(IncidentReportRule.objects.values_list("severity", "hours"))
    return [(v, str(label), hours.get(v, DEFAULT_REPORT_HOURS[Severity(v)])) for v, label in Severity.choices]


def _hours_rule_put(model: Any, key: dict[str, str], hours: int, default: int) -> tuple[Any, int]:
    """Set the hours of one row of a time-limit table (first-report or response limits),
    locked; returns the row and the hours before (the default when there was no row)."""
    rule = model.objects.select_for_update().filter(**key).first()
    if rule is None:
        return model.objects.create(**key, hours=hours), default
    before = rule.hours
    rule.hours = hours
    rule.save(update_fields=["hours", "updated_at"])
    return rule, before


def report_rule_set(*, actor: Any, severity: str, hours: int) -> IncidentReportRule:
    """HQ sets the first-report limit of a severity. Applies to incidents
    recorded or re-graded from now on; deadlines already set stay."""
    if not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有现场指挥部可以调整事件报告时限。"))
    if severity not in Severity.values:
        raise ServiceError(_("请选择严重程度。"), code="severity")
    if not 0 < hours <= 24 * 7:
        raise ServiceError(_("报告时限应在 1 至 168 小时之间。"), code="hours")
    with transaction.atomic():
        rule, before = _hours_rule_put(
            IncidentReportRule, {"severity": severity}, hours, DEFAULT_REPORT_HOURS[Severity(severity)]
        )
        audit.record(
            actor=actor,
            action="stability.report_rule_set",
            obj=rule,
            summary=_("%(severity)s事件首报时限：%(hours)s 小时")
            % {"severity": Severity(severity).label, "hours": hours},
            changes={"hours": [before, hours]},
        )
    return rule


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


# ----------------------------------------------------------------------------- emergency plans


def plan_create(
    *,
    actor: Any,
    programme: Programme,
    title: str,
    scope: str,
    responsible_units: Iterable[Unit],
    contact_roles: str = "",
) -> EmergencyPlan:
    """Start a plan (维稳应急预案). HQ, or a unit that names itself responsible
    (综治维稳部门 drafts it)."""
    units = list(responsible_units)
    if not permissions.can_edit_plan(actor, {u.pk for u in units}):
        raise PermissionDeniedError(_("只有现场指挥部或预案责任单位可以编制应急预案。"))
    if not title.strip() or not scope.strip():
        raise ServiceError(_("请填写预案名称和适用范围。"), code="title")
    if not units:
        raise ServiceError(_("请至少选择一个责任单位。"), code="responsible_units")
    _check_units(programme.pk, units, "responsible_units")
    with transaction.atomic():
        plan = EmergencyPlan.objects.create(
            programme=programme, title=title.strip()[:200], scope=scope.strip(), contact_roles=contact_roles.strip()
        )
        plan.responsible_units.set(units)
        audit.record(
            actor=actor,
            action="stability.plan_created",
            obj=plan,
            summary=_("编制应急预案：%(title)s") % {"title": plan.title},
            changes={**audit.snapshot(plan, ["title", "scope"]), "responsible_units": [u.pk for u in units]},
        )
    return plan


def plan_update(
    *,
    actor: Any,
    plan: EmergencyPlan,
    expected_version: int,
    title: str,
    scope: str,
    responsible_units: Iterable[Unit],
    contact_roles: str = "",
) -> EmergencyPlan:
    units = list(responsible_units)
    fields = ["title", "scope", "contact_roles"]
    with transaction.atomic():
        plan = EmergencyPlan.objects.select_for_update().get(pk=plan.pk)
        if not permissions.can_edit_plan(actor, set(plan.responsible_units.values_list("pk", flat=True))):
            raise PermissionDeniedError(_("只有现场指挥部或预案责任单位可以修改应急预案。"))
        if not title.strip() or not scope.strip():
            raise ServiceError(_("请填写预案名称和适用范围。"), code="title")
        if not units:
            raise ServiceError(_("请至少选择一个责任单位。"), code="responsible_units")
        _check_units(plan.programme_id, units, "responsible_units")
        before = audit.snapshot(plan, fields)
        plan.title, plan.scope, plan.contact_roles = title.strip()[:200], scope.strip(), contact_roles.strip()
        workflow.save_if_unchanged(plan, expected_version=expected_version, fields=fields)
        plan.responsible_units.set(units)
        audit.record(
            actor=actor,
            action="stability.plan_updated",
            obj=plan,
            summary=_("修改应急预案：%(title)s") % {"title": plan.title},
            changes=audit.diff(before, audit.snapshot(plan, fields)),
        )
    return plan


def plan_version_upload(*, actor: Any, plan: EmergencyPlan, uploaded_file: Any, changes: str = "") -> PlanVersion:
    """A new version of the plan's text (PDF or Word), numbered after the last;
    it is in force only once approved."""
    if not permissions.can_edit_plan(actor, set(plan.responsible_units.values_list("pk", flat=True))):
        raise PermissionDeniedError(_("只有现场指挥部或预案责任单位可以上传预案文本。"))
    with transaction.atomic():
        plan = EmergencyPlan.objects.select_for_update().get(pk=plan.pk)  # numbers one after another
        number = (plan.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        stored = uploads.store_upload(
            actor=actor, uploaded_file=uploaded_file, kinds=("pdf", "docx"), purpose="stability.plan"
        )
        version = PlanVersion.objects.create(
            plan=plan, number=number, file=stored, changes=changes.strip()[:300], uploaded_by=_user(actor)
        )
        audit.record(
            actor=actor,
            action="stability.plan_version_uploaded",
            obj=plan,
            summary=_("上传应急预案第 %(n)s 版：%(title)s") % {"n": number, "title": plan.title},
            changes={"version": [None, number], "file": [None, stored.sha256]},
        )
    return version


def plan_version_approve(*, actor: Any, version: PlanVersion, approved_by: str, approved_on: dt.date) -> PlanVersion:
    """Record the approval (批准机关 and date); the latest approved version is the plan in force."""
    if not permissions.can_approve_plan(actor):
        raise PermissionDeniedError(_("只有现场指挥部可以登记预案批准。"))
    if not approved_by.strip():
        raise ServiceError(_("请填写批准机关。"), code="approved_by")
    if approved_on > timezone.localdate():
        raise ServiceError(_("批准日期不能晚于今天。"), code="approved_on")
    with transaction.atomic():
        workflow.move(
            version,
            field="status",
            target=PlanVersionStatus.APPROVED,
            allowed=transitions.PLAN_VERSION,
            labels=PlanVersionStatus,
            extra={"approved_by": approved_by.strip()[:100], "approved_on": approved_on},
        )
        audit.record(
            actor=actor,
            action="stability.plan_version_approved",
            obj=version.plan,
            summary=_("应急预案第 %(n)s 版经%(by)s批准：%(title)s")
            % {"n": version.number, "by": version.approved_by, "title": version.plan.title},
            changes={
                "status": [PlanVersionStatus.DRAFT, PlanVersionStatus.APPROVED],
                "approved_on": [None, approved_on.isoformat()],
            },
        )
    return version


def drill_record(
    *, actor: Any, plan: EmergencyPlan, held_on: dt.date, findings: str, place: str = "", participants: str = ""
) -> Drill:
    """A drill (演练) of the plan in force on that day and what it showed."""
    if not permissions.can_edit_plan(actor, set(plan.responsible_units.values_list("pk", flat=True))):
        raise PermissionDeniedError(_("只有现场指挥部或预案责任单位可以登记演练。"))
    if not findings.strip():
        raise ServiceError(_("请填写演练发现的问题和改进措施。"), code="findings")
    if held_on > timezone.localdate():
        raise ServiceError(_("演练日期不能晚于今天。"), code="held_on")
    in_force = (
        plan.versions.filter(status=PlanVersionStatus.APPROVED, approved_on__lte=held_on).order_by("-number").first()
    )
    with transaction.atomic():
        drill = Drill.objects.create(
            plan=plan,
            plan_version=in_force,
            held_on=held_on,
            place=place.strip()[:200],
            participants=participants.strip()[:300],
            findings=findings.strip(),
            recorded_by=_user(actor),
        )
        audit.record(
            actor=actor,
            action="stability.drill_recorded",
            obj=plan,
            summary=_("登记预案演练（%(day)s）：%(title)s") % {"day": held_on.isoformat(), "title": plan.title},
            changes=audit.snapshot(drill, ["held_on", "place", "participants"]),
        )
    return drill


# ----------------------------------------------------------------------------- public opinion


def response_hours(level: str) -> int:
    rule = OpinionResponseRule.objects.filter(level=level).first()
    return rule.hours if rule is not None else DEFAULT_RESPONSE_HOURS[OpinionLevel(level)]


def response_rule_set(*, actor: Any, level: str, hours: int) -> OpinionResponseRule:
    """HQ sets how many hours an opinion event of a level has for its response.
    Applies to events recorded or re-levelled from now on; deadlines already set stay."""
    if not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有现场指挥部可以调整舆情响应时限。"))
    if level not in OpinionLevel.values:
        raise ServiceError(_("请选择舆情等级。"), code="level")
    if not 0 < hours <= 24 * 30:
        raise ServiceError(_("响应时限应在 1 至 720 小时之间。"), code="hours")
    with transaction.atomic():
        rule, before = _hours_rule_put(
            OpinionResponseRule, {"level": level}, hours, DEFAULT_RESPONSE_HOURS[OpinionLevel(level)]
        )
        audit.record(
            actor=actor,
            action="stability.response_rule_set",
            obj=rule,
            summary=_("%(level)s舆情响应时限：%(hours)s 小时") % {"level": OpinionLevel(level).label, "hours": hours},
            changes={"hours": [before, hours]},
        )
    return rule


def response_rules() -> list[tuple[str, str, int]]:
    """(level, label, hours) for every level, the default where no row exists."""
    hours = dict(OpinionResponseRule.objects.values_list("level", "hours"))
    return [(v, str(label), hours.get(v, DEFAULT_RESPONSE_HOURS[OpinionLevel(v)])) for v, label in OpinionLevel.choices]


def default_owner(programme: Programme, enterprise: Any = None) -> tuple[Unit | None, list[Unit]]:
    """Who handles an opinion event by default: the propaganda department; for
    an enterprise with Hong Kong, Macao or Taiwan capital, 台港澳办 with
    propaganda as co-unit (the plan gives 台港澳办 the 舆情应对化解 of those)."""
    propaganda = _unit_by_function(programme.pk, PROPAGANDA_FUNCTION)
    if is_cross_strait(enterprise):
        tgao = _unit_by_function(programme.pk, CROSS_STRAIT_FUNCTION)
        if tgao is not None:
            return tgao, [propaganda] if propaganda is not None else []
    return propaganda, []


def opinion_record(
    *,
    actor: Any,
    programme: Programme,
    source: str,
    title: str,
    first_seen_at: dt.datetime,
    level: str = OpinionLevel.GENERAL,
    sentiment: str = Sentiment.NEGATIVE,
    heat: int = 0,
    url: str = "",
    description: str = "",
    enterprise: Any = None,
    owner_unit: Unit | None = None,
    co_units: Iterable[Unit] = (),
) -> OpinionEvent:
    """Record a public-opinion event (舆情). The owner unit defaults by the
    plan (default_owner); the response deadline is first seen + the level's
    hours. A unit that records an event another unit owns stays on it as co-unit."""
    if not permissions.can_record(actor):
        raise PermissionDeniedError(_("只有现场指挥部和成员单位可以登记舆情。"))
    if source not in OpinionSource.values:
        raise ServiceError(_("请选择舆情来源。"), code="source")
    if level not in OpinionLevel.values:
        raise ServiceError(_("请选择舆情等级。"), code="level")
    if sentiment not in Sentiment.values:
        raise ServiceError(_("请选择舆情倾向。"), code="sentiment")
    if not title.strip():
        raise ServiceError(_("请填写舆情标题。"), code="title")
    if not url.strip() and not description.strip():
        raise ServiceError(_("请填写链接或内容摘要。"), code="description")
    if heat < 0:
        raise ServiceError(_("热度不能为负数。"), code="heat")
    _not_future(first_seen_at, "first_seen_at")
    if enterprise is not None and enterprise.programme_id != programme.pk:
        raise ServiceError(_("企业不属于本项目。"), code="enterprise")
    default, default_co = default_owner(programme, enterprise)
    owner = owner_unit or default
    if owner is None:
        raise ServiceError(_("请选择处置单位。"), code="owner_unit")
    routed = [u for u, _why in routed_units(programme.pk, enterprise=enterprise, serious=level == OpinionLevel.MAJOR)]
    co = {u.pk: u for u in [*default_co, *routed, *co_units] if u.pk != owner.pk}
    own_unit = getattr(actor, "unit", None) if not is_hq_editor(actor) else None
    if own_unit is not None and own_unit.pk != owner.pk:
        co.setdefault(own_unit.pk, own_unit)
    _check_units(programme.pk, [owner, *co.values()], "owner_unit")
    with transaction.atomic():
        event = OpinionEvent.objects.create(
            programme=programme,
            source=source,
            title=title.strip()[:200],
            url=url.strip()[:500],
            description=description.strip(),
            first_seen_at=first_seen_at,
            level=level,
            heat=heat,
            sentiment=sentiment,
            enterprise=enterprise,
            owner_unit=owner,
            response_due_at=first_seen_at + dt.timedelta(hours=response_hours(level)),
            reported_by=_user(actor),
        )
        if co:
            event.co_units.set(list(co.values()))
        _status_history(OpinionStatusChange, event, actor=actor, from_status="", to_status=OpinionStatus.DETECTED)
        audit.record(
            actor=actor,
            action="stability.opinion_recorded",
            obj=event,
            enterprise_id=event.enterprise_id,
            summary=_("登记%(level)s舆情（%(source)s）：%(title)s")
            % {"level": event.get_level_display(), "source": event.get_source_display(), "title": event.title},
            changes=audit.snapshot(
                event, ["source", "level", "sentiment", "first_seen_at", "owner_unit", "response_due_at"]
            ),
        )
        recipients = _unit_people([owner])
        if level == OpinionLevel.MAJOR:
            recipients += _hq_commanders(event.programme_id)
        notify(
            recipients=recipients,
            verb="stability.opinion_assigned",
            title=_("%(level)s舆情待处置：%(title)s") % {"level": event.get_level_display(), "title": event.title},
            body=_("请于 %(due)s 前回应。")
            % {"due": timezone.localtime(event.response_due_at).strftime("%Y-%m-%d %H:%M")},
            url=f"/stability/opinion/{event.pk}/",
            dedupe_key=f"stability.opinion_assigned:{event.pk}",
        )
    return event


def opinion_update(
    *,
    actor: Any,
    event: OpinionEvent,
    expected_version: int,
    title: str,
    level: str,
    sentiment: str,
    heat: int,
    url: str = "",
    description: str = "",
    co_units: Iterable[Unit] = (),
) -> OpinionEvent:
    """Update an open event as it develops; a new level moves the response
    deadline (from first seen, by the new level's hours)."""
    fields = ["title", "level", "sentiment", "heat", "url", "description", "response_due_at"]
    with transaction.atomic():
        event = OpinionEvent.objects.select_for_update().get(pk=event.pk)
        if not permissions.can_handle_opinion(actor, event):
            raise PermissionDeniedError(_("只有现场指挥部或处置单位可以修改舆情。"))
        if not event.is_open:
            raise ServiceError(_("舆情已办结，不能再修改。"))
        if level not in OpinionLevel.values or sentiment not in Sentiment.values:
            raise ServiceError(_("请选择舆情等级和倾向。"), code="level")
        if not title.strip():
            raise ServiceError(_("请填写舆情标题。"), code="title")
        if not url.strip() and not description.strip():
            raise ServiceError(_("请填写链接或内容摘要。"), code="description")
        if heat < 0:
            raise ServiceError(_("热度不能为负数。"), code="heat")
        routed = routed_units(event.programme_id, enterprise=event.enterprise, serious=level == OpinionLevel.MAJOR)
        co = _with_routed(event.owner_unit, co_units, routed)
        _check_units(event.programme_id, co, "co_units")
        before = audit.snapshot(event, fields)
        event.title, event.level, event.sentiment, event.heat = title.strip()[:200], level, sentiment, heat
        event.url, event.description = url.strip()[:500], description.strip()
        event.response_due_at = event.first_seen_at + dt.timedelta(hours=response_hours(level))
        workflow.save_if_unchanged(event, expected_version=expected_version, fields=fields)
        event.co_units.set(co)
        audit.record(
            actor=actor,
            action="stability.opinion_updated",
            obj=event,
            enterprise_id=event.enterprise_id,
            summary=_("更新舆情：%(title)s（%(level)s）") % {"title": event.title, "level": event.get_level_display()},
            changes=audit.diff(before, audit.snapshot(event, fields)),
        )
    return event


def _opinion_move(event: OpinionEvent, *, actor: Any, target: str, reason: str = "", extra: dict | None = None) -> None:
    if not permissions.can_handle_opinion(actor, event):
        raise PermissionDeniedError(_("只有现场指挥部或处置单位可以处置舆情。"))
    _status_move(
        OpinionStatusChange,
        event,
        actor=actor,
        target=target,
        allowed=transitions.OPINION,
        reason=reason,
        extra=extra,
        action="stability.opinion",
        summary=_("舆情“%(title)s”：%(status)s") % {"title": event.title, "status": OpinionStatus(target).label},
    )


def opinion_verify(*, actor: Any, event: OpinionEvent, note: str = "") -> OpinionEvent:
    with transaction.atomic():
        _opinion_move(event, actor=actor, target=OpinionStatus.VERIFYING, reason=note.strip())
    return event


def opinion_respond(*, actor: Any, event: OpinionEvent, note: str = "") -> OpinionEvent:
    with transaction.atomic():
        _opinion_move(event, actor=actor, target=OpinionStatus.RESPONDING, reason=note.strip())
    return event


def opinion_close(*, actor: Any, event: OpinionEvent, published_response: str) -> OpinionEvent:
    """Close with the response that was published (及时回应社会关切); kept verbatim."""
    if not published_response.strip():
        raise ServiceError(_("请填写已发布的回应内容。"), code="published_response")
    with transaction.atomic():
        _opinion_move(
            event,
            actor=actor,
            target=OpinionStatus.CLOSED,
            reason=published_response.strip(),
            extra={"published_response": published_response.strip(), "responded_at": timezone.now()},
        )
    return event


def remind_overdue_opinions(*, now: dt.datetime | None = None) -> int:
    """The job's work: tell the owner unit and HQ of every open opinion event
    past its response deadline (once per event)."""
    now = now or timezone.now()
    count = 0
    overdue = OpinionEvent.objects.filter(response_due_at__lt=now).exclude(status=OpinionStatus.CLOSED)
    for event in overdue.select_related("owner_unit"):
        with transaction.atomic():
            sent = notify(
                recipients=_unit_people([event.owner_unit]) + _hq_commanders(event.programme_id),
                verb="stability.opinion_overdue",
                title=_("舆情逾期未回应：%(title)s") % {"title": event.title},
                body=_("响应时限：%(due)s；处置单位：%(unit)s")
                % {
                    "due": timezone.localtime(event.response_due_at).strftime("%Y-%m-%d %H:%M"),
                    "unit": event.owner_unit.name,
                },
                url=f"/stability/opinion/{event.pk}/",
                dedupe_key=f"stability.opinion_overdue:{event.pk}",
            )
        count += bool(sent)
    return count
