"""Pages of joint enforcement. Thin: parse, call a service or selector, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relocation.core.errors import ConflictError, ServiceError
from relocation.core.roles import is_hq_editor
from relocation.core.spreadsheets import export_table, wants_export
from relocation.enforcement import excel, exports, selectors, services
from relocation.enforcement.forms import (
    ChecklistItemForm,
    LegalBasisForm,
    MeasureEditForm,
    MeasureForm,
    OperationForm,
    ReasonForm,
    TeamForm,
    ViolationForm,
)
from relocation.enforcement.models import (
    ChecklistItem,
    InspectionStatus,
    LegalBasis,
    MeasureStatus,
)
from relocation.enterprises.models import Enterprise
from relocation.organisation.models import User
from relocation.organisation.selectors import programme_for

PAGE_SIZE = 25
MULTI_FIELDS = {"inspectors"}


def _require_reader(request: HttpRequest) -> None:
    if not selectors.can_read(request.user):
        raise PermissionDenied


def _programme_id(request: HttpRequest) -> int | None:
    """The programme the user works in (an installation-wide account's choice included)."""
    programme = programme_for(request.user)
    return programme.pk if programme is not None else None


def queue(request: HttpRequest) -> HttpResponse:
    """我的待办 / team queue: re-inspections due, approvals, drafts."""
    _require_reader(request)
    page = request.GET.get("page", "1")
    context = selectors.queue_for_user(
        request.user, today=timezone.localdate(), page=int(page) if page.isdigit() else 1
    )
    return render(request, "enforcement/queue.html", context)


# ---------------------------------------------------------------------------
# Operations
# ---------------------------------------------------------------------------


def operation_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    qs = selectors.operations_for_user(request.user).prefetch_related("teams")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "enforcement/operation_list.html", {"page": page, "can_create": is_hq_editor(request.user)})


