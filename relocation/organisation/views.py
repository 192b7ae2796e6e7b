from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relocation.core.errors import ServiceError
from relocation.core.roles import Role, is_hq_editor, is_security_admin, is_staff_member, is_system_admin
from relocation.organisation import api_tokens, selectors, services
from relocation.organisation.forms import (
    AccountCreateForm,
    AccountForm,
    LiaisonForm,
    MembershipForm,
    PasswordChangeForm,
    PasswordResetForm,
    PersonForm,
)


def _require_staff(request: HttpRequest) -> None:
    if not is_staff_member(request.user):
        raise PermissionDenied


def overview(request: HttpRequest) -> HttpResponse:
    """The programme, its phases, the coordination group, the HQ and every member unit."""
    _require_staff(request)
    programme = selectors.programme_for(request.user)
    phases = list(programme.phases.all()) if programme else []
    return render(
        request,
        "organisation/overview.html",
        {
            "programme": programme,
            "phases": phases,
            "current_phase": selectors.current_phase(phases, timezone.localdate()),
            "can_manage_memberships": is_hq_editor(request.user),
            "can_see_checklist": selectors.may_see_checklist(request.user),
            "memberships": selectors.memberships(programme) if programme else [],
            "units": selectors.units_for_user(request.user),
        },
    )


@require_POST
def programme_choose(request: HttpRequest) -> HttpResponse:
    """An installation-wide account picks the programme it works in; the
    choice is remembered for the session (see ProgrammeMiddleware)."""
    choices = selectors.programmes_to_choose(request.user)
    programme = choices.filter(pk=request.POST.get("programme") or 0).first()
    if programme is None:
        raise Http404
    request.session[selectors.CHOSEN_PROGRAMME_SESSION_KEY] = programme.pk
    messages.success(request, _("已切换到：%(name)s") % {"name": programme.name})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    return redirect(target)


def _can_manage(user, unit) -> bool:
    """Who may change the unit's liaison (the same rule as services.liaison_assign)."""
    return is_hq_editor(user) or (user.role == Role.UNIT_LEADER and user.unit_id == unit.pk)


def _can_add_people(user, unit) -> bool:
    """Who may add people to the unit (the same rule as services.person_create)."""
    return is_hq_editor(user) or (user.role in {Role.UNIT_LEADER, Role.UNIT_LIAISON} and user.unit_id == unit.pk)


def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    unit = selectors.unit_for_user(request.user, pk)
    can_manage = _can_manage(request.user, unit)
    can_add_people = _can_add_people(request.user, unit)
    liaison_form = LiaisonForm(unit=unit, initial={"starts_on": None})
    person_form = PersonForm()
    if request.method == "POST":
        try:
            if "assign_liaison" in request.POST:
                if not can_manage:
                    raise PermissionDenied
                liaison_form = LiaisonForm(request.POST, unit=unit)
                if liaison_form.is_valid():
                    services.liaison_assign(
                        actor=request.user,
                        unit=unit,
                        person=liaison_form.cleaned_data["person"],
                        starts_on=liaison_form.cleaned_data["starts_on"],
                    )
                    messages.success(request, _("联络员已更新。"))
                    return redirect("organisation:unit", pk=unit.pk)
            elif "add_person" in request.POST:
                if not can_add_people:
                    raise PermissionDenied
                person_form = PersonForm(request.POST)
                if person_form.is_valid():
                    services.person_create(actor=request.user, unit=unit, **person_form.cleaned_data)
                    messages.success(request, _("人员已添加。"))
                    return redirect("organisation:unit", pk=unit.pk)
            else:
                raise PermissionDenied
        except ServiceError as exc:
            messages.error(request, exc.message)
    return render(
        request,
        "organisation/unit_detail.html",
        {
            "unit": unit,
            "people": selectors.people_for_user(request.user).filter(unit=unit),
            "history": selectors.liaison_history(unit),
            "can_manage": can_manage,
            "can_add_people": can_add_people,
            "liaison_form": liaison_form,
            "person_form": person_form,
        },
    )


def memberships(request: HttpRequest) -> HttpResponse:
    """Seats in the coordination group and the HQ; HQ editors add and remove them."""
    _require_staff(request)
    programme = selectors.programme_for(request.user)
    if programme is None:
        raise PermissionDenied
    can_manage = is_hq_editor(request.user)
    form = MembershipForm(people=selectors.people_for_membership(programme))
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        form = MembershipForm(request.POST, people=selectors.people_for_membership(programme))
        if form.is_valid():
            try:
                services.membership_add(actor=request.user, programme=programme, **form.cleaned_data)
            except ServiceError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("已添加。"))
                return redirect("organisation:memberships")
    return render(
        request,
        "organisation/memberships.html",
        {
            "programme": programme,
            "memberships": selectors.memberships(programme),
            "form": form,
            "can_manage": can_manage,
        },
    )


@require_POST
def membership_remove(request: HttpRequest, pk: int) -> HttpResponse:
    if not is_hq_editor(request.user):
        raise PermissionDenied
    programme = selectors.programme_for(request.user)
    membership = get_object_or_404(selectors.memberships(programme), pk=pk) if programme else None
    if membership is None:
        raise PermissionDenied
    services.membership_remove(actor=request.user, membership=membership)
    messages.success(request, _("已移除。"))
    return redirect("organisation:memberships")


