"""The time limits of stability work, per programme: an incident's first-report
limit by severity and a public-opinion event's response limit by level, with
the defaults used where a programme has no rule row."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from relocation.core import audit
from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.roles import is_hq_editor
from relocation.stability.models import (
    IncidentReportRule,
    OpinionLevel,
    OpinionResponseRule,
    Severity,
)

# Used when a programme has no rule rows for a level (the data migration seeds them).
DEFAULT_RESPONSE_HOURS = {OpinionLevel.MAJOR: 2, OpinionLevel.LARGER: 24, OpinionLevel.GENERAL: 72}
# First-report limits of incidents where a programme has no rule row (the data migration seeds them).
DEFAULT_REPORT_HOURS = {Severity.EXTRAORDINARY: 1, Severity.MAJOR: 1, Severity.LARGER: 2, Severity.GENERAL: 24}


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
