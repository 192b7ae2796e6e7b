"""Pages of the portal: the public pages (no login; namespace `public`) and
the inbox where HQ triages, units answer and enterprise contacts ask."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.middleware import client_ip
from relocation.core.roles import is_enterprise_contact, is_hq, is_hq_editor
from relocation.organisation.models import Programme
from relocation.organisation.selectors import active_programme, programme_for
from relocation.portal import selectors, services, tracking
from relocation.portal.forms import (
    AskForm,
    AssignForm,
    DraftForm,
    FollowUpForm,
    KindSettingForm,
    LookupForm,
    PublicInquiryForm,
    RejectForm,
    VersionForm,
)
from relocation.portal.models import InquiryKind, InquiryStatus
from relocation.portal.transitions import INQUIRY

# ----------------------------------------------------------------------------- public pages


def _public_programme(request: HttpRequest, code: str | None) -> Programme:
    """The programme a public page speaks for: the one in the address; without
    one, a signed-in user's own (staff previewing their portal) or the
    installation's default programme."""
    if code:
        return get_object_or_404(Programme, code=code)
    user = request.user
    programme = programme_for(user) if user.is_authenticated else active_programme()
    if programme is None:
        raise Http404
    return programme


def public_home(request: HttpRequest, code: str | None = None) -> HttpResponse:
    """The submission form; a valid POST shows the number and query code once."""
    programme = _public_programme(request, code)
    form = PublicInquiryForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                inquiry, code = services.inquiry_submit_public(
                    kind=data["kind"],
                    subject=data["subject"],
                    text=data["text"],
                    location=data["location"],
                    contact_name=data["contact_name"],
                    phone=data["phone"],
                    photos=request.FILES.getlist("photos"),
                    honeypot=data["website"],
                    ip=client_ip(request),
                    programme=programme,
                )
            except ServiceError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                return render(request, "portal/public_submitted.html", {"inquiry": inquiry, "code": code})
        else:
            form.add_error(None, _("请检查标注的内容后重新提交。"))
    return render(
        request,
        "portal/public_home.html",
        {
            "form": form,
            "lookup_form": LookupForm(example=tracking.example_number(programme, timezone.localdate().year)),
            "max_photos": services.MAX_PHOTOS,
            "programme": programme,
        },
        status=status,
    )


def public_lookup(request: HttpRequest) -> HttpResponse:
    """Number and code by POST, so the code never sits in a URL or a log."""
    form = LookupForm(request.POST or None)
    found = None
    follow_up_form = FollowUpForm()
    if request.method == "POST" and form.is_valid():
        try:
            inquiry = selectors.public_lookup(
                number=form.cleaned_data["number"], code=form.cleaned_data["code"], ip=client_ip(request)
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
            inquiry = None
        else:
            if inquiry is None:
                form.add_error(None, _("受理编号或查询码不正确，请核对后重试。"))
        if inquiry is not None and "text" in request.POST:
            follow_up_form = FollowUpForm(request.POST)
            if follow_up_form.is_valid():
                try:
                    inquiry = services.inquiry_follow_up(
                        actor=services.PUBLIC_ACTOR, inquiry=inquiry, text=follow_up_form.cleaned_data["text"]
                    )
                except ServiceError as exc:
                    follow_up_form.add_error(None, exc.message)
                else:
                    messages.success(request, _("已收到您的追问，我们将尽快处理。"))
                    follow_up_form = FollowUpForm()
        if inquiry is not None:
            found = selectors.public_view(inquiry)
    return render(
        request,
        "portal/public_lookup.html",
        {"form": form, "found": found, "follow_up_form": follow_up_form, "code": request.POST.get("code", "")},
    )


# ----------------------------------------------------------------------------- inbox


def _require_inbox(request: HttpRequest) -> None:
    if not selectors.can_use_inbox(request.user):
        raise PermissionDenied


def _run(request: HttpRequest, action: Callable[[], Any], success: str) -> bool:
    try:
        action()
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True


def inbox(request: HttpRequest) -> HttpResponse:
    _require_inbox(request)
    today = timezone.localdate()
    scoped = selectors.inquiries_for_user(request.user)
    params = request.GET.copy()
    if is_enterprise_contact(request.user):
        params.setdefault("status", "all")
    qs = selectors.filter_inquiries(scoped, params, today=today)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "today": today,
        "params": params,
        "counts": selectors.counts(scoped, today=today),
        "statuses": InquiryStatus.choices,
        "kinds": InquiryKind.choices,
        "is_hq": is_hq(request.user),
        "can_edit": is_hq_editor(request.user),
        "is_enterprise": is_enterprise_contact(request.user),
        "ask_form": AskForm() if is_enterprise_contact(request.user) else None,
    }
    return render(request, "portal/inbox.html", context)


