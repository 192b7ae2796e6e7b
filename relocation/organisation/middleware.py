"""Which programme the request works in.

An installation-wide account (admins, a city leader) chooses its programme in
the header; the choice lives in the session and is put on the user here, so
that `selectors.programme_for(user)` — which every app's selectors call —
follows it without each view reading the session.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from relocation.organisation import selectors
from relocation.organisation.api_scoping import current_request


class ProgrammeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is not None and session is not None and user.is_authenticated:
            chosen = session.get(selectors.CHOSEN_PROGRAMME_SESSION_KEY)
            if chosen and selectors.may_choose_programme(user):
                user.chosen_programme_id = chosen
        request.programme = SimpleLazyObject(lambda: selectors.programme_for(request.user))  # type: ignore[attr-defined]
        # API serializers scope their id fields to the user of the request being served.
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)
