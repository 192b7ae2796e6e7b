from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from relocation.core.errors import ServiceError
from relocation.core.roles import Role, is_hq_editor, is_staff_member
from relocation.organisation import selectors, services
from relocation.organisation.forms import LiaisonForm, PersonForm


def _require_staff(request: HttpRequest) -> None:
    if not is_staff_member(request.user):
        raise PermissionDenied


def overview(request: HttpRequest) -> HttpResponse:
    """The programme, its phases, the coordination group, the HQ and every member unit."""
    _require_staff(request)
    programme = selectors.active_programme()
    return render(
        request,
        "organisation/overview.html",
        {
            "programme": programme,
            "phases": programme.phases.all() if programme else [],
            "memberships": selectors.memberships(programme) if programme else [],
            "units": selectors.units_for_user(request.user),
        },
    )


def _can_manage(user, unit) -> bool:
    return is_hq_editor(user) or (user.role == Role.UNIT_LEADER and user.unit_id == unit.pk)


def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    unit = selectors.unit_for_user(request.user, pk)
    can_manage = _can_manage(request.user, unit)
    liaison_form = LiaisonForm(unit=unit, initial={"starts_on": None})
    person_form = PersonForm()
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        try:
            if "assign_liaison" in request.POST:
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
                person_form = PersonForm(request.POST)
                if person_form.is_valid():
                    services.person_create(actor=request.user, unit=unit, **person_form.cleaned_data)
                    messages.success(request, _("人员已添加。"))
                    return redirect("organisation:unit", pk=unit.pk)
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
            "liaison_form": liaison_form,
            "person_form": person_form,
        },
    )