def operation_create(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    if not is_hq_editor(request.user):
        raise PermissionDenied
    teams = selectors.teams_for_user(request.user).filter(is_active=True)
    enterprises = Enterprise.objects.filter(programme_id=_programme_id(request))
    form = OperationForm(request.POST or None, teams=teams, enterprises=enterprises)
    if request.method == "POST" and form.is_valid():
        programme = form.cleaned_data["teams"][0].programme
        try:
            op = services.operation_create(actor=request.user, programme=programme, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(exc.code if exc.code in form.fields else None, exc.message)
        else:
            messages.success(request, _("联合执法行动已部署。"))
            return redirect("enforcement:operation_detail", pk=op.pk)
    return render(request, "enforcement/operation_form.html", {"form": form})


def operation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    op = selectors.operation_for_user(request.user, pk)
    inspections = (
        selectors.inspections_for_user(request.user)
        .filter(operation=op, status=InspectionStatus.SUBMITTED)
        .order_by("-inspected_on", "-id")[:100]
    )
    return render(
        request,
        "enforcement/operation_detail.html",
        {
            "operation": op,
            "results": selectors.operation_results(op),
            "inspections": inspections,
            "can_complete": is_hq_editor(request.user) and op.status == "planned",
        },
    )


@require_POST
def operation_complete(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    op = selectors.operation_for_user(request.user, pk)
    try:
        services.operation_complete(actor=request.user, operation=op)
    except ServiceError as exc:
        if exc.status == 403:
            raise PermissionDenied from exc
        messages.error(request, exc.message)
    return redirect("enforcement:operation_detail", pk=op.pk)


# ---------------------------------------------------------------------------
# Inspections
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# Measures and documents
# ---------------------------------------------------------------------------


def measure_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    qs = selectors.measures_for_user(request.user)
    status = request.GET.get("status", "")
    if status in MeasureStatus.values:
        qs = qs.filter(status=status)
    if request.GET.get("enterprise", "").isdigit():
        qs = qs.filter(enterprise_id=int(request.GET["enterprise"]))
    qs = qs.order_by("-created_at", "-id")
    if wants_export(request):
        return export_table(_("执法措施"), exports.MEASURE_COLUMNS, qs)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(
        request,
        "enforcement/measure_list.html",
        {
            "page": page,
            "statuses": MeasureStatus.choices,
            "status": status,
            "enterprise": request.GET.get("enterprise", ""),
            "querystring": querystring.urlencode(),
        },
    )


def measure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    measure = selectors.measure_for_user(request.user, pk)
    edit_form = None
    if request.method == "POST":
        edit_form = MeasureEditForm(request.POST)
        if edit_form.is_valid():
            data = {k: v for k, v in edit_form.cleaned_data.items() if k != "version"}
            try:
                services.measure_update(
                    actor=request.user, measure=measure, data=data, expected_version=edit_form.cleaned_data["version"]
                )
            except ConflictError as exc:
                messages.error(request, exc.message)
            except ServiceError as exc:
                if exc.status == 403:
                    raise PermissionDenied from exc
                messages.error(request, exc.message)
            else:
                messages.success(request, _("已保存。"))
                return redirect("enforcement:measure_detail", pk=measure.pk)
    user = request.user
    pending = measure.status == MeasureStatus.PENDING_APPROVAL
    can_approve = pending and services.can_approve_for_team(user, measure.team) and measure.created_by_id != user.pk
    return render(
        request,
        "enforcement/measure_detail.html",
        {
            "measure": measure,
            "history": measure.transitions.select_related("actor"),
            "documents": measure.documents.defer("content"),
            "follow_ups": measure.follow_ups.select_related("team").order_by("-id"),
            "can_approve": can_approve,
            "can_edit": pending and services.can_work_for_team(user, measure.team),
            "can_revoke": measure.status == MeasureStatus.IN_FORCE
            and services.can_approve_for_team(user, measure.team),
            "can_lift": measure.status == MeasureStatus.IN_FORCE
            and measure.kind in services.LIFTABLE_KINDS
            and services.can_approve_for_team(user, measure.team),
            "edit_form": edit_form
            or MeasureEditForm(
                initial={
                    "content": measure.content,
                    "amount": measure.amount,
                    "decision_number": measure.decision_number,
                    "version": measure.version,
                }
            ),
            "reason_form": ReasonForm(),
        },
    )


def _measure_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _require_reader(request)
    measure = selectors.measure_for_user(request.user, pk)
    reason = request.POST.get("reason", "")
    try:
        if action == "approve":
            services.measure_approve(actor=request.user, measure=measure)
            messages.success(request, _("已审批通过，决定生效。"))
        elif action == "reject":
            services.measure_reject(actor=request.user, measure=measure, reason=reason)
            messages.success(request, _("已驳回。"))
        elif action == "lift":
            services.measure_lift(actor=request.user, measure=measure, reason=reason)
            messages.success(request, _("已解除，企业生产状态已随之更新。"))
        else:
            services.measure_revoke(actor=request.user, measure=measure, reason=reason)
            messages.success(request, _("已撤销。"))
    except ServiceError as exc:
        if exc.status == 403 and not services.can_approve_for_team(request.user, measure.team):
            raise PermissionDenied from exc
        messages.error(request, exc.message)
    return redirect("enforcement:measure_detail", pk=measure.pk)


@require_POST
def measure_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _measure_action(request, pk, "approve")


@require_POST
def measure_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _measure_action(request, pk, "reject")


@require_POST
def measure_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    return _measure_action(request, pk, "revoke")


@require_POST
def measure_lift(request: HttpRequest, pk: int) -> HttpResponse:
    return _measure_action(request, pk, "lift")


def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    document = selectors.document_for_user(request.user, pk)
    response = HttpResponse(
        bytes(document.content),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = (
        f"attachment; filename=\"enforcement-{document.pk}.docx\"; filename*=UTF-8''{_quote(document.number)}.docx"
    )
    return response


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text)


# ---------------------------------------------------------------------------
# Files, statistics, configuration
# ---------------------------------------------------------------------------


def file_index(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    q = request.GET.get("q", "").strip()
    page = Paginator(selectors.file_enterprises(request.user, q), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "enforcement/file_index.html", {"page": page, "q": q})


def enterprise_file(request: HttpRequest, pk: int) -> HttpResponse:
    """一企一档."""
    _require_reader(request)
    enterprise = selectors.enterprise_for_file(request.user, pk)
    context = selectors.enterprise_file(enterprise)
    context["enterprise"] = enterprise
    return render(request, "enforcement/enterprise_file.html", context)


def _year(request: HttpRequest) -> int | None:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else None


def statistics(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    year = _year(request)
    stats = selectors.statistics(request.user, year=year)
    chart = {
        "domains": [str(r["key"] or "") for r in stats["by_domain"]],
        "domain_violations": [r["violations"] for r in stats["by_domain"]],
        "domain_inspections": [r["inspections"] for r in stats["by_domain"]],
        "months": [r["key"] for r in stats["by_month"]],
        "month_inspections": [r["inspections"] for r in stats["by_month"]],
        "month_violations": [r["violations"] for r in stats["by_month"]],
    }
    return render(
        request,
        "enforcement/statistics.html",
        {
            "stats": stats,
            "chart": chart,
            "year": year,
            "years": range(timezone.localdate().year, timezone.localdate().year - 6, -1),
        },
    )


def export_xlsx(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    year = _year(request)
    content = excel.workbook(request.user, year=year)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = (
        f'attachment; filename="enforcement-{year or "all"}-{dt.date.today():%Y%m%d}.xlsx"'
    )
    return response


def configuration(request: HttpRequest) -> HttpResponse:
    """Domains, teams, checklist items, legal bases, ladder and rule. HQ
    editors add teams, checklist items and legal bases here (and through the API)."""
    _require_reader(request)
    domains = selectors.domains_for_user(request.user).prefetch_related("checklist_items", "legal_bases", "co_units")
    teams = selectors.teams_for_user(request.user).prefetch_related("members")
    pid = _programme_id(request)
    # Only the people of this programme's units may join its teams.
    users = User.objects.filter(
        is_active=True, role__in=["inspector", "unit_leader", "unit_liaison"], unit__programme_id=pid
    )
    can_edit = is_hq_editor(request.user)
    forms_ = {
        "team": TeamForm(domains=domains, users=users.order_by("unit__order", "display_name")),
        "checklist": ChecklistItemForm(domains=domains),
        "basis": LegalBasisForm(domains=domains),
    }
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        which = request.POST.get("form", "")
        try:
            if which == "team":
                form = TeamForm(request.POST, domains=domains, users=users)
                forms_["team"] = form
                if form.is_valid():
                    services.team_create(actor=request.user, **form.cleaned_data)
                    messages.success(request, _("执法组已设立。"))
                    return redirect("enforcement:configuration")
            elif which in ("checklist", "basis"):
                form_class = ChecklistItemForm if which == "checklist" else LegalBasisForm
                model = ChecklistItem if which == "checklist" else LegalBasis
                form = form_class(request.POST, domains=domains)
                forms_[which] = form
                if form.is_valid():
                    services.configuration_save(actor=request.user, instance=model(), data=form.cleaned_data)
                    messages.success(request, _("已保存。"))
                    return redirect("enforcement:configuration")
        except ServiceError as exc:
            messages.error(request, exc.message)
    from relocation.enforcement.models import EscalationStep, RepeatOffenderRule

    return render(
        request,
        "enforcement/configuration.html",
        {
            "domains": domains,
            "teams": teams,
            "ladder": EscalationStep.objects.filter(programme_id=pid),
            "rule": RepeatOffenderRule.objects.filter(programme_id=pid).first(),
            "can_edit": can_edit,
            "forms": forms_,
        },
    )
