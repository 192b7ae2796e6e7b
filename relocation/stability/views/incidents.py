"""Pages of incidents: the list with the first-report clock, HQ's first-report
limits, reporting and editing an incident, its moves, actions and evidence."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from relocation.core.roles import is_hq_editor
from relocation.stability import forms, permissions, selectors, services
from relocation.stability.models import (
    IncidentKind,
    IncidentStatus,
)
from relocation.stability.views.handling import (
    _create_page,
    _edit_initial,
    _form_kwargs,
    _move_view,
    _page,
    _querystring,
    _recorder_programme,
    _require_reader,
    _run,
    _submit,
)


def incident_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    qs = selectors.incidents_for_user(request.user)
    status, kind = request.GET.get("status", ""), request.GET.get("kind", "")
    if status in IncidentStatus.values:
        qs = qs.filter(status=status)
    if kind in IncidentKind.values:
        qs = qs.filter(kind=kind)
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
