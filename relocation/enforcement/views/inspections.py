"""Pages of inspections: the list, the inspection form (new or a follow-up, with
its draft), an inspection's detail, recording a violation or a measure from it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relocation.core.errors import ServiceError
from relocation.core.spreadsheets import export_table, wants_export
from relocation.enforcement import exports, selectors, services
from relocation.enforcement.forms import (
    MeasureForm,
    ViolationForm,
)
from relocation.enforcement.models import (
    ChecklistItem,
    InspectionStatus,
    LegalBasis,
)
from relocation.enforcement.views.handling import PAGE_SIZE, _require_reader


def inspection_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    qs = selectors.inspections_for_user(request.user).filter(status=InspectionStatus.SUBMITTED)
    for field in ("team", "enterprise"):
        if request.GET.get(field, "").isdigit():
            qs = qs.filter(**{f"{field}_id": int(request.GET[field])})
    qs = qs.order_by("-inspected_on", "-id")
    if wants_export(request):
        return export_table(_("检查记录"), exports.INSPECTION_COLUMNS, qs)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(request, "enforcement/inspection_list.html", {"page": page, "querystring": querystring.urlencode()})


def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    inspection = selectors.inspection_for_user(request.user, pk)
    if inspection.status == InspectionStatus.SCHEDULED:
        return redirect("enforcement:follow_up", pk=inspection.pk)
    can_work = services.can_work_for_team(request.user, inspection.team)
    domains = selectors.domains_for_user(request.user)
    violations = list(inspection.violations.select_related("domain", "legal_basis").prefetch_related("measures"))
    checklist = {str(i.pk): i.text for i in ChecklistItem.objects.filter(domain_id=inspection.team.domain_id)}
    return render(
        request,
        "enforcement/inspection_detail.html",
        {
            "inspection": inspection,
            "violations": violations,
            "checklist_rows": [(checklist.get(k, k), v) for k, v in inspection.checklist.items()],
            "proposals": selectors.violation_proposals(inspection, violations) if can_work else [],
            "open_problems": sum(1 for v in inspection.checklist.values() if v == "problem"),
            "can_work": can_work,
            "violation_form": ViolationForm(
                initial={"domain": inspection.team.domain_id},
                domains=domains,
                bases=LegalBasis.objects.filter(domain__in=domains, is_active=True).select_related("domain"),
            ),
            "measure_form": MeasureForm(initial={"kind": "rectification", "workdays": 10}),
        },
    )


@require_POST
def violation_create(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    inspection = selectors.inspection_for_user(request.user, pk)
    domains = selectors.domains_for_user(request.user)
    form = ViolationForm(request.POST, domains=domains, bases=LegalBasis.objects.filter(domain__in=domains))
    if form.is_valid():
        try:
            services.violation_record(actor=request.user, inspection=inspection, **form.cleaned_data)
        except ServiceError as exc:
            if exc.status == 403:
                raise PermissionDenied from exc
            messages.error(request, exc.message)
        else:
            messages.success(request, _("违法行为已认定。"))
    else:
        messages.error(
            request,
            " ".join(f"{form.fields[k].label}：{' '.join(v)}" for k, v in form.errors.items() if k in form.fields),
        )
    return redirect("enforcement:inspection_detail", pk=inspection.pk)


@require_POST
def measure_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a measure on a violation (pk is the violation)."""
    _require_reader(request)
    violation = selectors.violation_for_user(request.user, pk)
    form = MeasureForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            measure = services.measure_issue(
                actor=request.user,
                violation=violation,
                kind=d["kind"],
                content=d["content"],
                workdays=d["workdays"],
                amount=d["amount"],
                decision_number=d["decision_number"],
            )
        except ServiceError as exc:
            if exc.status == 403:
                raise PermissionDenied from exc
            messages.error(request, exc.message)
        else:
            messages.success(request, _("执法措施已登记：%(k)s") % {"k": measure.get_kind_display()})
            return redirect("enforcement:measure_detail", pk=measure.pk)
    else:
        messages.error(request, " ".join(f"{form.fields[k].label}：{' '.join(v)}" for k, v in form.errors.items()))
    return redirect("enforcement:inspection_detail", pk=violation.inspection_id)
