from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import markdown
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from relocation.core import audit, login_challenge, notifications, second_factor, selectors, spreadsheets
from relocation.core.errors import ServiceError
from relocation.core.forms import AuditFilterForm, LoginForm, TokenForm
from relocation.core.roles import can_see_undelivered, is_auditor

GUIDE_DIR = Path(settings.BASE_DIR) / "docs" / "guide"


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = context.get("form")
        if form is not None and form.is_bound and form.challenge_required:
            context["challenge_question"] = login_challenge.new_question(self.request)
        return context


def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 only when the database and the queue answer."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        from huey.contrib.djhuey import HUEY

        HUEY.pending_count()
        checks["queue"] = "ok"
    except Exception as exc:  # noqa: BLE001
        checks["queue"] = f"error: {exc.__class__.__name__}"
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503)


# Items of "my work" on the home page; each provider's full list is one click away.
HOME_WORK_ITEMS = 20


def home(request: HttpRequest) -> HttpResponse:
    """My work first (what this person must do now, soonest deadline first, each
    with its one action), then the latest messages, then the tiles."""
    from relocation.core import my_work

    today = timezone.localdate()
    work = [
        {"item": item, "overdue": item.is_overdue(today), "today": item.is_due_today(today)}
        for item in my_work.collect(request.user, today=today, limit=HOME_WORK_ITEMS)
    ]
    inbox = selectors.inbox_for_user(request.user)[:8]
    return render(request, "core/home.html", {"inbox": inbox, "work": work, "today": today})


def inbox(request: HttpRequest) -> HttpResponse:
    """Notifications grouped by category (with unread counts), unread only on request."""
    category = request.GET.get("category", "")
    unread = request.GET.get("unread") == "1"
    qs = selectors.inbox_for_user(request.user, category=category, unread=unread)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    groups = selectors.inbox_groups(request.user)
    return render(
        request,
        "core/inbox.html",
        {"page": page, "groups": groups, "category": category, "unread": unread},
    )


@require_POST
def inbox_mark_read(request: HttpRequest) -> HttpResponse:
    """Mark the chosen notifications, or all of one category, or all, as read."""
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()] or None
    category = request.POST.get("category", "")
    if ids is None and category:
        ids = list(selectors.inbox_for_user(request.user, category=category, unread=True).values_list("pk", flat=True))
    notifications.mark_read(user=request.user, notification_ids=ids)
    url = reverse("inbox")
    return redirect(f"{url}?{urlencode({'category': category})}" if category else url)


def _guide_lang() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh-hans"


def guide(request: HttpRequest, chapter: str = "index") -> HttpResponse:
    """The user guide, rendered from docs/guide/<language>/*.md."""
    lang_dir = GUIDE_DIR / _guide_lang()
    if not chapter.replace("-", "").replace("_", "").isalnum():
        raise Http404
    path = lang_dir / f"{chapter}.md"
    if not path.is_file():
        raise Http404
    html = markdown.markdown(path.read_text(encoding="utf-8"), extensions=["tables", "toc", "fenced_code"])
    chapters = sorted(p.stem for p in lang_dir.glob("*.md"))
    titles = {}
    for stem in chapters:
        first = (lang_dir / f"{stem}.md").read_text(encoding="utf-8").splitlines()[:1]
        titles[stem] = first[0].lstrip("# ").strip() if first else stem
    return render(
        request, "core/guide.html", {"html": html, "chapters": [(c, titles[c]) for c in chapters], "chapter": chapter}
    )


