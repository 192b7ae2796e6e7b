from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from relocation.organisation import selectors


def programme(request: HttpRequest) -> dict[str, Any]:
    """The request's programme, and for installation-wide accounts the
    programmes to switch between (the header's switcher)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    choices = list(selectors.programmes_to_choose(user))
    return {
        "current_programme": selectors.programme_for(user),
        "programme_choices": choices if len(choices) > 1 else [],
    }
