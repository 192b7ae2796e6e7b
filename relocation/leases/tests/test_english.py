"""The leases app in English: every message translated, the pages render,
and a service's refusal speaks the user's language."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from relocation.core.errors import ServiceError
from relocation.leases.tests.conftest import refund

PO = Path(settings.BASE_DIR) / "relocation" / "leases" / "locale" / "en" / "LC_MESSAGES" / "django.po"


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
def test_the_pages_render_in_english(english, hq_staff, noticed):
    english.force_login(hq_staff)
    english.cookies["django_language"] = "en"
    body = english.get(reverse("leases:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Community leases" in body and "Termination notice issued" in body and "租约编号" not in body
    detail = english.get(reverse("leases:detail", args=[noticed.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Record deposit refund" in detail and "Check clearance" not in detail


@pytest.mark.django_db
def test_a_refusal_is_in_english(english, hq_staff, noticed):
    with translation.override("en"), pytest.raises(ServiceError) as exc:
        refund(hq_staff, noticed, "99999999")
    assert "exceeds the deposit" in exc.value.message
