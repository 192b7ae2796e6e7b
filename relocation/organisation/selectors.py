from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from relocation.core.roles import (
    PROGRAMME_WIDE,
    is_enterprise_contact,
    is_hq,
    is_security_admin,
    is_staff_member,
    is_system_admin,
)
from relocation.organisation.models import LiaisonAssignment, Membership, Person, Phase, Programme, Unit, User


def active_programme() -> Programme | None:
    """The installation's default programme (for anonymous pages and commands
    run without one). Never use it for a signed-in user: see `programme_for`."""
    return Programme.objects.filter(is_active=True).order_by("id").first()


# The session key under which an installation-wide user's chosen programme is kept.
CHOSEN_PROGRAMME_SESSION_KEY = "organisation.programme_id"


def may_choose_programme(user: Any) -> bool:
    """Installation-wide accounts (no member unit, not an enterprise contact):
    the system, security and audit admins, and a group leader over several
    zones (a city leader) whose account has no unit. They pick the programme
    they work in; everyone else belongs to one programme."""
    if not getattr(user, "is_authenticated", False):
        return False
    return getattr(user, "unit_id", None) is None and not is_enterprise_contact(user)


def programmes_to_choose(user: Any) -> QuerySet[Programme]:
    if not may_choose_programme(user):
        return Programme.objects.none()
    return Programme.objects.order_by("-is_active", "name")


def programme_for(user: Any) -> Programme | None:
    """The one programme `user` works in, everywhere: a unit account's unit's
    programme; an enterprise contact's enterprise's; an installation-wide
    account's choice (set on the user by `ProgrammeMiddleware` from the
    session), else the active programme. Cached on the user object."""
    cached = getattr(user, "_programme_for", None)
    if cached is not None:
        return cached
    programme = _resolve_programme(user)
    if user is not None and programme is not None:
        try:
            user._programme_for = programme
        except AttributeError:  # AnonymousUser and other slot-less stand-ins
            pass
    return programme


def _resolve_programme(user: Any) -> Programme | None:
    if getattr(user, "is_authenticated", False):
        unit = getattr(user, "unit", None)
        if unit is not None:
            return unit.programme
        if is_enterprise_contact(user):
            # Only its own enterprise's programme; none at all without an enterprise.
            return Programme.objects.filter(enterprises__contacts__user=user).first()
        chosen = getattr(user, "chosen_programme_id", None)
        if chosen:
            programme = Programme.objects.filter(pk=chosen).first()
            if programme is not None:
                return programme
    return active_programme()


def people_in_roles(programme: Programme | int | None, *roles: str) -> QuerySet[User]:
    """The active accounts of `programme` holding one of `roles`: the accounts of
    its units and, for the programme-wide roles (group leaders, HQ), the
    installation-wide accounts without a unit (a city leader over several zones).
    Every notification addressed "to HQ", "to the commanders", "to the group
    leaders" takes its recipients from here, so that it never reaches the people
    of another programme. No programme → nobody."""
    if programme is None or not roles:
        return User.objects.none()
    programme_id = programme if isinstance(programme, int) else programme.pk
    here = Q(unit__programme_id=programme_id)
    wide = [r for r in roles if r in PROGRAMME_WIDE]
    if wide:
        here |= Q(unit__isnull=True, role__in=wide)
    return User.objects.filter(here, is_active=True, role__in=list(roles)).order_by("username")


def units_with_function(programme: Programme | int | None, function: str) -> QuerySet[Unit]:
    """The programme's units that perform `function`, in the programme's order."""
    if programme is None:
        return Unit.objects.none()
    programme_id = programme if isinstance(programme, int) else programme.pk
    return Unit.objects.filter(programme_id=programme_id, assigned_functions__function=function).order_by(
        "order", "code"
    )


def unit_with_function(programme: Programme | int | None, function: str) -> Unit | None:
    """The unit that performs `function` (the first in order if several do), or None.
    Kept on a Programme instance for the rest of the request (rules ask repeatedly)."""
    if not isinstance(programme, Programme):
        return units_with_function(programme, function).first()
    memo = programme.__dict__.setdefault("_unit_by_function", {})
    if function not in memo:
        memo[function] = units_with_function(programme, function).first()
    return memo[function]


