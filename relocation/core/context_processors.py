from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from relocation.core import navigation as nav


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {
            "nav_entries": [],
            "nav_menu": [],
            "account_menu": [],
            "unread_notifications": 0,
            "map_tile_url": settings.MAP_TILE_URL,
        }
    from relocation.core.selectors import unread_count

    return {
        "nav_entries": nav.entries_for(user),
        "nav_menu": nav.menu_for(user),
        "account_menu": nav.account_entries_for(user),
        "unread_notifications": unread_count(user),
        "map_tile_url": settings.MAP_TILE_URL,
    }
