"""The second language: switching to English shows English pages."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

APPS_WITH_CATALOGUES = ["core", "organisation", "enterprises"]


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues():
    """`make` compiles the catalogues; a bare pytest run may not have. Compile
    the stale ones (atomically, workers may race) and drop Django's cache."""
    for app in APPS_WITH_CATALOGUES:
        po = Path(settings.BASE_DIR) / "relocation" / app / "locale" / "en" / "LC_MESSAGES" / "django.po"
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        fd, tmp = tempfile.mkstemp(dir=po.parent, suffix=".mo.tmp")
        os.close(fd)
        subprocess.run(["msgfmt", "--check-format", "-o", tmp, str(po)], check=True)
        os.replace(tmp, mo)
    from django.utils.translation import trans_real

    trans_real._translations = {}
    trans_real._default = None
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.mark.parametrize("app", APPS_WITH_CATALOGUES)
def test_every_message_is_translated(app):
    po = Path(settings.BASE_DIR) / "relocation" / app / "locale" / "en" / "LC_MESSAGES" / "django.po"
    text = po.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    untranslated = subprocess.run(
        ["msgattrib", "--untranslated", "--no-wrap", str(po)], capture_output=True, text=True, check=True
    ).stdout
    # Only the header (msgid "") may have an empty translation.
    assert untranslated.count("msgid ") <= 1, untranslated[:500]


ALL_CATALOGUES = sorted((Path(settings.BASE_DIR) / "relocation").glob("*/locale/en/LC_MESSAGES/django.po"))


@pytest.mark.parametrize("po", ALL_CATALOGUES, ids=lambda p: p.parts[-5])
def test_no_catalogue_keeps_messages_of_removed_code(po):
    """Obsolete (#~) entries and entries whose source file is gone (e.g. the
    old ledger API-token page) only mislead translators: makemessages, then
    drop them."""
    text = po.read_text(encoding="utf-8")
    assert "\n#~ " not in text
    app_dir = po.parents[3]
    locations = {
        ref.rsplit(":", 1)[0] for line in text.splitlines() if line.startswith("#: ") for ref in line[3:].split()
    }
    missing = sorted(loc for loc in locations if not (app_dir / loc).exists())
    assert not missing, missing


@pytest.mark.django_db
def test_the_login_page_switches_to_english(client):
    assert "用户名" in client.get(reverse("login")).content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    assert response.status_code == 302
    body = client.get(reverse("login")).content.decode()
    assert 'lang="en"' in body
    assert "User name" in body and "Password" in body and "Log in" in body
    wrong = client.post(reverse("login"), {"username": "nobody", "password": "x"}).content.decode()
    assert "Wrong user name or password." in wrong


@pytest.mark.django_db
def test_the_ledger_page_switches_to_english(client, hq_staff, enterprise):
    client.force_login(hq_staff)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("enterprises:list")).content.decode()
    assert "Enterprise ledger" in body
    assert "企业台账" not in body
    assert enterprise.name in body  # data stays as entered


@pytest.mark.django_db
def test_the_organisation_page_switches_to_english(client, hq_staff, units):
    client.force_login(hq_staff)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("organisation:overview")).content.decode()
    assert "Member units" in body and "Coordination group and on-site HQ" in body
    assert "成员单位" not in body
