"""The enterprise files, the statistics with their export, and the configuration
page."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core.errors import ServiceError
from relocation.core.roles import is_hq_editor
from relocation.enforcement import excel, selectors, services
from relocation.enforcement.forms import (
    ChecklistItemForm,
    LegalBasisForm,
    TeamForm,
)
from relocation.enforcement.models import (
    ChecklistItem,
    LegalBasis,
)
from relocation.enforcement.views.handling import PAGE_SIZE, _programme_id, _require_reader
from relocation.organisation.models import User


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
