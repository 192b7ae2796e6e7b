"""HQ's configuration of supervision: the programme's settings (warning
thresholds, escalation steps, report period, notice heading) and the local
working days and days off that working-day deadlines honour."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from relocation.core import audit
from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.roles import is_hq_editor
from relocation.organisation.models import Programme
from relocation.supervision.models import (
    SupervisionSettings,
)


def settings_for(programme: Programme) -> SupervisionSettings:
    """The programme's supervision settings (created with defaults on first use; the
    notice number's prefix from the programme's own HQ unit, e.g. 现场指挥部督)."""
    obj, _created = SupervisionSettings.objects.get_or_create(
        programme=programme, defaults={"notice_prefix": default_notice_prefix(programme)}
    )
    return obj


def default_notice_prefix(programme: Programme) -> str:
    hq = programme.units.filter(kind="headquarters").order_by("order", "id").first()
    issuer = (hq.short_name or hq.name) if hq is not None else programme.name
    return f"{issuer}督"


def _require_hq_editor(actor: Any) -> None:
    if not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部工作人员可以执行此操作。"))


def workday_override_save(*, actor: Any, date: dt.date, is_workday: bool, reason: str) -> Any:
    """HQ marks a local working day or day off (a typhoon day, a Saturday the HQ works);
    every working-day deadline computed afterwards honours it."""
    from relocation.core.models import WorkdayOverride

    _require_hq_editor(actor)
    if not reason.strip():
        raise ServiceError(_("请填写调整原因。"))
    with transaction.atomic():
        override, created = WorkdayOverride.objects.select_for_update().get_or_create(
            date=date, defaults={"is_workday": is_workday, "reason": reason.strip()}
        )
        before = {"is_workday": None if created else override.is_workday, "reason": "" if created else override.reason}
        if not created:
            override.is_workday, override.reason = is_workday, reason.strip()
            override.save(update_fields=["is_workday", "reason", "updated_at"])
        audit.record(
            actor=actor,
            action="workdays.override_saved",
            obj=override,
            summary=_("%(d)s 调整为%(kind)s：%(reason)s")
            % {
                "d": date.isoformat(),
                "kind": _("工作日（上班）") if is_workday else _("休息日（不上班）"),
                "reason": reason.strip(),
            },
            changes=audit.diff(before, {"is_workday": is_workday, "reason": reason.strip()}),
        )
    return override


def workday_override_delete(*, actor: Any, override: Any) -> None:
    _require_hq_editor(actor)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="workdays.override_deleted",
            obj=override,
            summary=_("取消 %(d)s 的工作日调整") % {"d": override.date.isoformat()},
            changes={"is_workday": [override.is_workday, None]},
        )
        override.delete()


SETTINGS_FIELDS = [
    "yellow_workdays",
    "escalate_commander_workdays",
    "escalate_group_workdays",
    "report_period_days",
    "report_anchor",
    "report_due_workdays",
    "report_remind_workdays",
    "notice_issuer",
    "notice_prefix",
]


def settings_update(*, actor: Any, programme: Programme, values: dict[str, Any]) -> SupervisionSettings:
    """HQ changes the warning thresholds, escalation steps, report period and notice heading."""
    _require_hq_editor(actor)
    if values.get("escalate_group_workdays", 0) < values.get("escalate_commander_workdays", 0):
        raise ServiceError(_("报协调小组的天数不能少于报总指挥的天数。"))
    if values.get("report_period_days", 1) < 1:
        raise ServiceError(_("报送周期至少 1 天。"))
    with transaction.atomic():
        conf = SupervisionSettings.objects.select_for_update().get(pk=settings_for(programme).pk)
        before = audit.snapshot(conf, SETTINGS_FIELDS)
        for key in SETTINGS_FIELDS:
            if key in values:
                setattr(conf, key, values[key])
        conf.save(update_fields=[*SETTINGS_FIELDS, "updated_at"])
        audit.record(
            actor=actor,
            action="supervision.settings_changed",
            obj=conf,
            summary=_("修改督办设置"),
            changes=audit.diff(before, audit.snapshot(conf, SETTINGS_FIELDS)),
        )
    return conf
