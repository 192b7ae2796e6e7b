"""Request-wide guards: who is acting, log-in required by default, and a
second factor for the administrator roles."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import resolve
from django.urls.exceptions import Resolver404

from relocation.core.context import current_ip
from relocation.core.roles import needs_second_factor

# URL names reachable without logging in. Everything else refuses anonymous
# users; tests/test_urls.py walks the resolver to prove it.
PUBLIC_URL_NAMES = frozenset(
    {
        "login",
        "healthz",
        "set_language",
        "javascript-catalog",
    }
)
# Whole namespaces that are public by design (the public portal, when built).
PUBLIC_NAMESPACES = frozenset({"public"})
# Paths that must stay reachable for an admin who has not yet passed the second factor.
SECOND_FACTOR_EXEMPT = frozenset({"login", "logout", "otp_setup", "otp_verify", "healthz", "set_language"})


def client_ip(request: HttpRequest) -> str | None:
    """The client's address for rate limits, the lock-out and the audit log.

    With ``TRUSTED_PROXY_COUNT = n`` our own n proxies each append the address they were reached
    from to X-Forwarded-For, so the client is the n-th entry from the right; whatever lies left of
    it was written by the client and is never believed. With 0 (the default) or a header shorter
    than n (the request did not come through our proxies), REMOTE_ADDR."""
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= count:
            return hops[-count][:45]
    return request.META.get("REMOTE_ADDR")


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


def is_public(request: HttpRequest) -> bool:
    if request.path.startswith(settings.STATIC_URL):
        return True
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return True  # let the 404 happen
    if match.url_name in PUBLIC_URL_NAMES:
        return True
    return bool(set(match.namespaces) & PUBLIC_NAMESPACES)


class LoginRequiredMiddleware:
    """Deny by default: a new view is private unless allow-listed above."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated or is_public(request):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            # Token-authenticated API clients are resolved by DRF itself.
            if request.META.get("HTTP_AUTHORIZATION", "").startswith("Token "):
                return self.get_response(request)
            return JsonResponse({"detail": "需要登录 / Authentication required"}, status=401)
        return redirect_to_login(request.get_full_path())


class AdminSecondFactorMiddleware:
    """Administrators (system, security, audit) must pass TOTP before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and needs_second_factor(user) and not user.is_verified():
            try:
                name = resolve(request.path_info).url_name
            except Resolver404:
                name = None
            if name not in SECOND_FACTOR_EXEMPT and not request.path.startswith(settings.STATIC_URL):
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": "需要二次验证 / Second factor required"}, status=403)
                return redirect("otp_verify")
        return self.get_response(request)
