"""The portal in English: every message translated, the pages render."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

PO = Path(settings.BASE_DIR) / "relocation" / "portal" / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_every_message_is_translated():
    assert "#, fuzzy" not in PO.read_text(encoding="utf-8")
    untranslated = subprocess.run(
        ["msgattrib", "--untranslated", "--no-wrap", str(PO)], capture_output=True, text=True, check=True
    ).stdout
    assert untranslated.count("msgid ") <= 1, untranslated[:500]


@pytest.fixture
def english(client):
    subprocess.run(["msgfmt", "--check-format", "-o", str(PO.with_suffix(".mo")), str(PO)], check=True)
    from django.utils.translation import trans_real

    trans_real._translations = {}
    trans_real._default = None
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.django_db
def test_the_pages_render_in_english(english, submit, hq_staff):
    inquiry, _ = submit()
    body = english.get(reverse("portal:public:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Report pollution" in body and "举报污染、咨询政策" not in body
    english.force_login(hq_staff)
    english.cookies["django_language"] = "en"
    for url in (reverse("portal:inbox"), reverse("portal:detail", args=[inquiry.pk]), reverse("portal:settings")):
        response = english.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200, url
    assert "Reports &amp; inquiries" in english.get(reverse("portal:inbox")).content.decode()
