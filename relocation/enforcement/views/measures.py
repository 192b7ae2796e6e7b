"""Pages of measures and documents: the list, a measure's detail and its moves
(approve, reject, revoke, lift), downloading its document."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relocation.core.errors import ConflictError, ServiceError
from relocation.core.spreadsheets import export_table, wants_export
from relocation.enforcement import exports, selectors, services
from relocation.enforcement.forms import (
    MeasureEditForm,
    ReasonForm,
)
from relocation.enforcement.models import (
    MeasureStatus,
)
from relocation.enforcement.views.handling import PAGE_SIZE, _require_reader


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
