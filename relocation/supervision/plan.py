"""Seeding tasks from the plan: each phase's tasks and each unit's duties."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from relocation.core.errors import PermissionDeniedError
from relocation.core.roles import is_hq_editor
from relocation.organisation.models import Programme, Unit
from relocation.supervision.models import Task, TaskSource
from relocation.supervision.services import task_create

DUTY_SPLIT = re.compile(r"[；;。]\s*")


def duty_items(duties: str) -> list[str]:
    return [d.strip() for d in DUTY_SPLIT.split(duties or "") if len(d.strip()) >= 4]


def plan_tasks_seed(*, actor: Any, programme: Programme) -> list[Task]:
    """Create one task per phase task (led by HQ, with the territorial towns as
    co-units, due at the phase's end) and one per duty clause of each member
    unit (due at the programme's deadline). Idempotent: dedupe keys name the
    phase/unit and the item's position."""
    if actor is not None and not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部工作人员可以从方案生成任务。"))
    units = list(Unit.objects.filter(programme=programme))
    hq = next((u for u in units if u.kind == Unit.Kind.HEADQUARTERS), None)
    towns = [u for u in units if u.is_territorial]
    created: list[Task] = []
    if hq is not None:
        for phase in programme.phases.all():
            for i, title in enumerate(phase.tasks or [], start=1):
                created.append(
                    task_create(
                        actor=actor,
                        title=f"{phase.name}：{title}",
                        lead_unit=hq,
                        co_units=towns,
                        deadline=phase.ends_on,
                        source=TaskSource.PLAN,
                        subject=phase,
                        dedupe_key=f"plan:phase:{phase.kind}:{i}",
                    )
                )
    for unit in units:
        if unit.kind == Unit.Kind.HEADQUARTERS:
            continue
        for i, duty in enumerate(duty_items(unit.duties), start=1):
            created.append(
                task_create(
                    actor=actor,
                    title=duty[:300],
                    description=_("方案职责分工：%(unit)s") % {"unit": unit.name},
                    lead_unit=unit,
                    deadline=programme.deadline,
                    source=TaskSource.PLAN,
                    subject=unit,
                    dedupe_key=f"plan:duty:{unit.code}:{i}",
                )
            )
    return created
