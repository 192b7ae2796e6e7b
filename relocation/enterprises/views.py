from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import selectors as core_selectors
from relocation.core.errors import ConflictError, ServiceError
from relocation.core.roles import is_enterprise_contact, is_hq_editor, is_staff_member
from relocation.enterprises import categories, lifecycle_selectors, production, selectors, services
from relocation.enterprises.forms import CategoryConfirmForm, EnterpriseForm, VisitForm
from relocation.enterprises.models import (
    CapitalBackground,
    Enterprise,
    Industry,
    Intention,
    LifecycleStatus,
    Process,
    ProductionStatus,
)
from relocation.organisation.functions import UnitFunction
from relocation.organisation.selectors import programme_for, units_with_function

PAGE_SIZE = 25


def _require_reader(request: HttpRequest) -> None:
    if not (is_staff_member(request.user) or is_enterprise_contact(request.user)):
        raise PermissionDenied


def ledger_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    params = {k: v.strip() for k, v in request.GET.items()}
    qs = selectors.ledger_page_queryset(request.user, params).defer("contact_phone")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    active = categories.active_categories()
    for enterprise in page:
        enterprise.proposed_category = None if enterprise.category_id else categories.propose(enterprise, active)
    # Only the page's rows: the badge's cost stays independent of the ledger's size.
    overdue_ids = lifecycle_selectors.overdue_ids(request.user, timezone.localdate(), among=page.object_list)
    querystring = request.GET.copy()
    querystring.pop("page", None)
    context = {
        "page": page,
        "overdue_ids": overdue_ids,
        "params": params,
        "querystring": querystring.urlencode(),
        "statuses": LifecycleStatus.choices,
        "industries": Industry.choices,
        "backgrounds": CapitalBackground.choices,
        "production_statuses": ProductionStatus.choices,
        "intentions": Intention.choices,
        "towns": units_with_function(programme_for(request.user), UnitFunction.TERRITORIAL_TOWN),
        "can_create": is_hq_editor(request.user),
        "categories": active,
        "can_export": is_staff_member(request.user),
    }
    template = "enterprises/_ledger_rows.html" if request.htmx else "enterprises/ledger_list.html"
    return render(request, template, context)


def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    enterprise = selectors.enterprise_for_user(request.user, pk)
    return render(
        request,
        "enterprises/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "process_labels": [str(dict(Process.choices).get(p, p)) for p in enterprise.processes],
            "visits": selectors.visits_of(enterprise)[:20],
            "timeline": core_selectors.timeline_for_enterprise(enterprise.pk, limit=100, viewer=request.user),
            "can_edit": selectors.can_edit_enterprise(request.user, enterprise),
            "can_visit": production.can_change(request.user, enterprise),
            "visit_form": VisitForm(),
            "proposed_category": categories.propose(enterprise),
            "category_history": categories.category_history(enterprise)[:10],
            "can_confirm_category": categories.can_confirm_category(request.user, enterprise),
            "category_form": CategoryConfirmForm(),
        },
    )


def production_changes_section(request: HttpRequest, enterprise: Enterprise) -> dict[str, Any]:
    """The "生产状态变更记录" section of the enterprise page: everyone who may
    open the page (the ledger's scope) reads its production-status history.
    All rows: each is a decision taking or losing effect, a handful at most."""
    return {"changes": list(selectors.production_changes_of(enterprise))}


def enterprise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    enterprise = selectors.enterprise_for_user(request.user, pk)
    if not selectors.can_edit_enterprise(request.user, enterprise):
        raise PermissionDenied
    form = EnterpriseForm(request.POST or None, instance=enterprise)
    conflict = False
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.enterprise_update(
                actor=request.user, enterprise=enterprise, data=data, expected_version=form.cleaned_data["version"]
            )
        except ConflictError as exc:
            conflict = True
            messages.error(request, exc.message)
        except ServiceError as exc:
            form.add_error(exc.code if exc.code in form.fields else None, exc.message)
        else:
            messages.success(request, _("台账信息已保存。"))
            return redirect("enterprises:detail", pk=enterprise.pk)
    return render(
        request, "enterprises/enterprise_form.html", {"form": form, "enterprise": enterprise, "conflict": conflict}
    )


def visit_create(request: HttpRequest, pk: int) -> HttpResponse:
    if not is_staff_member(request.user):
        raise PermissionDenied
    enterprise = selectors.enterprise_for_user(request.user, pk)
    if not production.can_change(request.user, enterprise):
        raise PermissionDenied
    form = VisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_record(actor=request.user, enterprise=enterprise, **form.cleaned_data)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            moved = Enterprise.objects.filter(pk=enterprise.pk).exclude(status=enterprise.status).first()
            messages.success(
                request,
                _("走访记录已保存，搬迁进度已变更为“%(s)s”。") % {"s": moved.get_status_display()}
                if moved
                else _("走访记录已保存。"),
            )
            return redirect("enterprises:detail", pk=enterprise.pk)
    return render(request, "enterprises/visit_form.html", {"form": form, "enterprise": enterprise})
