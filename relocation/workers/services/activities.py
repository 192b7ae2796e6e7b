"""Placement activities: job fairs, referrals and training classes, with the
workers who took part."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from relocation.core import audit
from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.enterprises.models import Enterprise
from relocation.organisation.models import Programme
from relocation.workers import selectors
from relocation.workers.models import (
    ActivityKind,
    PlacementActivity,
    Worker,
)
from relocation.workers.services.roster import _user


def activity_record(
    *,
    actor: Any,
    programme: Programme,
    kind: str,
    title: str,
    held_on: dt.date,
    enterprise: Enterprise | None = None,
    employers: int = 0,
    jobs_offered: int = 0,
    workers: list[Worker] | None = None,
    note: str = "",
) -> PlacementActivity:
    """Record a job fair, a referral or a training class, with the workers who took part."""
    if actor is not None and not selectors.can_record_activity(actor):
        raise PermissionDeniedError(_("只有指挥部或人社部门可以登记安置就业活动。"))
    if kind not in ActivityKind.values:
        raise ServiceError(_("请选择活动类型。"), code="kind")
    title = (title or "").strip()
    if not title:
        raise ServiceError(_("请填写活动名称。"), code="title")
    if employers < 0 or jobs_offered < 0:
        raise ServiceError(_("数量不能为负数。"), code="jobs_offered")
    workers = list(workers or [])
    if enterprise is not None and any(w.enterprise_id != enterprise.pk for w in workers):
        raise ServiceError(_("参加工人须属于所面向的企业。"), code="workers")
    with transaction.atomic():
        activity = PlacementActivity.objects.create(
            programme=programme,
            kind=kind,
            title=title[:200],
            held_on=held_on,
            enterprise=enterprise,
            employers=employers,
            jobs_offered=jobs_offered,
            note=(note or "").strip()[:500],
            recorded_by=_user(actor),
        )
        activity.workers.set(workers)
        audit.record(
            actor=actor,
            action="placement_activity.recorded",
            obj=activity,
            enterprise_id=enterprise.pk if enterprise is not None else None,
            summary=_("%(kind)s：%(title)s，%(n)d名工人参加")
            % {"kind": ActivityKind(kind).label, "title": activity.title, "n": len(workers)},
        )
    return activity
