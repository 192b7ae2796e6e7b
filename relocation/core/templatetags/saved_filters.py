"""{% saved_filters "list.key" %}: the person's saved filters of a list, with the
form that saves the current one (one query)."""

from __future__ import annotations

from typing import Any

from django import template

from relocation.core import saved_filters as store

register = template.Library()


@register.inclusion_tag("core/_saved_filters.html", takes_context=True)
def saved_filters(context: Any, list_key: str) -> dict[str, Any]:
    request = context["request"]
    query = store.clean_query(request.GET.urlencode())
    rows = list(store.filters_of(request.user, list_key))
    return {
        "list_key": list_key,
        "filters": rows,
        "current_query": query,
        "current_path": request.path,
        "active": next((f.pk for f in rows if f.query == query), None),
        "csrf_token": context.get("csrf_token"),
    }
