"""Every stability page renders in English, and every message has its English."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

PO = Path(settings.BASE_DIR) / "relocation" / "stability" / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_every_message_is_translated():
    text = PO.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    untranslated = subprocess.run(
        ["msgattrib", "--untranslated", "--no-wrap", str(PO)], capture_output=True, text=True, check=True
    ).stdout
    assert untranslated.count("msgid ") <= 1, untranslated[:500]


@pytest.mark.django_db
def test_the_pages_render_in_english(client, hq_staff, risk, incident, opinion, plan):
    client.force_login(hq_staff)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    pages = {
        reverse("stability:risks"): "Stability risk register",
        reverse("stability:incidents"): "Report an incident",
        reverse("stability:opinions"): "Record an opinion event",
        reverse("stability:plans"): "Stability emergency plans",
        reverse("stability:incident", args=[incident.pk]): "Follow-up action",
        reverse("stability:opinion", args=[opinion.pk]): "Respond by",
        reverse("stability:plan", args=[plan.pk]): "No approved version yet",
        reverse("stability:risk", args=[risk.pk]): "Risk level history",
    }
    for url, text in pages.items():
        body = client.get(url).content.decode()
        assert text in body, url
    assert "维稳事件" not in client.get(reverse("stability:incidents")).content.decode()
