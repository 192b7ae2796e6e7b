"""Pages of inspections: the list, the inspection form (new or a follow-up, with
its draft), an inspection's detail, recording a violation or a measure from it."""

from __future__ import annotations

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
from relocation.enforcement import exports, selectors, services
from relocation.enforcement.forms import (
    InspectionForm,
    MeasureForm,
    ViolationForm,
)
from relocation.enforcement.models import (
    ChecklistItem,
    InspectionDraft,
    InspectionStatus,
    LegalBasis,
)
from relocation.enforcement.views.handling import MULTI_FIELDS, PAGE_SIZE, _require_reader
from relocation.enterprises.models import Enterprise
from relocation.organisation.models import User


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


def _form_values(request: HttpRequest, draft: InspectionDraft | None) -> dict[str, Any]:
    if request.method == "POST":
        return {k: (v if k in MULTI_FIELDS else v[-1]) for k, v in request.POST.lists()}
    if draft is not None:
        return dict(draft.data)
    return {}


def _inspection_form_page(request: HttpRequest, follow_up: Any = None) -> HttpResponse:
    user = request.user
    my_teams = selectors.my_teams(user).filter(is_active=True)
    draft_key = (request.POST.get("draft_key") or request.GET.get("draft") or "").strip()[:64]
    draft = InspectionDraft.objects.filter(owner=user, key=draft_key).first() if draft_key else None
    values = _form_values(request, draft)
    team_id = values.get("team") or request.GET.get("team") or (follow_up.team_id if follow_up else "")
    if not team_id:
        first = my_teams.first()
        team_id = first.pk if first else ""
    team = my_teams.filter(pk=team_id).select_related("domain").first() if str(team_id).isdigit() else None
    members = selectors.team_members(team) if team else User.objects.none()
    checklist = ChecklistItem.objects.filter(domain_id=team.domain_id, is_active=True) if team else []
    enterprises = Enterprise.objects.filter(programme_id=team.programme_id) if team else Enterprise.objects.none()
    if follow_up is not None:
        values.setdefault("enterprise", str(follow_up.enterprise_id))
    values.setdefault("inspected_on", timezone.localdate().isoformat())
    errors: list[str] = []
    if request.method == "POST":
        form = InspectionForm(
            request.POST,
            enterprises=enterprises,
            teams=my_teams,
            operations=selectors.operations_for_user(user).filter(status="planned"),
            users=members,
        )
        if form.is_valid():
            d = form.cleaned_data
            checks = {
                str(item.pk): request.POST.get(f"check_{item.pk}")
                for item in checklist
                if request.POST.get(f"check_{item.pk}")
            }
            try:
                inspection = services.inspection_record(
                    actor=user,
                    enterprise=d["enterprise"],
                    team=d["team"],
                    inspectors=list(d["inspectors"]),
                    inspected_on=d["inspected_on"],
                    checklist=checks,
                    findings=d["findings"],
                    representative_name=d["representative_name"],
                    representative_signed=d["representative_ack"] == "signed",
                    representative_refused=d["representative_ack"] == "refused",
                    operation=d["operation"],
                    photos=request.FILES.getlist("photos"),
                    follow_up=follow_up,
                    follow_up_result=d.get("follow_up_result") or "",
                    draft_key=draft_key,
                )
            except ServiceError as exc:
                errors.append(exc.message)
            else:
                messages.success(request, _("检查记录已提交。"))
                return redirect("enforcement:inspection_detail", pk=inspection.pk)
        else:
            for name, errs in form.errors.items():
                label = form.fields[name].label if name in form.fields else ""
                errors.extend(f"{label}：{e}" if label else e for e in errs)
    return render(
        request,
        "enforcement/inspection_form.html",
        {
            "values": values,
            "selected_inspectors": {str(v) for v in (values.get("inspectors") or [])},
            "teams": my_teams,
            "team": team,
            "members": members,
            "checklist": checklist,
            "enterprises": enterprises,
            "operations": selectors.operations_for_user(user).filter(status="planned"),
            "follow_up": follow_up,
            "draft_key": draft_key,
            "errors": errors,
            "draft_saved_at": draft.updated_at if draft else None,
        },
        status=400 if errors else 200,
    )


def inspection_create(request: HttpRequest) -> HttpResponse:
    """The phone form of an on-site inspection."""
    _require_reader(request)
    if not selectors.my_teams(request.user).exists():
        raise PermissionDenied
    return _inspection_form_page(request)


def follow_up_perform(request: HttpRequest, pk: int) -> HttpResponse:
    """Complete a scheduled re-inspection (回头看) from the team queue."""
    _require_reader(request)
    follow_up = get_object_or_404(
        selectors.inspections_for_user(request.user).filter(status=InspectionStatus.SCHEDULED), pk=pk
    )
    if not services.can_work_for_team(request.user, follow_up.team):
        raise PermissionDenied
    return _inspection_form_page(request, follow_up=follow_up)


@require_POST
def draft_save(request: HttpRequest) -> HttpResponse:
    """Autosave endpoint of the inspection form (htmx, every pause in typing)."""
    _require_reader(request)
    data = {k: (v if k in MULTI_FIELDS else v[-1]) for k, v in request.POST.lists() if k != "csrfmiddlewaretoken"}
    try:
        draft = services.draft_save(actor=request.user, key=request.POST.get("draft_key", ""), data=data)
    except ServiceError as exc:
        return HttpResponse(exc.message, status=400)
    return HttpResponse(
        _("草稿已自动保存 %(t)s") % {"t": timezone.localtime(draft.updated_at).strftime("%H:%M:%S")},
        content_type="text/plain; charset=utf-8",
    )


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
