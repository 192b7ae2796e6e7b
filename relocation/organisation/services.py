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
from relocation.core.roles import UNIT_ROLES, Role, is_hq_editor, is_security_admin, is_system_admin
from relocation.organisation import approvals, functions, password_checks, programme_check, programme_hooks
from relocation.organisation.models import (
    AssignedFunction,
    LiaisonAssignment,
    Membership,
    Person,
    Phase,
    Programme,
    Unit,
    User,
)


def _programme_state(code: str) -> dict[str, Any]:
    """What a configuration file determines, section by section, to tell
    whether loading it changed anything."""
    programme = Programme.objects.filter(code=code).first()
    if programme is None:
        return {}
    return {
        "programme": audit.snapshot(programme),
        "phases": [audit.snapshot(p) for p in programme.phases.order_by("kind")],
        "units": [audit.snapshot(u) for u in programme.units.order_by("code")],
        "functions": sorted(
            AssignedFunction.objects.filter(unit__programme=programme).values_list("unit__code", "function")
        ),
        "people": sorted(
            (p.unit.code, p.name, p.title)
            for p in Person.objects.filter(unit__programme=programme).select_related("unit")
        ),
        "memberships": sorted((m.body, m.position, m.person_id, m.order) for m in programme.memberships.all()),
    }


def _unit_functions(spec: dict[str, Any]) -> set[str]:
    """The functions a unit's entry declares (checked by programme_check); the
    territorial and receiving flags and their functions imply each other, so
    either spelling works."""
    result = set(spec.get("functions", []))
    if spec.get("is_territorial"):
        result.add(functions.UnitFunction.TERRITORIAL_TOWN)
    if spec.get("is_receiving"):
        result.add(functions.UnitFunction.RECEIVING_TOWN)
    return result


def _assign_functions(unit: Unit, wanted: set[str]) -> None:
    AssignedFunction.objects.filter(unit=unit).exclude(function__in=wanted).delete()
    have = set(AssignedFunction.objects.filter(unit=unit).values_list("function", flat=True))
    AssignedFunction.objects.bulk_create([AssignedFunction(unit=unit, function=f) for f in sorted(wanted - have)])


def _check_required_functions(programme: Programme) -> None:
    """Refuse a programme in which a rule would find no unit to act (also
    counting units loaded earlier that the file no longer lists)."""
    present = set(AssignedFunction.objects.filter(unit__programme=programme).values_list("function", flat=True))
    missing = functions.missing(present)
    if missing:
        raise ServiceError(programme_check.missing_functions_message(missing), code="functions")


def programme_check_file(config: Any) -> list[programme_check.Problem]:
    """Every problem of a programme file, without writing anything (`--check`)."""
    return programme_check.problems(config)


def programme_load(*, actor: Any, config: dict[str, Any]) -> Programme:
    """Create or update a programme from its configuration (idempotent: loading
    the same file twice changes nothing and records nothing).

    Every function that an app's rule requires (`functions.require`) must be
    carried by at least one unit; otherwise nothing is written and the error
    names the missing functions. Apps' `programme_hooks` then derive their own
    data from the loaded units (enforcement domains' lead units, for example).

    Only the system admin loads programmes from a signed-in session (the
    command line passes actor=None). A file with problems (programme_check)
    is refused as a whole, every problem named."""
    if actor is not None:
        _require_system_admin(actor, _("只有系统管理员可以载入或更新项目配置。"))
    found = programme_check.problems(config)
    if found:
        raise ServiceError(
            _("项目配置有 %(n)s 处问题，未作任何修改：%(problems)s")
            % {"n": len(found), "problems": "；".join(str(p) for p in found)},
            code="programme_file",
        )
    with transaction.atomic():
        before = _programme_state(config["code"])
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
                "tracking_prefix": config["tracking_prefix"],
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
            unit_functions = _unit_functions(spec)
            units[spec["code"]], _c = Unit.objects.update_or_create(
                programme=programme,
                code=spec["code"],
                defaults={
                    "name": spec["name"],
                    "short_name": spec.get("short_name", ""),
                    "kind": spec["kind"],
                    "is_territorial": functions.UnitFunction.TERRITORIAL_TOWN in unit_functions,
                    "is_receiving": functions.UnitFunction.RECEIVING_TOWN in unit_functions,
                    "duties": spec.get("duties", ""),
                    "order": order,
                },
            )
            _assign_functions(units[spec["code"]], unit_functions)
        _check_required_functions(programme)
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
        after = _programme_state(programme.code)
        changed = sorted(k for k in after if before.get(k) != after[k])
        if changed:
            audit.record(
                actor=actor,
                action="organisation.programme_loaded",
                obj=programme,
                summary=_("载入项目配置：%(name)s") % {"name": programme.name},
                changes={"created": created, "sections_changed": changed, "units": len(units)},
            )
        programme_hooks.run(actor=actor, programme=programme)
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


