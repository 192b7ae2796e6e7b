"""Pages of the remediation app: thin, they read through selectors and write
through services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relocation.core.errors import ServiceError
from relocation.core.spreadsheets import export_table, wants_export
from relocation.enterprises.lifecycle_facts import STOPPED
from relocation.enterprises.selectors import enterprises_for_user
from relocation.organisation.functions import UnitFunction
from relocation.organisation.selectors import programme_for, units_with_function
from relocation.remediation import exports, forms, permissions, selectors, services, transitions
from relocation.remediation.models import Milestone, ObligationKind, ObligationStatus, Stage

PAGE_SIZE = 25


def _require_reader(request: HttpRequest) -> None:
    if not permissions.can_read(request.user):
        raise PermissionDenied


def site_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    params = {k: v.strip() for k, v in request.GET.items()}
    if wants_export(request):
        return export_table(_("污染地块"), exports.SITE_COLUMNS, selectors.site_list(request.user, params))
    page = Paginator(selectors.site_list(request.user, params), PAGE_SIZE).get_page(request.GET.get("page"))
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(
        request,
        "remediation/site_list.html",
        {
            "page": page,
            "params": params,
            "querystring": querystring.urlencode(),
            "stages": Stage.choices,
            "towns": units_with_function(programme_for(request.user), UnitFunction.TERRITORIAL_TOWN)
            if permissions.sees_all_sites(request.user)
            else [],
            "can_create": permissions.can_create_site(request.user),
            "can_see_overview": permissions.can_see_overview(request.user),
        },
    )


def overview(request: HttpRequest) -> HttpResponse:
    if not permissions.can_see_overview(request.user):
        raise PermissionDenied
    return render(request, "remediation/overview.html", selectors.overview(request.user))


def screening_value_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    return render(request, "remediation/screening_values.html", {"values": selectors.screening_values()})


def _site_to_work_on(request: HttpRequest, pk: int) -> Any:
    """The site, if the user may see it (else 404) and work on it (else 403)."""
    _require_reader(request)
    site = selectors.site_for_user(request.user, pk)
    if not permissions.can_work_on_site(request.user, site):
        raise PermissionDenied
    return site


def _form_page(request: HttpRequest, form: Any, *, title: str, back: str, multipart: bool = False) -> HttpResponse:
    return render(
        request, "remediation/form.html", {"form": form, "title": title, "back": back, "multipart": multipart}
    )


def _save(
    request: HttpRequest,
    form: Any,
    save: Callable[[dict[str, Any]], Any],
    *,
    success: str | None,
    done: Callable[[Any], HttpResponse],
) -> HttpResponse | None:
    """A form page's POST: a valid form runs `save` with its data; on success
    the message (if any) and `done(result)`, on a refusal the service's message
    on the form. None means the page is to be shown (again); callers render it
    only then, because a refused save may have changed what its title shows."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = save(form.cleaned_data)
    except ServiceError as exc:
        form.add_error(None, exc.message)
        return None
    if success:
        messages.success(request, success)
    return done(result)


def _to_site(site: Any) -> HttpResponse:
    return redirect("remediation:site", pk=site.pk)


