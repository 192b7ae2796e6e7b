"""Pages of emergency plans: the list, creating a plan, its detail, uploading and
approving versions, recording drills."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relocation.stability import forms, permissions, selectors, services
from relocation.stability.views.handling import (
    _create_page,
    _edit_initial,
    _recorder_programme,
    _require_reader,
    _submit,
)


def plan_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    plans = list(selectors.plans_for_user(request.user))
    current = selectors.current_versions(plans)
    for plan in plans:
        plan.current = current.get(plan.pk)
    return render(
        request,
        "stability/plan_list.html",
        {"plans": plans, "can_create": permissions.can_record(request.user)},
    )


def plan_create(request: HttpRequest) -> HttpResponse:
    programme = _recorder_programme(request)
    initial = {"responsible_units": [request.user.unit_id] if getattr(request.user, "unit_id", None) else []}
    form = forms.PlanForm(request.POST or None, initial=initial, programme=programme)
    return _create_page(
        request,
        form,
        lambda data: services.plan_create(actor=request.user, programme=programme, **data),
        _("应急预案已建立，请上传预案文本。"),
        "stability:plan",
        "stability/plan_form.html",
        {},
    )


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    plan = selectors.plan_for_user(request.user, pk)
    unit_ids = {u.pk for u in plan.responsible_units.all()}
    can_edit = permissions.can_edit_plan(request.user, unit_ids)
    form = forms.PlanEditForm(
        request.POST or None,
        initial=_edit_initial(plan, "title", "scope", "contact_roles", responsible_units=list(unit_ids)),
        programme=plan.programme,
    )
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        done = _submit(
            request,
            form,
            lambda data: services.plan_update(
                actor=request.user, plan=plan, expected_version=data.pop("version"), **data
            ),
            _("应急预案已修改。"),
        )
        if done:
            return redirect("stability:plan", pk=pk)
    return render(
        request,
        "stability/plan_detail.html",
        {
            "plan": plan,
            **selectors.plan_detail(plan),
            "can_edit": can_edit,
            "can_approve": permissions.can_approve_plan(request.user),
            "form": form,
            "version_form": forms.PlanVersionForm(),
            "approve_form": forms.ApproveForm(initial={"approved_on": timezone.localdate()}),
            "drill_form": forms.DrillForm(initial={"held_on": timezone.localdate()}),
        },
    )


@require_POST
def plan_version_upload(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    plan = selectors.plan_for_user(request.user, pk)
    form = forms.PlanVersionForm(request.POST, request.FILES)
    _submit(
        request,
        form,
        lambda data: services.plan_version_upload(
            actor=request.user,
            plan=plan,
            uploaded_file=data["file"],
            changes=data["changes"],
        ),
        _("预案文本已上传，待批准后生效。"),
    )
    return redirect("stability:plan", pk=pk)


@require_POST
def plan_version_approve(request: HttpRequest, pk: int, version_pk: int) -> HttpResponse:
    _require_reader(request)
    plan = selectors.plan_for_user(request.user, pk)
    version = plan.versions.filter(pk=version_pk).first()
    if version is None:
        raise Http404
    form = forms.ApproveForm(request.POST)
    _submit(
        request,
        form,
        lambda data: services.plan_version_approve(actor=request.user, version=version, **data),
        _("已登记批准，该版本为现行预案。"),
    )
    return redirect("stability:plan", pk=pk)


@require_POST
def drill_add(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    plan = selectors.plan_for_user(request.user, pk)
    form = forms.DrillForm(request.POST)
    _submit(
        request,
        form,
        lambda data: services.drill_record(actor=request.user, plan=plan, **data),
        _("演练已登记。"),
    )
    return redirect("stability:plan", pk=pk)
