"""Setting up a programme from the browser: load or update its file (system
admin), make its first HQ accounts, and see what it still lacks (the
checklist; also HQ, for its own programme)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from relocation.core.errors import ServiceError
from relocation.core.roles import Role
from relocation.organisation import programme_check, selectors, services, setup_checklist
from relocation.organisation.models import AccountApproval, Programme, User
from relocation.organisation.setup_forms import HqAccountForm, ProgrammeFileForm


def programme_setup(request: HttpRequest) -> HttpResponse:
    """The programmes of the installation, and the file form: 'check' lists every
    problem of the file without writing; 'load' loads or updates the programme
    through the same service as `manage.py load_programme` (audited)."""
    if not selectors.may_set_up_programmes(request.user):
        raise PermissionDenied
    form = ProgrammeFileForm(request.POST or None, request.FILES or None)
    problems: list[programme_check.Problem] = []
    checked = None
    status = 200
    if request.method == "POST" and form.is_valid():
        raw = form.raw()  # read once: an upload is a stream
        config, problems = programme_check.parse(raw)
        if not problems:
            problems = services.programme_check_file(config)
        if problems:
            status = 400
        elif request.POST.get("action") == "load":
            try:
                programme = services.programme_load(actor=request.user, config=config)
            except ServiceError as exc:
                problems, status = [programme_check.Problem("", exc.message)], exc.status
            else:
                messages.success(request, _("已载入项目配置：%(name)s") % {"name": programme.name})
                return redirect("organisation:setup_programme", pk=programme.pk)
        else:
            existing = Programme.objects.filter(code=config["code"]).first()
            checked = {"config": config, "existing": existing, "units": len(config.get("units", []))}
            # Keep the checked content in the form, so that 'load' sends the same file.
            form = ProgrammeFileForm(initial={"text": _as_text(raw)})
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "organisation/setup.html",
        {
            "form": form,
            "problems": problems,
            "checked": checked,
            "programmes": Programme.objects.order_by("-is_active", "name"),
        },
        status=status,
    )


def _as_text(raw: bytes | str) -> str:
    return raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw


def programme_setup_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The checklist of one programme and, for the system admin, its HQ accounts
    and the form for the first ones (they wait for the security admin's approval)."""
    if not selectors.may_see_checklist(request.user):
        raise PermissionDenied
    programme = selectors.programme_for_setup(request.user, pk)
    may_set_up = selectors.may_set_up_programmes(request.user)
    form = HqAccountForm(request.POST or None, programme=programme) if may_set_up else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = services.user_create(actor=request.user, **data)
            except ServiceError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, _("账户 %(u)s 已创建，安全管理员批准后生效。") % {"u": user.username})
                return redirect(setup_checklist.setup_url(programme, "accounts"))
        else:
            status = 400
    hq_accounts = (
        User.objects.filter(unit__programme=programme, role__in=[Role.HQ_COMMANDER, Role.HQ_STAFF])
        .select_related("unit")
        .order_by("username")
        if may_set_up
        else User.objects.none()
    )
    pending = set(
        AccountApproval.objects.filter(user__in=hq_accounts, status=AccountApproval.Status.PENDING).values_list(
            "user_id", flat=True
        )
    )
    return render(
        request,
        "organisation/setup_programme.html",
        {
            "programme": programme,
            "gaps": setup_checklist.checklist(programme),
            "form": form,
            "may_set_up": may_set_up,
            "hq_accounts": hq_accounts,
            "pending": pending,
        },
        status=status,
    )