def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol a TOTP authenticator: show the key as a QR code, confirm with a code."""
    import qrcode
    import qrcode.image.svg

    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is not None:
        return redirect("otp_verify")
    device, _created = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "default"}
    )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if second_factor.verify(device, form.cleaned_data["token"]):
            from relocation.core.services import second_factor_enrolled

            second_factor_enrolled(actor=request.user, device=device)
            otp_login(request, device)
            messages.success(request, _("二次验证已启用。"))
            return redirect("home")
        form.add_error("token", _("验证码不正确，请重试。"))
    img = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buf = io.BytesIO()
    img.save(buf)
    qr = base64.b64encode(buf.getvalue()).decode()
    secret = base64.b32encode(device.bin_key).decode()
    return render(request, "core/otp_setup.html", {"form": form, "qr": qr, "secret": secret})


def otp_verify(request: HttpRequest) -> HttpResponse:
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect("otp_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if second_factor.verify(device, form.cleaned_data["token"]):
            otp_login(request, device)
            return redirect(request.GET.get("next") or "home")
        form.add_error("token", _("验证码不正确，请重试。"))
    return render(request, "core/otp_verify.html", {"form": form})


# --- The auditors' pages ----------------------------------------------------------
# Only the auditor reads the audit log: the system and security admins manage
# accounts and are themselves audited, so they must not read or touch it (三员分立).
# Nothing here writes; the log itself is append-only.

AUDIT_EXPORT_MAX_ROWS = 100_000


def _require_auditor(request: HttpRequest) -> None:
    if not is_auditor(request.user):
        raise PermissionDenied


def audit_log(request: HttpRequest) -> HttpResponse:
    """The audit trail, newest first, filtered by actor, action, object type,
    date range and enterprise."""
    _require_auditor(request)
    form = AuditFilterForm(request.GET or None)
    events = selectors.audit_events(**form.filters()) if form.is_bound else selectors.audit_events()
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"form": form, "page": page})


def audit_export(request: HttpRequest) -> HttpResponse:
    """What the page shows, as an Excel file (formula-safe)."""
    _require_auditor(request)
    form = AuditFilterForm(request.GET or None)
    events = selectors.audit_events(**form.filters()) if form.is_bound else selectors.audit_events()
    from relocation.core.exports import AUDIT_COLUMNS

    return spreadsheets.export_table(_("审计记录"), AUDIT_COLUMNS, events, limit=AUDIT_EXPORT_MAX_ROWS)


def audit_verify(request: HttpRequest) -> HttpResponse:
    """Walk the whole chain and show whether it is intact (or its first break)."""
    _require_auditor(request)
    problems = list(audit.verify_chain())
    from relocation.core.models import AuditChainHead

    head = AuditChainHead.objects.filter(id=1).first()
    return render(
        request,
        "core/audit_verify.html",
        {"problem": problems[0] if problems else None, "count": head.seq if head else 0, "checked_at": timezone.now()},
    )


def file_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Serve a stored file after checking the user may read it and that its
    content still matches the hash recorded at upload."""
    from django.core.exceptions import PermissionDenied

    from relocation.core import uploads
    from relocation.core.models import StoredFile

    stored = StoredFile.objects.filter(pk=pk).first()
    if stored is None or not uploads.can_download(request.user, stored):
        raise Http404
    try:
        data = uploads.open_verified(stored)
    except uploads.TamperedFileError as exc:
        raise PermissionDenied(exc.message) from exc
    response = HttpResponse(data, content_type=stored.content_type)
    disposition = "inline" if stored.content_type.startswith(("image/", "application/pdf")) else "attachment"
    from django.utils.http import content_disposition_header

    response["Content-Disposition"] = content_disposition_header(disposition == "attachment", stored.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Notification settings and undelivered notifications -----------------------


def notification_preferences(request: HttpRequest) -> HttpResponse:
    """The user's own choice, per category, of in-app only or also by e-mail."""
    from relocation.core import digest
    from relocation.core.notification_kinds import categories, mandatory
    from relocation.core.services import notification_preferences_set

    if request.method == "POST":
        chosen = {key: f"email_{key}" in request.POST for key, _label in categories()}
        with transaction.atomic():
            notification_preferences_set(actor=request.user, email=chosen)
            digest.digest_set(actor=request.user, wanted="daily_digest" in request.POST)
        messages.success(request, _("通知设置已保存。"))
        return redirect("notification_preferences")
    current = selectors.notification_preferences_of(request.user)
    rows = [{"key": key, "label": label, "email": current[key]} for key, label in categories()]
    return render(
        request,
        "core/notification_preferences.html",
        {
            "rows": rows,
            "mandatory": sorted(mandatory().items()),
            "has_email": bool(request.user.email),
            "webhook_on": bool(settings.NOTIFY_WEBHOOK_URL),
            "daily_digest": digest.wants_digest(request.user),
        },
    )


def undelivered_notifications(request: HttpRequest) -> HttpResponse:
    """E-mails and robot messages that still failed after every retry. POST
    sends again one (the row's button, `one`) or the ticked rows (`delivery`)."""
    if not can_see_undelivered(request.user):
        raise PermissionDenied
    if request.method == "POST":
        from relocation.core.services import notifications_resend

        chosen = [request.POST["one"]] if request.POST.get("one") else request.POST.getlist("delivery")
        try:
            n = notifications_resend(actor=request.user, delivery_ids=[v for v in chosen if v.isdigit()])
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已重新发送 %(n)s 条通知，发送结果稍后可在本页查看。") % {"n": n})
        return redirect(request.get_full_path())
    page = Paginator(selectors.undelivered_notifications(), 50).get_page(request.GET.get("page"))
    return render(request, "core/undelivered_notifications.html", {"page": page})
