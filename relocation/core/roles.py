"""The roles a user account can hold, and the predicates every app scopes by.

Roles live here (floor 0) so that any app can check them without importing the
organisation app. A user holds exactly one role; that alone guarantees that no
account is at once system admin, security admin and auditor (三员分立).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    GROUP_LEADER = "group_leader", _("协调小组领导")
    HQ_COMMANDER = "hq_commander", _("指挥部总指挥")
    HQ_STAFF = "hq_staff", _("指挥部工作人员")
    UNIT_LEADER = "unit_leader", _("成员单位负责人")
    UNIT_LIAISON = "unit_liaison", _("成员单位联络员")
    INSPECTOR = "inspector", _("执法人员")
    ENTERPRISE_CONTACT = "enterprise_contact", _("企业联系人")
    AUDITOR = "auditor", _("审计员")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")


# HQ and the group see the whole programme.
PROGRAMME_WIDE = frozenset({Role.GROUP_LEADER, Role.HQ_COMMANDER, Role.HQ_STAFF})
# Roles that act for a member unit and see what belongs to it.
UNIT_ROLES = frozenset({Role.UNIT_LEADER, Role.UNIT_LIAISON, Role.INSPECTOR})
# The three separated administrator roles; they get a second factor.
ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR})
# Accounts whose creation, or elevation to which, takes a second person's approval
# (the security admin's): HQ acts for the whole programme, the admins for the installation.
ELEVATED_ROLES = frozenset({Role.HQ_COMMANDER, Role.HQ_STAFF}) | ADMIN_ROLES
# Roles that work on the programme's business data at all.
STAFF_ROLES = PROGRAMME_WIDE | UNIT_ROLES


def role_of(user: Any) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "role", None)


def is_hq(user: Any) -> bool:
    """HQ staff, commanders and group leaders: programme-wide visibility."""
    return role_of(user) in PROGRAMME_WIDE


def is_hq_editor(user: Any) -> bool:
    """Those who may change programme-wide data (group leaders read, HQ writes)."""
    return role_of(user) in {Role.HQ_COMMANDER, Role.HQ_STAFF}


def is_unit_member(user: Any) -> bool:
    return role_of(user) in UNIT_ROLES


def is_staff_member(user: Any) -> bool:
    """Anyone who works on the programme's business data (HQ or a member unit)."""
    return role_of(user) in STAFF_ROLES


def is_enterprise_contact(user: Any) -> bool:
    return role_of(user) == Role.ENTERPRISE_CONTACT


def is_auditor(user: Any) -> bool:
    return role_of(user) == Role.AUDITOR


def is_system_admin(user: Any) -> bool:
    return role_of(user) == Role.SYSTEM_ADMIN


def is_security_admin(user: Any) -> bool:
    return role_of(user) == Role.SECURITY_ADMIN


def can_see_undelivered(user: Any) -> bool:
    """Undelivered notifications: HQ follows up on the message, the system admin
    fixes a wrong e-mail address."""
    return is_hq(user) or is_system_admin(user)


def needs_second_factor(user: Any) -> bool:
    return role_of(user) in ADMIN_ROLES
