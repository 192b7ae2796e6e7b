"""Every response carries the security headers; no template carries inline script."""

import re
from pathlib import Path

import pytest

from relocation.core import security_headers

pytestmark = pytest.mark.django_db

TEMPLATE_ROOT = Path(__file__).resolve().parents[2]
# A <script> element with content or without a src (json_script's application/json blocks are data).
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.I)


def _templates():
    return sorted(p for p in TEMPLATE_ROOT.rglob("templates/**/*.html"))


def test_templates_have_no_inline_script():
    offenders = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER, JS_URL):
            for match in pattern.finditer(text):
                offenders.append(f"{path.relative_to(TEMPLATE_ROOT)}: {match.group(0)!r}")
    assert len(_templates()) > 100
    assert offenders == []


def test_it_sends_the_headers_on_a_public_page(client):
    response = client.get("/login/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "microphone=()" in response.headers["Permissions-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_it_sends_the_headers_on_api_errors_and_404s(client, hq_staff):
    client.force_login(hq_staff)
    for url in ("/api/core/audit-events/", "/no-such-page/", "/api/docs/"):
        response = client.get(url)
        assert "Content-Security-Policy" in response.headers, url


def test_the_api_docs_load_their_script_from_a_file(client, hq_staff):
    client.force_login(hq_staff)
    page = client.get("/api/docs/").content.decode()
    assert not INLINE_SCRIPT.search(page.replace('<script src="/api/docs/?script=', "<script src=")), page[:500]


def test_map_tiles_from_another_host_are_allowed_as_images(settings):
    settings.MAP_TILE_URL = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    assert "img-src 'self' data: blob: https://*.tiles.example.org" in security_headers.content_security_policy()


def test_a_tianditu_style_host_and_its_annotation_layer_are_allowed(settings):
    settings.MAP_TILE_URL = "http://t{s}.gis.example.gov.cn/vec_w/wmts?TILECOL={x}&TILEROW={y}&TILEMATRIX={z}"
    settings.MAP_TILE_LABEL_URL = "http://t{s}.gis.example.gov.cn/cva_w/wmts?TILECOL={x}&TILEROW={y}&TILEMATRIX={z}"
    policy = security_headers.content_security_policy()
    assert "img-src 'self' data: blob: http://*.gis.example.gov.cn;" in policy
