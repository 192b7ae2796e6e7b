"""What a programme still lacks before its people can work in it.

A freshly loaded programme has units but often no liaisons, no HQ account,
perhaps no phases; the checklist names each gap and links to the page where it
is fixed. The organisation's own checks are here; apps above it add theirs
(parks: no receiving park) with `register` from their `ready`, since this app
may not know them. Read by the set-up page and the API; who may see it is
decided by `selectors.programme_for_setup`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from relocation.core.roles import Role
from relocation.organisation.functions import UnitFunction
from relocation.organisation.models import AccountApproval, AssignedFunction, LiaisonAssignment, Programme, Unit, User


@dataclass(frozen=True)
class Gap:
    """One thing missing: what (`title`), which (`items`: the names concerned),
    where to fix it (`url`, `fix`: the link's words, saying who does it)."""

    key: str
    title: str
    url: str
    fix: str
    items: list[str] = field(default_factory=list)


Check = Callable[[Programme], list[Gap]]
_CHECKS: list[Check] = []


def register(check: Check) -> None:
    """`check(programme)` returns the gaps it finds (none when all is there)."""
    if check not in _CHECKS:
        _CHECKS.append(check)


def setup_url(programme: Programme, anchor: str = "") -> str:
    return reverse("organisation:setup_programme", args=[programme.pk]) + (f"#{anchor}" if anchor else "")


def _units_without_liaison(programme: Programme) -> list[Gap]:
    with_liaison = LiaisonAssignment.objects.filter(ends_on__isnull=True).values("unit_id")
    units = list(Unit.objects.filter(programme=programme).exclude(pk__in=with_liaison).order_by("order", "code"))
    if not units:
        return []
    return [
        Gap(
            key="liaisons",
            title=_("%(n)s 个成员单位尚未指定联络员") % {"n": len(units)},
            items=[f"{u.name}（{u.code}）" for u in units],
            # The first such unit's page: HQ picks the liaison there, then the next.
            url=reverse("organisation:unit", args=[units[0].pk]),
            fix=_("指挥部在单位页面指定联络员"),
        )
    ]


def _functions_not_assigned(programme: Programme) -> list[Gap]:
    carried = set(AssignedFunction.objects.filter(unit__programme=programme).values_list("function", flat=True))
    missing = [f for f in UnitFunction if f.value not in carried]
    if not missing:
        return []
    return [
        Gap(
            key="functions",
            title=_("%(n)s 项单位职能未分配给任何成员单位") % {"n": len(missing)},
            items=[f"{f.label}（{f.value}）" for f in missing],
            url=setup_url(programme, "file"),
            fix=_("系统管理员在项目配置文件的 functions 中补充后重新载入"),
        )
    ]


def _no_phases(programme: Programme) -> list[Gap]:
    if programme.phases.exists():
        return []
    return [
        Gap(
            key="phases",
            title=_("尚未设置工作阶段"),
            url=setup_url(programme, "file"),
            fix=_("系统管理员在项目配置文件的 phases 中补充后重新载入"),
        )
    ]


def _no_hq_account(programme: Programme) -> list[Gap]:
    hq_roles = [Role.HQ_COMMANDER, Role.HQ_STAFF]
    if User.objects.filter(unit__programme=programme, role__in=hq_roles, is_active=True).exists():
        return []
    waiting = AccountApproval.objects.filter(
        status=AccountApproval.Status.PENDING, role__in=hq_roles, unit__programme=programme
    ).select_related("user")
    return [
        Gap(
            key="hq_account",
            title=_("尚无可用的指挥部账户"),
            items=[_("%(u)s 待安全管理员审批") % {"u": a.user.username} for a in waiting],
            url=setup_url(programme, "accounts"),
            fix=_("系统管理员创建指挥部账户，安全管理员审批"),
        )
    ]


_CHECKS.extend([_units_without_liaison, _functions_not_assigned, _no_phases, _no_hq_account])


def checklist(programme: Programme) -> list[Gap]:
    """Every gap of the programme, the organisation's first, then the apps'."""
    return [gap for check in _CHECKS for gap in check(programme)]


def as_data(gaps: list[Gap]) -> list[dict[str, Any]]:
    return [{"key": g.key, "title": g.title, "items": g.items, "url": g.url, "fix": g.fix} for g in gaps]
