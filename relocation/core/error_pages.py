"""The pages a user sees when something goes wrong: 400, 403 (and a CSRF
failure), 404 and 500, in the user's language and with the site navigation, so
that an error is never a dead end.

The 500 page renders without the request's context processors: the error may
be the database itself, and the navigation (menus, unread count) reads it. It
offers the links that need no query — home, the guide, the previous page."""

from __future__ import annotations

import logging

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)


def _render(request: HttpRequest, template: str, response_class: type[HttpResponse], **context: object) -> HttpResponse:
    try:
        body = loader.render_to_string(template, context, request=request)
    except Exception:  # noqa: BLE001 - the navigation may fail (database down): fall back to the bare page
        logger.exception("error page %s rendered without navigation", template)
        body = loader.render_to_string("errors/500.html", context)
    return response_class(body)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, "errors/400.html", HttpResponseBadRequest)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, "errors/403.html", HttpResponseForbidden)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: most often a form left open past the session's end."""
    return _render(request, "errors/403_csrf.html", HttpResponseForbidden)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, "errors/404.html", HttpResponseNotFound, path=request.path)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    # No request in the context: no context processor, no query.
    return HttpResponseServerError(loader.render_to_string("errors/500.html"))
