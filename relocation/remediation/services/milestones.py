"""Milestones of a site's remediation: the plan and the progress on each step."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit, workflow
from relocation.core.errors import ConflictError, ServiceError
from relocation.core.workdays import add_workdays
from relocation.remediation import permissions
from relocation.remediation.models import (
    Milestone,
    Site,
    Stage,
)
from relocation.remediation.services.actors import _require


def milestones_plan(*, actor: Any, site: Site, start: dt.date, steps: Iterable[tuple[str, int]]) -> list[Milestone]:
    """Add the remediation plan's milestones, each due `workdays` working days
    after `start` (official holidays and local overrides counted)."""
    _require(permissions.can_work_on_site(actor, site), _("您没有制定该地块修复计划的权限。"))
    if site.stage not in (Stage.PLAN, Stage.REMEDIATION, Stage.EFFECT):
        raise ServiceError(_("地块进入“修复方案”阶段后才能制定进度节点。"))
    steps = [(name.strip(), int(days)) for name, days in steps if name and name.strip()]
    if not steps:
        raise ServiceError(_("请至少填写一个节点。"))
    if any(days <= 0 for _name, days in steps):
        raise ServiceError(_("工作日数必须大于零。"))
    with transaction.atomic():
        offset = site.milestones.count()
        created = [
            Milestone.objects.create(
                site=site, order=offset + i, name=name[:200], workdays=days, due_on=add_workdays(start, days)
            )
            for i, (name, days) in enumerate(steps)
        ]
        audit.record(
            actor=actor,
            action="remediation.milestones_planned",
            obj=site,
            enterprise_id=site.enterprise_id,
            summary=_("地块 %(site)s 制定修复进度节点 %(n)s 个") % {"site": site.code, "n": len(created)},
            changes={"milestones": [[m.name, m.due_on.isoformat()] for m in created]},
        )
    return created


def milestone_progress(
    *, actor: Any, milestone: Milestone, percent: int, expected_version: int, done_on: dt.date | None = None
) -> Milestone:
    """Report a milestone's progress (0–100 %); at 100 % it is done on `done_on`
    (today if not given). Version-checked."""
    site = milestone.site
    _require(permissions.can_work_on_site(actor, site), _("您没有填报该地块进度的权限。"))
    if percent is None or not 0 <= int(percent) <= 100:
        raise ServiceError(_("完成比例应在 0 到 100 之间。"))
    fields = ["percent", "done_on"]
    with transaction.atomic():
        before = audit.snapshot(milestone, fields)
        milestone.percent = int(percent)
        milestone.done_on = (done_on or timezone.localdate()) if milestone.percent == 100 else None
        try:
            workflow.save_if_unchanged(milestone, expected_version=expected_version, fields=fields)
        except ConflictError:
            milestone.refresh_from_db()
            raise
        audit.record(
            actor=actor,
            action="remediation.milestone_progress",
            obj=milestone,
            enterprise_id=site.enterprise_id,
            summary=_("地块 %(site)s「%(m)s」完成 %(p)s%%")
            % {"site": site.code, "m": milestone.name, "p": milestone.percent},
            changes=audit.diff(before, audit.snapshot(milestone, fields)),
        )
    return milestone
