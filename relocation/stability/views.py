"""Pages of stability work. Views parse input, call selectors (scoped reads)
and services (writes with their rules), and redirect with a message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.roles import is_hq_editor
from relocation.core.spreadsheets import export_table, wants_export
from relocation.enterprises.selectors import enterprises_for_user
from relocation.organisation.selectors import programme_for
from relocation.stability import exports, forms, permissions, selectors, services
from relocation.stability.models import (
    IncidentKind,
    IncidentStatus,
    OpinionLevel,
    OpinionStatus,
    RiskLevel,
)

PAGE_SIZE = 50


def _require_reader(request: HttpRequest) -> None:
    if not permissions.can_read(request.user):
        raise PermissionDenied


def _programme(request: HttpRequest) -> Any:
    programme = programme_for(request.user)
    if programme is None:
        raise Http404
    return programme


def _recorder_programme(request: HttpRequest) -> Any:
    """The new-record pages (risk, incident, opinion, plan) are for those who may
    record, and need the programme the record belongs to."""
    _require_reader(request)
    if not permissions.can_record(request.user):
        raise PermissionDenied
    return _programme(request)


def _run(request: HttpRequest, action: Callable[[], Any], success: str) -> Any:
    try:
        result = action()
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc
    except ServiceError as exc:
        messages.error(request, exc.message)
        return None
    messages.success(request, success)
    return result if result is not None else True


def _form_kwargs(request: HttpRequest) -> dict[str, Any]:
    return {
        "programme": programme_for(request.user),
        "enterprises": enterprises_for_user(request.user).order_by("name"),
    }


def _invalid(request: HttpRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}：{'；'.join(errors)}" if label else "；".join(errors))


def _submit(request: HttpRequest, form: Any, action: Callable[[dict[str, Any]], Any], success: str) -> Any:
    """Every write page posts a form, runs one service on its cleaned data and
    reports back the same way: the service's result (or True) when it went
    through, None when the form or the service refused (the messages say why)."""
    if not form.is_valid():
        _invalid(request, form)
        return None
    return _run(request, lambda: action(form.cleaned_data), success)


def _create_page(
    request: HttpRequest,
    form: Any,
    action: Callable[[dict[str, Any]], Any],
    success: str,
    url_name: str,
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """A new-record page: on a good POST, the new record's page; otherwise the
    form again, with the reasons in the messages."""
    if request.method == "POST":
        created = _submit(request, form, action, success)
        if created:
            return redirect(url_name, pk=created.pk)
    return render(request, template, {"form": form, **context})


def _move_view(load: Callable[[Any, int], Any], record: str, url_name: str, moves: dict[str, tuple]) -> Callable:
    """Incidents and opinion events change status the same way: the URL names the
    target, the table gives the service, the service's keyword for the posted
    text, the form field carrying it, and the success message (lazy, since the
    table is built at import). A target outside the table is a 404."""

    @require_POST
    def view(request: HttpRequest, pk: int, target: str) -> HttpResponse:
        _require_reader(request)
        obj = load(request.user, pk)
        if target not in moves:
            raise Http404
        service, keyword, field, success = moves[target]
        posted = {record: obj, keyword: request.POST.get(field, "")}
        _run(request, lambda: service(actor=request.user, **posted), success)
        return redirect(url_name, pk=pk)

    return view


def _edit_initial(record: Any, *fields: str, **extra: Any) -> dict[str, Any]:
    """An edit form starts from the record's stored values and the version they
    were read at, so a concurrent edit is caught when it is saved."""
    return {**{name: getattr(record, name) for name in fields}, **extra, "version": record.version}


def _page(request: HttpRequest, qs: Any) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _querystring(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# ----------------------------------------------------------------------------- risk register


def risk_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    qs = selectors.risks_for_user(request.user)
    level = request.GET.get("level", "")
    if level in RiskLevel.values:
        qs = qs.filter(level=level)
    if wants_export(request):
        return export_table(_("稳定风险研判"), exports.RISK_COLUMNS, exports.risk_rows(qs))
    today = timezone.localdate()
    page = _page(request, qs)
    return render(
        request,
        "stability/risk_list.html",
        {
            "page": page,
            "risks": selectors.with_signals(list(page.object_list)),
            "unassessed": selectors.unassessed_signals(request.user) if not level else [],
            "high": list(selectors.high_risk_for_user(request.user)[:20]) if not level else [],
            "levels": RiskLevel.choices,
            "level": level,
            "today": today,
            "querystring": _querystring(request),
            "can_record": permissions.can_record(request.user),
        },
    )


def risk_create(request: HttpRequest) -> HttpResponse:
    programme = _recorder_programme(request)
    initial = {"responsible_unit": getattr(request.user, "unit_id", None), "enterprise": request.GET.get("enterprise")}
    form = forms.RiskForm(request.POST or None, initial=initial, **_form_kwargs(request))
    return _create_page(
        request,
        form,
        lambda data: services.risk_assess(
            actor=request.user,
            enterprise=data["enterprise"],
            level=data["level"],
            factors=data["factors"],
            responsible_unit=data["responsible_unit"],
            co_units=data["co_units"],
            review_on=data["review_on"],
            notes=data["notes"],
        ),
        _("已登记风险研判。"),
        "stability:risk",
        "stability/risk_form.html",
        {"programme": programme},
    )


def risk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    risk = selectors.risk_for_user(request.user, pk)
    can_edit = permissions.can_edit_risk(request.user, risk)
    initial = _edit_initial(
        risk,
        "level",
        "factors",
        "review_on",
        "notes",
        responsible_unit=risk.responsible_unit_id,
        co_units=[u.pk for u in risk.co_units.all()],
    )
    form = forms.RiskEditForm(request.POST or None, initial=initial, **_form_kwargs(request))
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        done = _submit(
            request,
            form,
            lambda data: services.risk_update(
                actor=request.user,
                risk=risk,
                expected_version=data["version"],
                level=data["level"],
                factors=data["factors"],
                responsible_unit=data["responsible_unit"],
                co_units=data["co_units"],
                review_on=data["review_on"],
                notes=data["notes"],
                reason=data["reason"],
            ),
            _("风险研判已更新。"),
        )
        if done:
            return redirect("stability:risk", pk=pk)
    return render(
        request,
        "stability/risk_detail.html",
        {
            "risk": risk,
            "history": list(risk.level_changes.select_related("actor")),
            "form": form,
            "can_edit": can_edit,
            "is_overdue": risk.review_on < timezone.localdate(),
        },
    )


# ----------------------------------------------------------------------------- incidents


def incident_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    qs = selectors.incidents_for_user(request.user)
    status, kind = request.GET.get("status", ""), request.GET.get("kind", "")
    if status in IncidentStatus.values:
        qs = qs.filter(status=status)
    if kind in IncidentKind.values:
        qs = qs.filter(kind=kind)
    if wants_export(request):
        return export_table(_("维稳事件"), exports.INCIDENT_COLUMNS, qs)
    page = _page(request, qs)
    return render(
        request,
        "stability/incident_list.html",
        {
            "page": page,
            "incidents": page.object_list,
            "statuses": IncidentStatus.choices,
            "kinds": IncidentKind.choices,
            "status": status,
            "kind": kind,
            "rules": services.report_rules(),
            "can_set_rules": is_hq_editor(request.user),
            "querystring": _querystring(request),
            "can_record": permissions.can_record(request.user),
        },
    )


@require_POST
def report_rule_set(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    try:
        hours = int(request.POST.get("hours", ""))
    except ValueError:
        messages.error(request, _("报告时限应在 1 至 168 小时之间。"))
        return redirect("stability:incidents")
    _run(
        request,
        lambda: services.report_rule_set(actor=request.user, severity=request.POST.get("severity", ""), hours=hours),
        _("报告时限已调整，此后报告或调整严重程度的事件按新时限计算。"),
    )
    return redirect("stability:incidents")


def incident_create(request: HttpRequest) -> HttpResponse:
    programme = _recorder_programme(request)
    form = forms.IncidentForm(
        request.POST or None, initial={"enterprise": request.GET.get("enterprise")}, **_form_kwargs(request)
    )
    return _create_page(
        request,
        form,
        lambda data: services.incident_report(actor=request.user, programme=programme, **data),
        _("事件已报告。"),
        "stability:incident",
        "stability/incident_form.html",
        {"names_lead": is_hq_editor(request.user)},
    )


def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    incident = selectors.incident_for_user(request.user, pk)
    kwargs = _form_kwargs(request)
    edit_form = forms.IncidentEditForm(
        initial=_edit_initial(
            incident,
            "title",
            "place",
            "people_count",
            "severity",
            "description",
            co_units=[u.pk for u in incident.co_units.all()],
        ),
        **kwargs,
    )
    return render(
        request,
        "stability/incident_detail.html",
        {
            "incident": incident,
            **selectors.incident_detail(incident),
            "can_handle": permissions.can_handle_incident(request.user, incident),
            "can_add_evidence": permissions.can_add_evidence(request.user, incident),
            "edit_form": edit_form,
            "action_form": forms.IncidentActionForm(**kwargs),
            "evidence_form": forms.EvidenceForm(),
            "today": timezone.localdate(),
        },
    )


@require_POST
def incident_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    incident = selectors.incident_for_user(request.user, pk)
    form = forms.IncidentEditForm(request.POST, **_form_kwargs(request))
    _submit(
        request,
        form,
        lambda data: services.incident_update(
            actor=request.user,
            incident=incident,
            expected_version=data.pop("version"),
            **data,
        ),
        _("事件情况已更新。"),
    )
    return redirect("stability:incident", pk=pk)


incident_move = _move_view(
    selectors.incident_for_user,
    "incident",
    "stability:incident",
    {
        IncidentStatus.RESPONDING: (services.incident_respond, "note", "text", gettext_lazy("已开始处置。")),
        IncidentStatus.RESOLVED: (services.incident_resolve, "outcome", "text", gettext_lazy("事件已化解。")),
        IncidentStatus.ESCALATED: (
            services.incident_escalate,
            "reason",
            "text",
            gettext_lazy("事件已上报市里，指挥部和协调小组领导已收到通知。"),
        ),
    },
)


@require_POST
def incident_action_add(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    incident = selectors.incident_for_user(request.user, pk)
    form = forms.IncidentActionForm(request.POST, **_form_kwargs(request))
    _submit(
        request,
        form,
        lambda data: services.incident_action_add(actor=request.user, incident=incident, **data),
        _("后续措施已布置，并已转为督办任务。"),
    )
    return redirect("stability:incident", pk=pk)


@require_POST
def incident_evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    incident = selectors.incident_for_user(request.user, pk)
    form = forms.EvidenceForm(request.POST, request.FILES)
    _submit(
        request,
        form,
        lambda data: services.incident_evidence_add(
            actor=request.user,
            incident=incident,
            uploaded_file=data["file"],
            note=data["note"],
        ),
        _("证据已上传。"),
    )
    return redirect("stability:incident", pk=pk)


# ----------------------------------------------------------------------------- public opinion


def opinion_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    qs = selectors.opinions_for_user(request.user)
    status, level = request.GET.get("status", ""), request.GET.get("level", "")
    overdue = request.GET.get("overdue") == "1"
    if status in OpinionStatus.values:
        qs = qs.filter(status=status)
    if level in OpinionLevel.values:
        qs = qs.filter(level=level)
    if overdue:
        qs = qs.filter(overdue=True)
    if wants_export(request):
        return export_table(_("舆情处置"), exports.OPINION_COLUMNS, qs)
    page = _page(request, qs)
    return render(
        request,
        "stability/opinion_list.html",
        {
            "page": page,
            "events": page.object_list,
            "statuses": OpinionStatus.choices,
            "levels": OpinionLevel.choices,
            "status": status,
            "level": level,
            "overdue": overdue,
            "overdue_count": selectors.opinions_for_user(request.user).filter(overdue=True).count(),
            "rules": services.response_rules(),
            "can_set_rules": is_hq_editor(request.user),
            "querystring": _querystring(request),
            "can_record": permissions.can_record(request.user),
        },
    )


@require_POST
def response_rule_set(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    try:
        hours = int(request.POST.get("hours", ""))
    except ValueError:
        messages.error(request, _("响应时限应在 1 至 720 小时之间。"))
        return redirect("stability:opinions")
    _run(
        request,
        lambda: services.response_rule_set(actor=request.user, level=request.POST.get("level", ""), hours=hours),
        _("响应时限已调整，此后登记或调整等级的舆情按新时限计算。"),
    )
    return redirect("stability:opinions")


def opinion_create(request: HttpRequest) -> HttpResponse:
    programme = _recorder_programme(request)
    form = forms.OpinionForm(
        request.POST or None, initial={"enterprise": request.GET.get("enterprise")}, **_form_kwargs(request)
    )
    return _create_page(
        request,
        form,
        lambda data: services.opinion_record(actor=request.user, programme=programme, **data),
        _("舆情已登记，处置单位已收到通知。"),
        "stability:opinion",
        "stability/opinion_form.html",
        {},
    )


def opinion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    event = selectors.opinion_for_user(request.user, pk)
    edit_form = forms.OpinionEditForm(
        initial=_edit_initial(
            event,
            "title",
            "url",
            "description",
            "level",
            "heat",
            "sentiment",
            co_units=[u.pk for u in event.co_units.all()],
        ),
        **_form_kwargs(request),
    )
    return render(
        request,
        "stability/opinion_detail.html",
        {
            "event": event,
            "history": list(event.status_changes.select_related("actor")),
            "can_handle": permissions.can_handle_opinion(request.user, event),
            "edit_form": edit_form,
            "close_form": forms.CloseOpinionForm(),
        },
    )


@require_POST
def opinion_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    event = selectors.opinion_for_user(request.user, pk)
    form = forms.OpinionEditForm(request.POST, **_form_kwargs(request))
    _submit(
        request,
        form,
        lambda data: services.opinion_update(
            actor=request.user, event=event, expected_version=data.pop("version"), **data
        ),
        _("舆情情况已更新。"),
    )
    return redirect("stability:opinion", pk=pk)


opinion_move = _move_view(
    selectors.opinion_for_user,
    "event",
    "stability:opinion",
    {
        OpinionStatus.VERIFYING: (services.opinion_verify, "note", "text", gettext_lazy("已开始核实。")),
        OpinionStatus.RESPONDING: (services.opinion_respond, "note", "text", gettext_lazy("已进入处置。")),
        OpinionStatus.CLOSED: (
            services.opinion_close,
            "published_response",
            "published_response",
            gettext_lazy("舆情已办结。"),
        ),
    },
)


# ----------------------------------------------------------------------------- emergency plans


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