def person_update(*, actor: Any, person: Person, **values: Any) -> Person:
    """Change a person's name, title, phone or e-mail (same people who may add them)."""
    unit = person.unit
    if not (is_hq_editor(actor) or (actor.role in {Role.UNIT_LEADER, Role.UNIT_LIAISON} and actor.unit_id == unit.pk)):
        raise PermissionDeniedError(_("您无权修改该单位的人员。"))
    allowed = {"name", "title", "phone", "email"}
    unknown = set(values) - allowed
    if unknown:
        raise ServiceError(_("不能修改的字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    if "name" in values and not str(values["name"]).strip():
        raise ServiceError(_("姓名不能为空。"))
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        before = audit.snapshot(person, allowed)
        for field, value in values.items():
            setattr(person, field, value.strip() if field == "name" else value)
        person.save(update_fields=[*values, "updated_at"])
        changes = audit.diff(before, audit.snapshot(person, allowed))
        if changes:
            audit.record(
                actor=actor,
                action="organisation.person_updated",
                obj=person,
                changes=changes,
                summary=_("修改人员信息：%(p)s") % {"p": person.name},
            )
    return person


def membership_add(*, actor: Any, programme: Programme, body: str, position: str, person: Person) -> Membership:
    """Give `person` a seat in the coordination group or the HQ (HQ editors only).
    A person holds at most one seat per body (database constraint)."""
    from relocation.organisation.models import Body, Position

    if not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部可以调整协调小组和指挥部成员。"))
    if body not in Body.values:
        raise ServiceError(_("未知机构：%(b)s") % {"b": body})
    if position not in Position.values:
        raise ServiceError(_("未知职位：%(p)s") % {"p": position})
    if person.unit.programme_id != programme.pk:
        raise ServiceError(_("该人员不属于本项目的成员单位。"))
    with transaction.atomic():
        if Membership.objects.filter(programme=programme, body=body, person=person).exists():
            raise ServiceError(_("%(p)s 已在该机构中。") % {"p": person.name})
        last = Membership.objects.filter(programme=programme, body=body).order_by("-order").first()
        membership = Membership.objects.create(
            programme=programme, body=body, position=position, person=person, order=(last.order + 1 if last else 0)
        )
        audit.record(
            actor=actor,
            action="organisation.membership_added",
            obj=membership,
            changes={"body": [None, body], "position": [None, position], "person": [None, person.name]},
            summary=_("%(p)s 任%(body)s%(pos)s")
            % {"p": person.name, "body": membership.get_body_display(), "pos": membership.get_position_display()},
        )
    return membership


def membership_remove(*, actor: Any, membership: Membership) -> None:
    """Remove a seat (HQ editors only); the audit log keeps who held it."""
    if not is_hq_editor(actor):
        raise PermissionDeniedError(_("只有指挥部可以调整协调小组和指挥部成员。"))
    with transaction.atomic():
        locked = Membership.objects.select_for_update().filter(pk=membership.pk).first()
        if locked is None:
            return
        audit.record(
            actor=actor,
            action="organisation.membership_removed",
            obj=locked,
            changes={
                "body": [locked.body, None],
                "position": [locked.position, None],
                "person": [locked.person.name, None],
            },
            summary=_("%(p)s 不再担任%(body)s%(pos)s")
            % {"p": locked.person.name, "body": locked.get_body_display(), "pos": locked.get_position_display()},
        )
        locked.delete()


# --- Accounts ---------------------------------------------------------------
# Separation of the three administrator roles (三员分立): the system admin
# manages accounts, the security admin unlocks them and resets second factors,
# the auditor only reads the audit log. One role per account keeps the three
# apart; nobody changes their own role or acts on their own account's security.

ACCOUNT_FIELDS = ("role", "unit", "display_name", "email", "phone", "is_active")


def _validate_password(password: str, user: User) -> None:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ServiceError(" ".join(exc.messages)) from exc


def _check_role_and_unit(role: str, unit: Unit | None) -> None:
    if role not in Role.values:
        raise ServiceError(_("未知角色：%(role)s") % {"role": role})
    if role in UNIT_ROLES and unit is None:
        raise ServiceError(_("成员单位账户必须指定所属单位。"))


def _require_system_admin(actor: Any, message: str) -> None:
    if not is_system_admin(actor):
        raise PermissionDeniedError(message)


def user_create(
    *,
    actor: Any,
    username: str,
    password: str,
    role: str,
    unit: Unit | None = None,
    display_name: str = "",
    email: str = "",
    phone: str = "",
) -> User:
    """Accounts are created by the system admin only (or by the set-up/demo
    command, which passes actor=None). An HQ or admin account is created
    inactive and waits for the security admin's approval (approvals.py)."""
    if actor is not None:
        _require_system_admin(actor, _("只有系统管理员可以创建账户。"))
    username = (username or "").strip()
    if not username:
        raise ServiceError(_("用户名不能为空。"))
    _check_role_and_unit(role, unit)
    user = User(username=username, role=role, unit=unit, display_name=display_name, email=email, phone=phone)
    _validate_password(password, user)
    pending = approvals.needs_approval(actor, role)
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise ServiceError(_("用户名“%(u)s”已存在。") % {"u": username})
        user.set_password(password)
        user.is_active = not pending
        user.save()
        audit.record(
            actor=actor,
            action="account.created",
            obj=user,
            changes={"role": [None, role], "unit": [None, unit.pk if unit else None]},
            summary=_("创建账户 %(u)s（%(role)s）") % {"u": username, "role": user.get_role_display()},
        )
        if pending:
            approvals.approval_request(actor=actor, user=user, kind="create", role=role, unit=unit)
    return user


def user_update(*, actor: Any, user: User, **values: Any) -> User:
    """Change an account's role, unit, name, e-mail or phone (system admin only).
    Nobody changes their own role: a role is always given by someone else."""
    _require_system_admin(actor, _("只有系统管理员可以修改账户。"))
    unknown = set(values) - set(ACCOUNT_FIELDS)
    if unknown:
        raise ServiceError(_("不能修改的字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.pk == actor.pk and ("role" in values and values["role"] != user.role):
            raise PermissionDeniedError(_("不能修改自己的角色。"))
        if user.pk == actor.pk and values.get("is_active") is False:
            raise PermissionDeniedError(_("不能停用自己的账户。"))
        if values.get("is_active") is True and not user.is_active:
            approvals.refuse_while_pending(user)
        before = audit.snapshot(user, ACCOUNT_FIELDS)
        elevate = "role" in values and values["role"] != user.role and approvals.needs_approval(actor, values["role"])
        if elevate:
            # The new role (and its unit) waits for the security admin; the rest applies now.
            _check_role_and_unit(values["role"], values.get("unit", user.unit))
            approvals.approval_request(
                actor=actor, user=user, kind="elevate", role=values.pop("role"), unit=values.pop("unit", user.unit)
            )
        for field, value in values.items():
            setattr(user, field, value)
        _check_role_and_unit(user.role, user.unit)
        user.save(update_fields=list(values))
        changes = audit.diff(before, audit.snapshot(user, ACCOUNT_FIELDS))
        if changes:
            audit.record(
                actor=actor,
                action="account.updated",
                obj=user,
                changes=changes,
                summary=_("修改账户 %(u)s") % {"u": user.username},
            )
    return user


def user_deactivate(*, actor: Any, user: User) -> User:
    """Stop an account from logging in (system admin only; not one's own).
    The account stays, so the audit log keeps pointing at it."""
    _require_system_admin(actor, _("只有系统管理员可以停用账户。"))
    if user.pk == actor.pk:
        raise PermissionDeniedError(_("不能停用自己的账户。"))
    with transaction.atomic():
        updated = User.objects.filter(pk=user.pk, is_active=True).update(is_active=False)
        if updated:
            audit.record(
                actor=actor,
                action="account.deactivated",
                obj=user,
                changes={"is_active": [True, False]},
                summary=_("停用账户 %(u)s") % {"u": user.username},
            )
    user.refresh_from_db(fields=["is_active"])
    return user


def user_reactivate(*, actor: Any, user: User) -> User:
    """Let a deactivated account log in again (system admin only)."""
    _require_system_admin(actor, _("只有系统管理员可以启用账户。"))
    with transaction.atomic():
        approvals.refuse_while_pending(user)
        updated = User.objects.filter(pk=user.pk, is_active=False).update(is_active=True)
        if updated:
            audit.record(
                actor=actor,
                action="account.reactivated",
                obj=user,
                changes={"is_active": [False, True]},
                summary=_("启用账户 %(u)s") % {"u": user.username},
            )
    user.refresh_from_db(fields=["is_active"])
    return user


def password_reset(*, actor: Any, user: User, new_password: str) -> None:
    """Set a new password for someone else's account (system admin only); the
    password itself never enters the audit log."""
    _require_system_admin(actor, _("只有系统管理员可以重置密码。"))
    if user.pk == actor.pk:
        raise PermissionDeniedError(_("请通过本人修改密码功能修改自己的密码。"))
    _validate_password(new_password, user)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.set_password(new_password)
        user.save(update_fields=["password"])
        audit.record(
            actor=actor,
            action="account.password_reset",
            obj=user,
            changes={"password": ["***", "***"]},
            summary=_("重置账户 %(u)s 的密码") % {"u": user.username},
        )


def account_unlock(*, actor: Any, user: User) -> int:
    """Lift a login lockout (security admin only). Returns the number of
    failure records cleared."""
    from axes.utils import reset

    if not is_security_admin(actor):
        raise PermissionDeniedError(_("只有安全管理员可以解锁账户。"))
    with transaction.atomic():
        cleared = reset(username=user.username)
        audit.record(
            actor=actor,
            action="security.account_unlocked",
            obj=user,
            changes={"failures_cleared": cleared},
            summary=_("解锁账户 %(u)s") % {"u": user.username},
        )
    return cleared


def second_factor_reset(*, actor: Any, user: User) -> int:
    """Remove an account's TOTP devices so that its owner enrols again at next
    login (security admin only, never on one's own account)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not is_security_admin(actor):
        raise PermissionDeniedError(_("只有安全管理员可以重置二次验证。"))
    if user.pk == actor.pk:
        raise PermissionDeniedError(_("不能重置自己的二次验证。"))
    with transaction.atomic():
        removed, _detail = TOTPDevice.objects.filter(user=user).delete()
        audit.record(
            actor=actor,
            action="security.second_factor_reset",
            obj=user,
            changes={"devices_removed": removed},
            summary=_("重置账户 %(u)s 的二次验证") % {"u": user.username},
        )
    return removed


def password_change(*, actor: Any, old_password: str, new_password: str) -> None:
    """Anyone changes their own password, proving the old one first. Other
    sessions of the account end (Django ties sessions to the password hash)."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDeniedError(_("请先登录。"))
    # A stolen session must not become an unlimited password oracle: after a few wrong
    # current passwords the check itself pauses (a cache counter with a real-time expiry).
    if password_checks.paused(actor):
        raise ServiceError(_("原密码错误次数过多，请 %(m)d 分钟后再试。") % {"m": password_checks.PAUSE_MINUTES})
    if not actor.check_password(old_password):
        password_checks.failed(actor)
        raise ServiceError(_("原密码不正确。"))
    password_checks.clear(actor)
    if old_password == new_password:
        raise ServiceError(_("新密码不能与原密码相同。"))
    _validate_password(new_password, actor)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        user.set_password(new_password)
        user.save(update_fields=["password"])
        audit.record(
            actor=actor,
            action="account.password_changed",
            obj=user,
            changes={"password": ["***", "***"]},
            summary=_("%(u)s 修改了自己的密码") % {"u": user.username},
        )
    actor.password = user.password
