"""The programme's enforcement configuration: domains, checklist items, legal
bases, the escalation ladder, the repeat-offender rule, and the teams."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from relocation.core import audit
from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.roles import is_hq_editor
from relocation.enforcement import domains as defaults
from relocation.enforcement.models import (
    ChecklistItem,
    EnforcementDomain,
    EnforcementTeam,
    EscalationStep,
    LegalBasis,
    RepeatOffenderRule,
)
from relocation.organisation.models import Programme, Unit


def configuration_ensure(*, actor: Any, programme: Programme) -> None:
    """Load the plan's domains, checklist items, legal bases, ladder and
    repeat-offender rule where they are missing. Idempotent: existing rows,
    edited or not, are left alone."""
    if actor is not None and not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部可以配置执法领域。"))
    _configuration_fill(actor=actor, programme=programme)


def domains_fill_from_functions(*, actor: Any, programme: Programme) -> None:
    """Programme-load hook: the loader has checked its own permission; the
    domains follow the programme's units (see `_configuration_fill`)."""
    _configuration_fill(actor=actor, programme=programme)


def _configuration_fill(*, actor: Any, programme: Programme) -> None:
    """Create the missing domains with their lead and co-units taken from the
    units' functions; an existing domain whose lead unit is empty (the programme
    had no such unit before) gets it. Edited leads are left alone."""
    from relocation.organisation.selectors import unit_with_function

    with transaction.atomic():
        created = 0
        for order, spec in enumerate(defaults.DOMAINS):
            lead = unit_with_function(programme, spec["lead"])
            domain, is_new = EnforcementDomain.objects.get_or_create(
                programme=programme,
                code=spec["code"],
                defaults={"name": spec["name"], "lead_unit": lead, "order": order},
            )
            if not is_new:
                if domain.lead_unit_id is None and lead is not None:
                    domain.lead_unit = lead
                    domain.save(update_fields=["lead_unit", "updated_at"])
                continue
            created += 1
            # One unit may hold the lead's function and a co-function too (a
            # combined enforcement bureau): it leads, it is not its own co-unit.
            co = {u.pk: u for f in spec["co"] if (u := unit_with_function(programme, f)) is not None}
            domain.co_units.set([u for pk, u in co.items() if pk != domain.lead_unit_id])
            bases = LegalBasis.objects.bulk_create(
                [LegalBasis(domain=domain, law=law, article=art, summary=s) for law, art, s in spec["bases"]]
            )
            by_article = {(b.law, b.article): b for b in bases}
            ChecklistItem.objects.bulk_create(
                [
                    ChecklistItem(
                        domain=domain,
                        text=t,
                        order=i,
                        legal_basis=by_article.get(defaults.CHECKLIST_BASES.get((spec["code"], t), ("", ""))),
                    )
                    for i, t in enumerate(spec["checklist"])
                ]
            )
        for level, kind, days in defaults.LADDER:
            EscalationStep.objects.get_or_create(
                programme=programme, level=level, defaults={"kind": kind, "rectification_workdays": days}
            )
        RepeatOffenderRule.objects.get_or_create(programme=programme, defaults=defaults.REPEAT_OFFENDER)
        if created:
            audit.record(
                actor=actor,
                action="enforcement.configuration_loaded",
                obj=programme,
                summary=_("载入执法领域、检查事项、法律依据与升级阶梯（%(n)s 个领域）") % {"n": created},
            )


def configuration_save(*, actor: Any, instance: Any, data: dict[str, Any]) -> Any:
    """Create or edit one row of configuration (checklist item, legal basis,
    ladder rung, repeat-offender rule). HQ editors only; validated and audited."""
    if actor is not None and not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部可以修改执法配置。"))
    fields = [f.name for f in instance._meta.concrete_fields if f.name not in {"id", "created_at", "updated_at"}]
    with transaction.atomic():
        before = audit.snapshot(instance, fields) if instance.pk else {}
        for key, value in data.items():
            if key in fields:
                setattr(instance, key, value)
        from django.core.exceptions import ValidationError

        try:
            instance.full_clean()
        except ValidationError as exc:
            field, messages = next(iter(exc.message_dict.items()))
            raise ServiceError(f"{field}：{' '.join(messages)}", code=field) from exc
        is_new = instance.pk is None
        instance.save()
        changes = audit.diff(before, audit.snapshot(instance, fields))
        audit.record(
            actor=actor,
            action="enforcement.configuration_changed",
            obj=instance,
            summary=(_("新增执法配置：%(o)s") if is_new else _("修改执法配置：%(o)s")) % {"o": instance},
            changes=changes,
        )
    return instance


def team_create(
    *,
    actor: Any,
    domain: EnforcementDomain,
    name: str,
    lead_unit: Unit | None = None,
    members: Iterable[Any] = (),
) -> EnforcementTeam:
    """Set up a 专项执法组 for a domain. HQ editors only."""
    if actor is not None and not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部可以设立专项执法组。"))
    if not name.strip():
        raise ServiceError(_("执法组名称不能为空。"), code="name")
    lead = lead_unit or domain.lead_unit
    if lead is None:
        raise ServiceError(_("请指定执法组的牵头单位。"), code="lead_unit")
    with transaction.atomic():
        if EnforcementTeam.objects.filter(programme=domain.programme, name=name.strip()).exists():
            raise ServiceError(_("已有同名执法组：%(name)s") % {"name": name}, code="name")
        team = EnforcementTeam.objects.create(
            programme=domain.programme, domain=domain, name=name.strip(), lead_unit=lead
        )
        team.members.set(list(members))
        audit.record(
            actor=actor,
            action="enforcement.team_created",
            obj=team,
            summary=_("设立专项执法组：%(name)s（%(domain)s）") % {"name": team.name, "domain": domain.name},
            changes={"members": [None, sorted(m.pk for m in team.members.all())]},
        )
    return team


def team_set_members(*, actor: Any, team: EnforcementTeam, members: Iterable[Any]) -> EnforcementTeam:
    if actor is not None and not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部可以调整执法组成员。"))
    with transaction.atomic():
        before = sorted(team.members.values_list("pk", flat=True))
        team.members.set(list(members))
        after = sorted(team.members.values_list("pk", flat=True))
        if before != after:
            audit.record(
                actor=actor,
                action="enforcement.team_members_changed",
                obj=team,
                summary=_("调整执法组成员：%(name)s") % {"name": team.name},
                changes={"members": [before, after]},
            )
    return team
