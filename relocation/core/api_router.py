"""The router every app's REST API registers its viewsets on.

DRF's default lookup pattern takes any path segment, so `/api/…/abc/` or a twenty-digit id reached
the query and ended as a 500 (a ValueError, or an integer overflow on PostgreSQL) — the fuzzing
found these. Numeric lookups here only match up to eighteen digits (below 2**63): anything else is
a plain 404 at routing, before a view runs. A viewset with its own `lookup_value_regex` keeps it."""

from __future__ import annotations

from typing import Any

from rest_framework.routers import DefaultRouter

NUMERIC_LOOKUPS = {"pk", "id", "seq"}
NUMERIC_PATTERN = "[0-9]{1,18}"


class ApiRouter(DefaultRouter):
    def get_lookup_regex(self, viewset: Any, lookup_prefix: str = "") -> str:
        lookup_field = getattr(viewset, "lookup_field", "pk")
        if getattr(viewset, "lookup_value_regex", None) is None and lookup_field in NUMERIC_LOOKUPS:
            lookup_url_kwarg = getattr(viewset, "lookup_url_kwarg", None) or lookup_field
            return f"(?P<{lookup_prefix}{lookup_url_kwarg}>{NUMERIC_PATTERN})"
        return super().get_lookup_regex(viewset, lookup_prefix)