def unit_has_function(unit: Unit | None, function: str) -> bool:
    """Whether `unit` performs `function` (uses the prefetched `assigned_functions` when present)."""
    return unit is not None and function in unit.functions


def current_phase(phases: list[Phase], today: dt.date) -> Phase | None:
    """The phase whose dates contain `today` (None before the first and after the last)."""
    return next((p for p in phases if p.starts_on <= today <= p.ends_on), None)


def units_for_user(user: Any) -> QuerySet[Unit]:
    """Every staff member may see the list of member units and their duties
    (they must know whom to call); others see none."""
    programme = programme_for(user) if is_staff_member(user) else None
    if programme is None:
        return Unit.objects.none()
    current = LiaisonAssignment.objects.filter(ends_on__isnull=True).select_related("person")
    return Unit.objects.filter(programme=programme).prefetch_related(
        Prefetch("liaison_assignments", queryset=current, to_attr="current_liaisons"),
        "assigned_functions",
    )


def unit_for_user(user: Any, pk: int) -> Unit:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(units_for_user(user), pk=pk)


def people_for_user(user: Any) -> QuerySet[Person]:
    if is_hq(user):
        return Person.objects.filter(unit__programme=programme_for(user)).select_related("unit")
    if is_staff_member(user):
        return Person.objects.filter(unit_id=user.unit_id).select_related("unit")
    return Person.objects.none()


def memberships(programme: Programme) -> QuerySet[Membership]:
    return programme.memberships.select_related("person__unit")


def liaison_history(unit: Unit) -> QuerySet[LiaisonAssignment]:
    return unit.liaison_assignments.select_related("person", "assigned_by")


def accounts_for_admin(user: Any, *, q: str = "", role: str = "", active: str = "") -> QuerySet[User]:
    """Every account, for the system and security admins; nobody else lists accounts."""
    if not (is_system_admin(user) or is_security_admin(user)):
        return User.objects.none()
    qs = User.objects.select_related("unit")
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(display_name__icontains=q) | Q(email__icontains=q))
    if role:
        qs = qs.filter(role=role)
    if active in {"1", "0"}:
        qs = qs.filter(is_active=active == "1")
    return qs.order_by("username")


def account_for_admin(user: Any, pk: int) -> User:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(accounts_for_admin(user), pk=pk)


def _lockouts() -> QuerySet[Any]:
    """django-axes failure records at the limit within the cool-off window."""
    from axes.models import AccessAttempt
    from django.conf import settings
    from django.utils import timezone

    since = timezone.now() - dt.timedelta(hours=float(settings.AXES_COOLOFF_TIME))
    return AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since)


def locked_usernames(usernames: list[str]) -> set[str]:
    """Which of these accounts are locked out right now. One query for the whole page."""
    return set(_lockouts().filter(username__in=usernames).values_list("username", flat=True))


def locked_accounts(qs: QuerySet[User]) -> QuerySet[User]:
    """Narrow an account list to the accounts locked out right now."""
    return qs.filter(username__in=_lockouts().values("username"))


def second_factor_user_ids(user_ids: list[int]) -> set[int]:
    """Which of these accounts have an enrolled (confirmed) TOTP device."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return set(TOTPDevice.objects.filter(user_id__in=user_ids, confirmed=True).values_list("user_id", flat=True))


def people_for_membership(programme: Programme) -> QuerySet[Person]:
    return Person.objects.filter(unit__programme=programme).select_related("unit").order_by("unit__order", "name")


def may_set_up_programmes(user: Any) -> bool:
    """Loading programmes and making their first HQ accounts: the system admin."""
    return is_system_admin(user)


def may_see_checklist(user: Any) -> bool:
    """The set-up checklist: the system admin (every programme) and HQ and the
    group leaders (their own)."""
    return is_system_admin(user) or is_hq(user)


def programme_for_setup(user: Any, pk: int) -> Programme:
    """A programme whose set-up the user may see: any for the system admin; for
    HQ only its own (another programme is a 404, as everywhere)."""
    from django.shortcuts import get_object_or_404

    if is_system_admin(user):
        return get_object_or_404(Programme, pk=pk)
    own = programme_for(user) if is_hq(user) else None
    if own is None or own.pk != pk:
        from django.http import Http404

        raise Http404
    return own
