"""Pages of the two-person approval of HQ and admin accounts (approvals.py)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relocation.core.errors import ServiceError
from relocation.core.roles import is_security_admin, is_system_admin
from relocation.organisation import approvals, selectors


def _approvals(request: HttpRequest):
    if not (is_security_admin(request.user) or is_system_admin(request.user)):
        raise PermissionDenied
    return approvals.pending_approvals(request.user).filter(user__in=selectors.accounts_for_admin(request.user))


def approval_list(request: HttpRequest) -> HttpResponse:
    """Requests waiting for the security admin first, then the decided ones."""
    qs = _approvals(request)
    status = request.GET.get("status", "pending")
    if status in approvals.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs.order_by("-created_at"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "organisation/approval_list.html",
        {
            "page": page,
            "status": status,
            "statuses": approvals.Status.choices,
            "can_decide": is_security_admin(request.user),
        },
    )


@require_POST
def approval_decide(request: HttpRequest, pk: int) -> HttpResponse:
    approval = get_object_or_404(_approvals(request), pk=pk)
    approve = request.POST.get("decision") == "approve"
    try:
        approvals.approval_decide(
            actor=request.user, approval=approval, approve=approve, reason=request.POST.get("reason", "")
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已批准。") if approve else _("已驳回。"))
    return redirect("organisation:approvals")