# --- Account administration (system admin) -------------------------------------


def _require_system_admin(request: HttpRequest) -> None:
    if not is_system_admin(request.user):
        raise PermissionDenied


def _require_security_admin(request: HttpRequest) -> None:
    if not is_security_admin(request.user):
        raise PermissionDenied


def _account_page(request: HttpRequest):
    qs = selectors.accounts_for_admin(
        request.user,
        q=request.GET.get("q", "").strip(),
        role=request.GET.get("role", ""),
        active=request.GET.get("active", ""),
    )
    if request.GET.get("locked") == "1":
        qs = selectors.locked_accounts(qs)
    return Paginator(qs, 50).get_page(request.GET.get("page"))


def account_list(request: HttpRequest) -> HttpResponse:
    """All accounts, filterable by name and role (system admin)."""
    _require_system_admin(request)
    page = _account_page(request)
    return render(request, "organisation/account_list.html", {"page": page, "roles": Role.choices})


def account_create(request: HttpRequest) -> HttpResponse:
    _require_system_admin(request)
    form = AccountCreateForm(request.POST or None, programme=selectors.programme_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("账户 %(u)s 已创建。") % {"u": user.username})
            return redirect("organisation:account", pk=user.pk)
    return render(request, "organisation/account_form.html", {"form": form, "account": None})


def account_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit one account; also the place to reset its password or deactivate it."""
    _require_system_admin(request)
    account = selectors.account_for_admin(request.user, pk)
    initial = {f: getattr(account, f) for f in ("role", "unit", "display_name", "email", "phone")}
    form = AccountForm(
        request.POST or None,
        initial=initial,
        programme=selectors.programme_for(request.user),
        current_unit=account.unit,
    )
    if request.method == "POST" and form.is_valid():
        changed = {f: form.cleaned_data[f] for f in form.changed_data}
        try:
            services.user_update(actor=request.user, user=account, **changed)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("账户已保存。"))
            return redirect("organisation:account", pk=account.pk)
    return render(
        request,
        "organisation/account_form.html",
        {"form": form, "account": account, "password_form": PasswordResetForm()},
    )


@require_POST
def account_password(request: HttpRequest, pk: int) -> HttpResponse:
    _require_system_admin(request)
    account = selectors.account_for_admin(request.user, pk)
    form = PasswordResetForm(request.POST)
    if form.is_valid():
        try:
            services.password_reset(actor=request.user, user=account, new_password=form.cleaned_data["new_password"])
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("密码已重置，请通过安全渠道告知本人。"))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("organisation:account", pk=account.pk)


@require_POST
def account_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivate (or reactivate) an account."""
    _require_system_admin(request)
    account = selectors.account_for_admin(request.user, pk)
    try:
        if request.POST.get("active") == "1":
            services.user_reactivate(actor=request.user, user=account)
            messages.success(request, _("账户已启用。"))
        else:
            services.user_deactivate(actor=request.user, user=account)
            messages.success(request, _("账户已停用。"))
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("organisation:account", pk=account.pk)


def password_change(request: HttpRequest) -> HttpResponse:
    """Every user changes their own password here."""
    from django.contrib.auth import update_session_auth_hash

    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                actor=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            # Keep this session; the account's other sessions end.
            update_session_auth_hash(request, request.user)
            messages.success(request, _("密码已修改。"))
            return redirect("home")
    return render(request, "organisation/password_change.html", {"form": form})


def api_token(request: HttpRequest) -> HttpResponse:
    """Issue, replace or revoke one's own API token; the key is shown once."""
    _require_staff(request)
    new_key = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            if api_tokens.api_token_revoke(actor=request.user):
                messages.success(request, _("接口令牌已撤销。"))
        else:
            new_key = api_tokens.api_token_issue(actor=request.user).key
    token = api_tokens.api_token_of(request.user)
    context = {"token": token, "new_key": new_key, "valid": token is not None and api_tokens.token_is_valid(token)}
    return render(request, "organisation/api_token.html", context)


# --- Account security (security admin) -----------------------------------------


def security_list(request: HttpRequest) -> HttpResponse:
    """Accounts with their lock-out and second-factor state (security admin)."""
    _require_security_admin(request)
    page = _account_page(request)
    accounts = list(page.object_list)
    locked = selectors.locked_usernames([a.username for a in accounts])
    enrolled = selectors.second_factor_user_ids([a.pk for a in accounts])
    rows = [{"account": a, "locked": a.username in locked, "enrolled": a.pk in enrolled} for a in accounts]
    return render(request, "organisation/security_list.html", {"page": page, "rows": rows, "roles": Role.choices})


@require_POST
def security_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    _require_security_admin(request)
    account = selectors.account_for_admin(request.user, pk)
    services.account_unlock(actor=request.user, user=account)
    messages.success(request, _("账户 %(u)s 已解锁。") % {"u": account.username})
    return redirect("organisation:security")


@require_POST
def security_second_factor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    _require_security_admin(request)
    account = selectors.account_for_admin(request.user, pk)
    try:
        services.second_factor_reset(actor=request.user, user=account)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("账户 %(u)s 的二次验证已重置，下次登录时重新绑定。") % {"u": account.username})
    return redirect("organisation:security")
