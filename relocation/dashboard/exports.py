"""PNG and one-page PDF of the current view for a leadership briefing.

The wall view is rendered by the same headless Chromium the browser tests
use, logged in as the requesting user (a copy of their session cookie), so
the export shows exactly what that user may see, with the same filters."""

from __future__ import annotations

import os
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from relocation.dashboard import selectors

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _render(request: HttpRequest, kind: str) -> bytes:
    from playwright.sync_api import sync_playwright

    query = urlencode({k: v for k, v in request.GET.items()})
    url = request.build_absolute_uri(reverse("dashboard:wall")) + (f"?{query}" if query else "")
    cookie = {
        "name": settings.SESSION_COOKIE_NAME,
        "value": request.COOKIES.get(settings.SESSION_COOKIE_NAME, ""),
        "url": request.build_absolute_uri("/"),
    }
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        try:
            context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
            context.add_cookies([cookie])
            page = context.new_page()
            page.goto(url + ("&" if query else "?") + "export=1", wait_until="networkidle", timeout=30000)
            page.wait_for_function("() => window.dashboardReady === true", timeout=15000)
            if kind == "png":
                return page.screenshot(full_page=False, type="png")
            return page.pdf(width="1920px", height="1080px", print_background=True, page_ranges="1")
        finally:
            browser.close()


def _export(request: HttpRequest, kind: str, content_type: str) -> HttpResponse:
    if not selectors.can_view(request.user):
        raise PermissionDenied
    data = _render(request, kind)
    response = HttpResponse(data, content_type=content_type)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="battle-map-{stamp}.{kind}"'
    return response


def export_png(request: HttpRequest) -> HttpResponse:
    return _export(request, "png", "image/png")


def export_pdf(request: HttpRequest) -> HttpResponse:
    return _export(request, "pdf", "application/pdf")
