"""Security headers on every response: a strict Content-Security-Policy and friends.

No page runs inline script: behaviour lives in static files (core/static/core/behaviours.js and one
file per page) and data reaches scripts only through ``json_script`` blocks, which the policy does
not execute. ``test_templates_have_no_inline_script`` keeps it that way. Inline *styles* stay
allowed: templates size charts with ``style=`` and the chart and map libraries set styles; style
injection cannot run code, script injection can.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# Inspectors photograph on site through the file picker: the camera stays allowed for the site itself.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(self), geolocation=(self), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=()"
)


def _origin(url: str) -> str | None:
    """The scheme and host of an absolute URL template (map tiles), or None for a relative one."""
    parts = urlsplit(url.replace("{s}", "a"))
    if parts.scheme in {"http", "https"} and parts.netloc:
        host = parts.netloc
        if "{s}" in urlsplit(url).netloc:
            # Leaflet's {s} sub-domains (a.tiles…, t0.tianditu…): the label that holds {s} becomes "*".
            labels = urlsplit(url).netloc.split(".")
            host = ".".join("*" if "{s}" in label else label for label in labels)
        return f"{parts.scheme}://{host}"
    return None


def content_security_policy() -> str:
    images = ["'self'", "data:", "blob:"]
    for url in (settings.MAP_TILE_URL, getattr(settings, "MAP_TILE_LABEL_URL", "")):
        tile_origin = _origin(url or "")
        if tile_origin and tile_origin not in images:
            images.append(tile_origin)
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": images,
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = content_security_policy()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response
