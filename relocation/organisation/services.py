"""Writes on the organisation. Each takes the actor, checks permission, and
audits in the same transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit
from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.roles import Role, is_hq_editor, is_system_admin
from relocation.organisation.models import LiaisonAssignment, Membership, Person, Phase, Programme, Unit, User


def programme_load(*, actor: Any, config: dict[str, Any]) -> Programme:
    """Create or update a programme from its configuration (idempotent: loading
    the same file twice changes nothing)."""
    with transaction.atomic():
        center = config.get("center") or {}
        programme, created = Programme.objects.update_or_create(
            code=config["code"],
            defaults={
                "name": config["name"],
                "zone_name": config["zone_name"],
                "city": config["city"],
                "deadline": dt.date.fromisoformat(config["deadline"]),
                "goal": config.get("goal", ""),
                "center_lat": center.get("lat"),
                "center_lon": center.get("lon"),
                "zone_geojson": config.get("zone_geojson", {}),
            },
        )
        for order, phase in enumerate(config.get("phases", [])):
            Phase.objects.update_or_create(
                programme=programme,
                kind=phase["kind"],
                defaults={
                    "name": phase["name"],
                    "starts_on": dt.date.fromisoformat(phase["starts_on"]),
                    "ends_on": dt.date.fromisoformat(phase["ends_on"]),
                    "order": order,
                    "tasks": phase.get("tasks", []),
                },
            )
        units: dict[str, Unit] = {}
        for order, spec in enumerate(config.get("units", [])):
            units[spec["code"]], _c = Unit.objects.update_or_create(
                programme=programme,
                code=spec["code"],
                defaults={
                    "name": spec["name"],
                    "short_name": spec.get("short_name", ""),
                    "kind": spec["kind"],
                    "is_territorial": spec.get("is_territorial", False),
                    "is_receiving": spec.get("is_receiving", False),
                    "duties": spec.get("duties", ""),
                    "order": order,
                },
            )
        people: dict[str, Person] = {}
        for spec in config.get("people", []):
            people[spec["key"]], _c = Person.objects.update_or_create(
                unit=units[spec["unit"]], name=spec["name"], defaults={"title": spec.get("title", "")}
            )
        for order, spec in enumerate(config.get("memberships", [])):
            Membership.objects.update_or_create(
                programme=programme,
                body=spec["body"],
                person=people[spec["person"]],
                defaults={"position": spec["position"], "order": order},
            )
        audit.record(
            actor=actor,
            action="organisation.programme_loaded",
            obj=programme,
            summary=_("载入项目配置：%(name)s") % {"name": programme.name},
            changes={"created": created, "units": len(units), "phases": len(config.get("phases", []))},
        )
    return programme


def liaison_assign(*, actor: Any, unit: Unit, person: Person, starts_on: dt.date | None = None) -> LiaisonAssignment:
    """Make `person` the unit's liaison; the previous one's term ends the day before.

    HQ editors may assign for any unit; a unit leader for their own unit."""
    if not (is_hq_editor(actor) or (actor.role == Role.UNIT_LEADER and actor.unit_id == unit.pk)):
        raise PermissionDeniedError(_("您无权更换该单位的联络员。"))
    if person.unit_id != unit.pk:
        raise ServiceError(_("联络员必须是本单位人员。"))
    starts_on = starts_on or timezone.localdate()
    with transaction.atomic():
        current = LiaisonAssignment.objects.select_for_update().filter(unit=unit, ends_on__isnull=True).first()
        if current is not None:
            if current.person_id == person.pk:
                return current
            current.ends_on = max(current.starts_on, starts_on - dt.timedelta(days=1))
            current.save(update_fields=["ends_on", "updated_at"])
        assignment = LiaisonAssignment.objects.create(unit=unit, person=person, starts_on=starts_on, assigned_by=actor)
        audit.record(
            actor=actor,
            action="organisation.liaison_assigned",
            obj=assignment,
            summary=_("%(unit)s 联络员变更为 %(person)s") % {"unit": unit, "person": person},
            changes={"liaison": [current.person.name if current else None, person.name]},
        )
    return assignment


def person_create(*, actor: Any, unit: Unit, name: str, title: str = "", phone: str = "", email: str = "") -> Person:
    if not (is_hq_editor(actor) or (actor.role in {Role.UNIT_LEADER, Role.UNIT_LIAISON} and actor.unit_id == unit.pk)):
        raise PermissionDeniedError(_("您无权在该单位添加人员。"))
    if not name.strip():
        raise ServiceError(_("姓名不能为空。"))
    with transaction.atomic():
        person = Person.objects.create(unit=unit, name=name.strip(), title=title, phone=phone, email=email)
        audit.record(actor=actor, action="organisation.person_created", obj=person, changes=audit.snapshot(person))
    return person


def user_create(
    *,
    actor: Any,
    username: str,
    password: str,
    role: str,
    unit: Unit | None = None,
    display_name: str = "",
    email: str = "",
) -> User:
    """Accounts are created by the system admin only (or by the set-up/demo
    command, which passes actor=None)."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    if actor is not None and not is_system_admin(actor):
        raise PermissionDeniedError(_("只有系统管理员可以创建账户。"))
    if role not in Role.values:
        raise ServiceError(_("未知角色：%(role)s") % {"role": role})
    if role in {Role.UNIT_LEADER, Role.UNIT_LIAISON, Role.INSPECTOR} and unit is None:
        raise ServiceError(_("成员单位账户必须指定所属单位。"))
    user = User(username=username, role=role, unit=unit, display_name=display_name, email=email)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ServiceError(" ".join(exc.messages)) from exc
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise ServiceError(_("用户名“%(u)s”已存在。") % {"u": username})
        user.set_password(password)
        user.save()
        audit.record(
            actor=actor,
            action="account.created",
            obj=user,
            changes={"role": [None, role], "unit": [None, unit.pk if unit else None]},
            summary=_("创建账户 %(u)s（%(role)s）") % {"u": username, "role": user.get_role_display()},
        )
    return user