def site_create(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    if not permissions.can_create_site(request.user):
        raise PermissionDenied
    # Only plots already vacated: the lifecycle's "production stopped" stages.
    enterprises = enterprises_for_user(request.user).filter(remediation_sites__isnull=True, status__in=STOPPED)
    if not permissions.sees_all_sites(request.user):
        enterprises = enterprises.filter(territorial_unit_id=request.user.unit_id)
    form = forms.SiteForm(request.POST or None, enterprises=enterprises)
    return _save(
        request,
        form,
        lambda d: services.site_create(
            actor=request.user,
            enterprise=d["enterprise"],
            code=d["code"],
            name=d["name"],
            land_use=d["land_use"],
            area_m2=d["area_m2"],
            address=d["address"],
            notes=d["notes"],
        ),
        success=_("地块已登记。"),
        done=_to_site,
    ) or _form_page(request, form, title=_("登记污染地块"), back="remediation:list")


def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    site = selectors.site_detail(request.user, pk)
    user = request.user
    can_work = permissions.can_work_on_site(user, site)
    can_liability = permissions.can_determine_liability(user)
    judged = selectors.judged_results(site)
    milestones = list(site.milestones.all())
    today = timezone.localdate()
    for m in milestones:
        m.is_late = m.percent < 100 and m.due_on < today
    liabilities = selectors.liabilities_of(site)
    for liability in liabilities:
        for o in liability.obligations.all():
            o.is_late = o.status == ObligationStatus.OPEN and o.due_on < today
    targets = sorted(transitions.STAGE.get(site.stage, ()), key=lambda s: Stage.values.index(s))
    return render(
        request,
        "remediation/site_detail.html",
        {
            "site": site,
            "judged": judged,
            "exceedances": [j for j in judged if j.over_screening],
            "history": site.stage_changes.select_related("actor", "evidence"),
            "milestones": milestones,
            "percent_done": selectors.site_percent_done(milestones),
            "liabilities": liabilities,
            "can_work": can_work,
            "can_liability": can_liability,
            "move_form": forms.MoveForm(targets=targets, initial={"moved_on": today}) if can_work and targets else None,
            "stages": Stage.choices,
            "stage_index": Stage.values.index(site.stage),
            "can_plan": can_work and site.stage in (Stage.PLAN, Stage.REMEDIATION, Stage.EFFECT),
        },
    )


def site_edit(request: HttpRequest, pk: int) -> HttpResponse:
    site = _site_to_work_on(request, pk)
    initial = {f: getattr(site, f) for f in services.SITE_FIELDS} | {"version": site.version}
    form = forms.SiteEditForm(request.POST or None, initial=initial)
    return _save(
        request,
        form,
        lambda d: services.site_update(actor=request.user, site=site, expected_version=d["version"], values=d),
        success=_("已保存。"),
        done=_to_site,
    ) or _form_page(request, form, title=_("修改地块：%(site)s") % {"site": site}, back="remediation:list")


def _post_action(request: HttpRequest, action: Callable[[], Any], success: str, then: HttpResponse) -> HttpResponse:
    """A button on a detail page: run the service, say whether it worked, and
    go back to the page."""
    try:
        action()
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return then


def _site_action(request: HttpRequest, pk: int, action: Callable[[Any], Any]) -> HttpResponse:
    _require_reader(request)
    site = selectors.site_for_user(request.user, pk)
    return _post_action(request, lambda: action(site), _("已保存。"), _to_site(site))


def site_land_use(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the planned land use; to first class it may reopen the site."""
    site = _site_to_work_on(request, pk)
    form = forms.LandUseForm(request.POST or None, initial={"land_use": site.land_use})

    def done(change: Any) -> HttpResponse:
        if change is not None:
            messages.warning(
                request,
                _("地块已重新开启，退回“%(stage)s”：%(reason)s")
                % {"stage": change.get_to_stage_display(), "reason": change.reason},
            )
        else:
            messages.success(request, _("规划用地类型已变更。"))
        return _to_site(site)

    return _save(
        request,
        form,
        lambda d: services.site_change_land_use(
            actor=request.user, site=site, land_use=d["land_use"], reason=d["reason"]
        ),
        success=None,
        done=done,
    ) or _form_page(request, form, title=_("变更规划用地类型：%(site)s") % {"site": site}, back="remediation:list")


def site_targets(request: HttpRequest, pk: int) -> HttpResponse:
    """The site's remediation targets: the default the plan chose, each
    pollutant's target, and the effect evaluation against it."""
    _require_reader(request)
    site = selectors.site_for_user(request.user, pk)
    can_work = permissions.can_work_on_site(request.user, site)
    editable = can_work and site.stage not in services.LOCKED_TARGET_STAGES
    form = forms.TargetForm(request.POST or None) if editable else None
    if request.method == "POST" and not editable:
        raise PermissionDenied
    if form is not None:
        response = _save(
            request,
            form,
            lambda d: services.target_set(
                actor=request.user, site=site, pollutant=d["pollutant"], value=d["value"], reason=d["reason"]
            ),
            success=_("修复目标值已保存。"),
            done=lambda _result: redirect("remediation:site_targets", pk=site.pk),
        )
        if response is not None:
            return response
    return render(
        request,
        "remediation/site_targets.html",
        {
            "site": site,
            "rows": selectors.site_targets(site),
            "form": form,
            "basis_form": forms.TargetBasisForm(initial={"basis": site.target_basis}) if editable else None,
        },
    )


@require_POST
def target_basis(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    site = selectors.site_for_user(request.user, pk)

    def change() -> None:
        data = _valid(forms.TargetBasisForm(request.POST))
        services.target_basis_set(actor=request.user, site=site, basis=data["basis"], reason=data["reason"])

    return _post_action(request, change, _("已保存。"), redirect("remediation:site_targets", pk=site.pk))


@require_POST
def site_move(request: HttpRequest, pk: int) -> HttpResponse:
    def move(site):
        data = _valid(forms.MoveForm(request.POST, request.FILES, targets=Stage.values))
        services.site_move(
            actor=request.user,
            site=site,
            target=data["target"],
            reason=data["reason"],
            evidence=data["evidence"],
            moved_on=data["moved_on"],
        )

    return _site_action(request, pk, move)


def result_add(request: HttpRequest, pk: int) -> HttpResponse:
    site = _site_to_work_on(request, pk)
    initial_stage = site.stage if site.stage in (Stage.INITIAL, Stage.DETAILED, Stage.EFFECT) else Stage.INITIAL
    form = forms.ResultForm(request.POST or None, initial={"stage": initial_stage, "sampled_on": timezone.localdate()})
    return _save(
        request,
        form,
        lambda d: services.result_add(actor=request.user, site=site, **d),
        success=_("检测结果已录入。"),
        done=lambda _result: _to_site(site),
    ) or _form_page(request, form, title=_("录入检测结果：%(site)s") % {"site": site}, back="remediation:list")


def results_import(request: HttpRequest, pk: int) -> HttpResponse:
    site = _site_to_work_on(request, pk)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    outcome = services.ImportOutcome()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        outcome = services.results_import(
            actor=request.user, site=site, file_name=upload.name, data=upload.read(5 * 1024 * 1024)
        )
        if not outcome.errors:
            messages.success(request, _("已导入 %(n)s 条检测结果。") % {"n": outcome.imported})
            for warning in outcome.warnings:
                messages.warning(request, warning)
            return redirect("remediation:site", pk=site.pk)
    return render(
        request,
        "remediation/results_import.html",
        {"site": site, "form": form, "errors": outcome.errors, "warnings": outcome.warnings},
    )


def polluter_add(request: HttpRequest, pk: int) -> HttpResponse:
    site = _site_to_work_on(request, pk)
    form = forms.PolluterForm(request.POST or None)
    return _save(
        request,
        form,
        lambda d: services.polluter_add(actor=request.user, site=site, **d),
        success=None,
        done=lambda _result: _to_site(site),
    ) or _form_page(request, form, title=_("登记历史使用单位：%(site)s") % {"site": site}, back="remediation:list")


def liability_add(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    site = selectors.site_for_user(request.user, pk)
    if not permissions.can_determine_liability(request.user):
        raise PermissionDenied
    form = forms.LiabilityForm(
        request.POST or None,
        enterprises=enterprises_for_user(request.user),
        initial={"enterprise": site.enterprise_id, "determined_on": timezone.localdate()},
    )
    return _save(
        request,
        form,
        lambda d: services.liability_determine(actor=request.user, site=site, **d),
        success=_("责任主体已认定。"),
        done=lambda _result: _to_site(site),
    ) or _form_page(request, form, title=_("认定责任主体：%(site)s") % {"site": site}, back="remediation:list")


def obligation_add(request: HttpRequest, pk: int, liability_pk: int) -> HttpResponse:
    _require_reader(request)
    site = selectors.site_for_user(request.user, pk)
    liability = get_object_or_404(site.liabilities, pk=liability_pk)
    if not permissions.can_determine_liability(request.user):
        raise PermissionDenied
    form = forms.ObligationForm(request.POST or None)
    return _save(
        request,
        form,
        lambda d: services.obligation_create(actor=request.user, liability=liability, **d),
        success=None,
        done=lambda _result: _to_site(site),
    ) or _form_page(
        request, form, title=_("设定责任义务：%(party)s") % {"party": liability.party_name}, back="remediation:list"
    )


def obligation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    obligation = selectors.obligation_for_user(request.user, pk)
    site = obligation.liability.site
    user = request.user
    can_work = permissions.can_work_on_site(user, site)
    is_open = obligation.status == ObligationStatus.OPEN
    return render(
        request,
        "remediation/obligation_detail.html",
        {
            "obligation": obligation,
            "site": site,
            "payments": obligation.payments.select_related("evidence", "recorded_by"),
            "documents": obligation.documents.select_related("file", "uploaded_by"),
            "history": obligation.changes.select_related("actor"),
            "is_late": is_open and obligation.due_on < timezone.localdate(),
            "can_upload": permissions.can_upload_for_obligation(user, obligation),
            "can_pay": is_open
            and obligation.kind == ObligationKind.COMPENSATION
            and permissions.can_record_payment(user, site),
            "can_fulfil": is_open and can_work,
            "can_manage": is_open and permissions.can_determine_liability(user),
            "payment_form": forms.PaymentForm(initial={"paid_on": timezone.localdate()}),
            "document_form": forms.DocumentForm(),
            "reason_form": forms.ReasonForm(),
        },
    )


def obligation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    obligation = selectors.obligation_for_user(request.user, pk)
    if not permissions.can_determine_liability(request.user):
        raise PermissionDenied
    initial = {
        "description": obligation.description,
        "amount": obligation.amount,
        "due_on": obligation.due_on,
        "version": obligation.version,
    }
    form = forms.ObligationEditForm(request.POST or None, initial=initial)
    return _save(
        request,
        form,
        lambda d: services.obligation_update(
            actor=request.user,
            obligation=obligation,
            expected_version=d["version"],
            description=d["description"],
            due_on=d["due_on"],
            amount=d["amount"],
        ),
        success=_("已保存。"),
        done=lambda _result: redirect("remediation:obligation", pk=obligation.pk),
    ) or _form_page(request, form, title=_("修改责任义务"), back="remediation:list")


def _obligation_action(request: HttpRequest, pk: int, action: Callable[[Any], Any]) -> HttpResponse:
    _require_reader(request)
    obligation = selectors.obligation_for_user(request.user, pk)
    return _post_action(
        request, lambda: action(obligation), _("已保存。"), redirect("remediation:obligation", pk=obligation.pk)
    )


def _valid(form: Any) -> dict[str, Any]:
    if not form.is_valid():
        raise ServiceError("；".join(str(e) for errs in form.errors.values() for e in errs))
    return form.cleaned_data


@require_POST
def obligation_pay(request: HttpRequest, pk: int) -> HttpResponse:
    return _obligation_action(
        request,
        pk,
        lambda o: services.payment_record(
            actor=request.user, obligation=o, **_valid(forms.PaymentForm(request.POST, request.FILES))
        ),
    )


@require_POST
def obligation_upload(request: HttpRequest, pk: int) -> HttpResponse:
    def upload(o):
        data = _valid(forms.DocumentForm(request.POST, request.FILES))
        services.obligation_document_upload(
            actor=request.user, obligation=o, uploaded_file=data["file"], note=data["note"]
        )

    return _obligation_action(request, pk, upload)


def _obligation_close(request: HttpRequest, pk: int, service: Callable[..., Any]) -> HttpResponse:
    """Fulfilling and cancelling an obligation both end it with a reason."""
    return _obligation_action(
        request,
        pk,
        lambda o: service(actor=request.user, obligation=o, reason=_valid(forms.ReasonForm(request.POST))["reason"]),
    )


@require_POST
def obligation_fulfil(request: HttpRequest, pk: int) -> HttpResponse:
    return _obligation_close(request, pk, services.obligation_fulfil)


@require_POST
def obligation_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _obligation_close(request, pk, services.obligation_cancel)


@require_POST
def obligation_escalate(request: HttpRequest, pk: int) -> HttpResponse:
    return _obligation_action(request, pk, lambda o: services.obligation_escalate(actor=request.user, obligation=o))


def milestones_plan(request: HttpRequest, pk: int) -> HttpResponse:
    site = _site_to_work_on(request, pk)
    form = forms.PlanForm(request.POST or None, initial={"start": timezone.localdate()})
    return _save(
        request,
        form,
        lambda d: services.milestones_plan(actor=request.user, site=site, start=d["start"], steps=d["steps"]),
        success=_("进度节点已保存。"),
        done=lambda _result: _to_site(site),
    ) or _form_page(request, form, title=_("修复进度节点：%(site)s") % {"site": site}, back="remediation:list")


@require_POST
def milestone_progress(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    milestone = get_object_or_404(Milestone.objects.filter(site__in=selectors.sites_for_user(request.user)), pk=pk)

    def progress() -> None:
        data = _valid(forms.ProgressForm(request.POST))
        services.milestone_progress(
            actor=request.user, milestone=milestone, percent=data["percent"], expected_version=data["version"]
        )

    return _post_action(request, progress, _("进度已更新。"), redirect("remediation:site", pk=milestone.site_id))
