"""The main menu, assembled from what each app registers in its AppConfig.ready().

Apps register their own entries so that adding a domain never edits a shared
template; each entry says who may see it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: Any  # a lazy translation
    url_name: str
    icon: str = "circle"
    order: int = 100
    visible: Callable[[Any], bool] = field(default=lambda user: True)


_registry: dict[str, NavEntry] = {}


def register(entry: NavEntry) -> None:
    _registry[entry.key] = entry


def entries_for(user: Any) -> list[dict[str, Any]]:
    result = []
    for entry in sorted(_registry.values(), key=lambda e: (e.order, e.key)):
        if not entry.visible(user):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        result.append({"key": entry.key, "label": entry.label, "url": url, "icon": entry.icon})
    return result
