"""Pages of the team's work: its queue, and joint operations (list, creating one,
its detail, completing it)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relocation.core.errors import ServiceError
from relocation.core.roles import is_hq_editor
from relocation.enforcement import selectors, services
from relocation.enforcement.forms import (
    OperationForm,
)
from relocation.enforcement.models import (
    InspectionStatus,
)
from relocation.enforcement.views.handling import PAGE_SIZE, _programme_id, _require_reader
from relocation.enterprises.models import Enterprise


def queue(request: HttpRequest) -> HttpResponse:
    """我的待办 / team queue: re-inspections due, approvals, drafts."""
    _require_reader(request)
    page = request.GET.get("page", "1")
    context = selectors.queue_for_user(
        request.user, today=timezone.localdate(), page=int(page) if page.isdigit() else 1
    )
    return render(request, "enforcement/queue.html", context)


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
