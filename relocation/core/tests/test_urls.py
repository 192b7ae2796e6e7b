"""Every URL refuses anonymous users unless it is on the explicit allow-list."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from relocation.core.middleware import PUBLIC_NAMESPACES, PUBLIC_URL_NAMES


def _walk(resolver, prefix="", namespaces=()):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from _walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.name, namespaces


def _concrete(pattern: str) -> str:
    """A real path for a route or a router regex, with 1 for every id."""
    path = re.sub(r"\(\?P<format>[^)]*\)", "json", pattern)
    path = re.sub(r"\(\?P<[^>]+>[^)]*\)", "1", path)
    path = re.sub(r"<drf_format_suffix:[^>]+>", ".json", path)
    path = re.sub(r"<int:[^>]+>", "1", path)
    path = re.sub(r"<[^>]+>", "x", path)
    path = path.replace("/?$", "/").replace("^", "").replace("$", "").replace("\\.", ".")
    return "/" + path


ALL = list(_walk(get_resolver()))


def test_it_finds_the_urls():
    assert len(ALL) > 20


@pytest.mark.django_db
@pytest.mark.parametrize("pattern,name,namespaces", ALL, ids=[p for p, _n, _s in ALL])
def test_it_refuses_anonymous_users(client, pattern, name, namespaces):
    public = name in PUBLIC_URL_NAMES or set(namespaces) & PUBLIC_NAMESPACES
    if public:
        return
    response = client.get(_concrete(pattern))
    # 302 to the login page (pages) or 401/403 (API); a 404 means the concrete
    # path did not resolve, which we check did not happen for a private view.
    assert response.status_code in {302, 401, 403}, (pattern, response.status_code)
    if response.status_code == 302:
        assert response["Location"].startswith("/login/")
