"""Pages of the leases app: thin, they read through selectors and write
through services; every step's page is the same service the API calls."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core.errors import ServiceError
from relocation.core.roles import is_hq_editor
from relocation.core.spreadsheets import export_table, wants_export
from relocation.enterprises.selectors import enterprises_for_user
from relocation.leases import actions, exports, forms, permissions, selectors, services
from relocation.leases.models import LandlordKind, LeaseStatus
from relocation.organisation.functions import UnitFunction
from relocation.organisation.selectors import programme_for, units_with_function

PAGE_SIZE = 25
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _require_reader(request: HttpRequest) -> None:
    if not permissions.can_read(request.user):
        raise PermissionDenied


def lease_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    params = {k: v.strip() for k, v in request.GET.items()}
    qs = selectors.lease_list(request.user, params)
    if wants_export(request):
        return export_table(_("租约清单"), exports.LEASE_COLUMNS, qs)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for lease in page:
        lease.refund_overdue = selectors.is_refund_overdue(lease)
    programme = programme_for(request.user)
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(
        request,
        "leases/lease_list.html",
        {
            "page": page,
            "params": params,
            "querystring": querystring.urlencode(),
            "statuses": LeaseStatus.choices,
            "landlord_kinds": LandlordKind.choices,
            "communities": units_with_function(programme, UnitFunction.COMMUNITY)
            if permissions.sees_all(request.user) or permissions.is_territorial_town(request.user)
            else [],
            "towns": units_with_function(programme, UnitFunction.TERRITORIAL_TOWN)
            if permissions.sees_all(request.user) or permissions.is_community(request.user)
            else [],
            "can_register": permissions.can_register(request.user),
        },
    )


def lease_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    lease = selectors.lease_detail(request.user, pk)
    lease.refund_overdue = selectors.is_refund_overdue(lease)
    return render(
        request,
        "leases/lease_detail.html",
        {
            "lease": lease,
            "notice": getattr(lease, "notice", None),
            "refund": getattr(lease, "refund", None),
            "offers": actions.offers_for(request.user, lease),
            "statuses": LeaseStatus.choices,
            "withheld": lease.deposit - lease.refund.amount if getattr(lease, "refund", None) else None,
        },
    )


def notice_download(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    lease = selectors.lease_detail(request.user, pk)
    notice = getattr(lease, "notice", None)
    if notice is None:
        raise PermissionDenied
    response = HttpResponse(bytes(notice.document), content_type=DOCX)
    response["Content-Disposition"] = (
        f"attachment; filename=\"lease-notice-{lease.pk}.docx\"; filename*=UTF-8''{quote(notice.number)}.docx"
    )
    return response


def _form_page(
    request: HttpRequest, form: Any, *, title: str, lease: Any = None, not_now: str | None = None
) -> HttpResponse:
    return render(request, "leases/form.html", {"form": form, "title": title, "lease": lease, "not_now": not_now})


def _save(request: HttpRequest, form: Any, save: Callable[[dict[str, Any]], Any], *, success: str) -> Any:
    """A form page's POST: the service's result, or None to show the form
    again (invalid, or refused with the service's message on the form)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = save(form.cleaned_data)
    except ServiceError as exc:
        form.add_error(None, exc.message)
        return None
    messages.success(request, success)
    return result


def lease_create(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    user = request.user
    if not permissions.can_register(user):
        raise PermissionDenied
    programme = programme_for(user)
    enterprises = enterprises_for_user(user).order_by("name")
    communities = units_with_function(programme, UnitFunction.COMMUNITY)
    if not is_hq_editor(user):
        if permissions.is_community(user):
            communities = communities.filter(pk=user.unit_id)
        else:
            enterprises = enterprises.filter(territorial_unit_id=user.unit_id)
    form = forms.LeaseForm(request.POST or None, enterprises=enterprises, communities=communities)
    lease = _save(
        request,
        form,
        lambda d: services.lease_register(actor=user, **d),
        success=_("租约已登记。"),
    )
    if lease is not None:
        return redirect("leases:detail", pk=lease.pk)
    return _form_page(request, form, title=_("登记租约"))


def _step(
    request: HttpRequest,
    pk: int,
    action: str,
    form_class: type,
    *,
    title: str,
    success: str,
    save: Callable[[Any, dict[str, Any]], Any],
    initial: dict[str, Any] | None = None,
) -> HttpResponse:
    """One step of the lease's life: 404 if the user may not see the lease,
    403 if their role may not take the step; a state that refuses the step is
    shown on the form (the service says why)."""
    _require_reader(request)
    lease = selectors.lease_for_user(request.user, pk)
    if not actions.PERMITTED[action](request.user, lease):
        raise PermissionDenied
    form = form_class(request.POST or None, initial=initial)
    if _save(request, form, lambda d: save(lease, d), success=success) is not None:
        return redirect("leases:detail", pk=lease.pk)
    # Opened while the state refuses the step: say why before anything is typed.
    not_now = actions.refusal(request.user, lease, action) if request.method == "GET" else None
    return _form_page(request, form, title=title, lease=lease, not_now=not_now)


def notice_issue(request: HttpRequest, pk: int) -> HttpResponse:
    today = timezone.localdate()
    return _step(
        request,
        pk,
        actions.ISSUE_NOTICE,
        forms.NoticeForm,
        title=_("下发停租通知"),
        success=_("停租通知已下发。"),
        save=lambda lease, d: services.notice_issue(actor=request.user, lease=lease, **d),
        initial={"vacate_by": today, "refund_due_on": today},
    )


def refund(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        actions.REFUND,
        forms.RefundForm,
        title=_("登记押金退还"),
        success=_("押金退还已登记。"),
        save=lambda lease, d: services.deposit_refund_record(actor=request.user, lease=lease, **d),
        initial={"refunded_on": timezone.localdate()},
    )


def clearance(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        actions.CLEARANCE,
        forms.ClearanceForm,
        title=_("核查清租退场"),
        success=_("核查结果已登记。"),
        save=lambda lease, d: services.clearance_check_record(actor=request.user, lease=lease, **d),
        initial={"checked_on": timezone.localdate()},
    )


def close(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        actions.CLOSE,
        forms.CloseForm,
        title=_("办结租约"),
        success=_("租约已办结。"),
        save=lambda lease, d: services.lease_close(actor=request.user, lease=lease, **d),
    )


def dispute_open(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        actions.DISPUTE_OPEN,
        forms.DisputeForm,
        title=_("登记租赁纠纷"),
        success=_("租赁纠纷已登记。"),
        save=lambda lease, d: services.dispute_open(actor=request.user, lease=lease, **d),
        initial={"opened_on": timezone.localdate()},
    )


def dispute_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        actions.DISPUTE_RESOLVE,
        forms.ResolveForm,
        title=_("登记纠纷化解"),
        success=_("纠纷化解已登记。"),
        save=lambda lease, d: services.dispute_resolve(actor=request.user, lease=lease, **d),
        initial={"resolved_on": timezone.localdate()},
    )
