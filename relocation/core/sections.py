"""Sections that apps add to a page they do not own (e.g. an enterprise's page
shows its procedures, monitoring data and enforcement file).

The page's app cannot import the higher apps that hold that data, so those
apps register a section from their AppConfig.ready(): a template and a
function that returns its context (or None to show nothing to this user).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class Section:
    key: str
    template: str
    context: Callable[[HttpRequest, Any], dict[str, Any] | None]
    order: int = 100


_registry: dict[str, dict[str, Section]] = {}


def register(page: str, section: Section) -> None:
    _registry.setdefault(page, {})[section.key] = section


def render_list(page: str, request: HttpRequest, obj: Any) -> list[tuple[str, dict[str, Any]]]:
    """(template, context) for each section this user may see on `page`."""
    result = []
    for section in sorted(_registry.get(page, {}).values(), key=lambda s: (s.order, s.key)):
        context = section.context(request, obj)
        if context is not None:
            result.append((section.template, context))
    return result