@require_POST
def ask(request: HttpRequest) -> HttpResponse:
    if not is_enterprise_contact(request.user):
        raise PermissionDenied
    form = AskForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写类型、标题和内容。"))
        return redirect("portal:inbox")
    created: list[Any] = []
    ok = _run(
        request,
        lambda: created.append(
            services.inquiry_ask(actor=request.user, photos=request.FILES.getlist("photos"), **form.cleaned_data)
        ),
        _("咨询已提交，指挥部将尽快答复。"),
    )
    return redirect("portal:detail", pk=created[0].pk) if ok else redirect("portal:inbox")


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_inbox(request)
    inquiry = selectors.inquiry_for_user(request.user, pk)
    user = request.user
    can_edit = is_hq_editor(user)
    handler = can_edit or (inquiry.unit_id is not None and getattr(user, "unit_id", None) == inquiry.unit_id)
    moves = INQUIRY.get(inquiry.status, set())
    version = {"version": inquiry.version}
    context = {
        "inquiry": inquiry,
        "overdue": selectors.is_overdue(inquiry),
        "history": selectors.history(inquiry),
        "follow_ups": selectors.follow_ups(inquiry),
        "photos": selectors.photos(inquiry),
        "is_enterprise": is_enterprise_contact(user),
        "can_assign": can_edit and InquiryStatus.ASSIGNED in moves and inquiry.status == InquiryStatus.RECEIVED,
        "can_reject": can_edit and InquiryStatus.REJECTED in moves,
        "can_draft": handler and not is_enterprise_contact(user) and inquiry.status == InquiryStatus.ASSIGNED,
        "can_publish": inquiry.status == InquiryStatus.ASSIGNED and services.can_publish(user, inquiry),
        "can_close": can_edit and inquiry.status == InquiryStatus.ANSWERED,
        "can_follow_up": is_enterprise_contact(user) and inquiry.status != InquiryStatus.REJECTED,
        "assign_form": AssignForm(initial=version, programme=inquiry.programme_id) if can_edit else None,
        "draft_form": DraftForm(initial={**version, "text": inquiry.draft_answer}),
        "reject_form": RejectForm(initial=version),
        "version_form": VersionForm(initial=version),
        "follow_up_form": FollowUpForm(),
    }
    return render(request, "portal/detail.html", context)


def _version(request: HttpRequest) -> int:
    form = VersionForm(request.POST)
    return form.cleaned_data["version"] if form.is_valid() else -1


def _submit(
    request: HttpRequest, pk: int, form: Any, invalid: str, call: Callable[[dict[str, Any]], Any], success: str
) -> HttpResponse:
    """One inquiry action from the detail page: an invalid form gets the
    action's own hint, a valid one runs the service through `_run`; either way
    the user lands back on the inquiry."""
    if form.is_valid():
        _run(request, lambda: call(form.cleaned_data), success)
    else:
        messages.error(request, invalid)
    return redirect("portal:detail", pk=pk)


@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = selectors.inquiry_for_user(request.user, pk)
    if not is_hq_editor(request.user):
        raise PermissionDenied
    return _submit(
        request,
        pk,
        AssignForm(request.POST, programme=inquiry.programme_id),
        _("请选择承办单位。"),
        lambda d: services.inquiry_assign(
            actor=request.user,
            inquiry=inquiry,
            unit=d["unit"],
            enterprise=d["enterprise"],
            expected_version=d["version"],
        ),
        _("已交办承办单位。"),
    )


@require_POST
def draft(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = selectors.inquiry_for_user(request.user, pk)
    return _submit(
        request,
        pk,
        DraftForm(request.POST),
        _("请填写答复内容。"),
        lambda d: services.inquiry_draft(
            actor=request.user, inquiry=inquiry, text=d["text"], expected_version=d["version"]
        ),
        _("答复草稿已保存。"),
    )


def _versioned(request: HttpRequest, pk: int, service: Callable[..., Any], success: str) -> HttpResponse:
    """Publishing and closing carry nothing but the version the user saw."""
    inquiry = selectors.inquiry_for_user(request.user, pk)
    _run(
        request,
        lambda: service(actor=request.user, inquiry=inquiry, expected_version=_version(request)),
        success,
    )
    return redirect("portal:detail", pk=pk)


@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _versioned(request, pk, services.inquiry_publish, _("答复已公开，提交人可凭编号查询。"))


@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    return _versioned(request, pk, services.inquiry_close, _("诉求已办结。"))


@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = selectors.inquiry_for_user(request.user, pk)
    return _submit(
        request,
        pk,
        RejectForm(request.POST),
        _("请选择不予受理的原因。"),
        lambda d: services.inquiry_reject(
            actor=request.user, inquiry=inquiry, reason=d["reason"], note=d["note"], expected_version=d["version"]
        ),
        _("已作不予受理处理。"),
    )


@require_POST
def follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = selectors.inquiry_for_user(request.user, pk)
    return _submit(
        request,
        pk,
        FollowUpForm(request.POST),
        _("请填写追问内容。"),
        lambda d: services.inquiry_follow_up(actor=request.user, inquiry=inquiry, text=d["text"]),
        _("追问已提交。"),
    )


def kind_settings(request: HttpRequest) -> HttpResponse:
    """HQ sets each kind's time limit and whether units publish their own answers."""
    if not is_hq(request.user):
        raise PermissionDenied
    if request.method == "POST":
        if not is_hq_editor(request.user):
            raise PermissionDenied
        form = KindSettingForm(request.POST)
        kind = request.POST.get("kind", "")
        if form.is_valid() and kind in InquiryKind.values:
            _run(
                request,
                lambda: services.kind_setting_update(
                    actor=request.user,
                    kind=kind,
                    due_workdays=form.cleaned_data["due_workdays"],
                    unit_may_publish=form.cleaned_data["unit_may_publish"],
                    expected_version=form.cleaned_data["version"],
                ),
                _("办理时限已保存。"),
            )
        else:
            messages.error(request, _("办理时限须在 1 至 60 个工作日之间。"))
        return redirect("portal:settings")
    rows = [
        (
            s,
            KindSettingForm(
                initial={"version": s.version, "due_workdays": s.due_workdays, "unit_may_publish": s.unit_may_publish}
            ),
        )
        for s in selectors.kind_settings()
    ]
    return render(request, "portal/settings.html", {"rows": rows, "can_edit": is_hq_editor(request.user)})
