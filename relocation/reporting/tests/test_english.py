"""Every meetings and bulletin page renders in English too."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from relocation.meetings import services as meetings


@pytest.mark.django_db
def test_pages_render_in_english(client, hq_staff, units, programme, bulletin):
    meeting = meetings.meeting_schedule_monthly(actor=hq_staff, programme=programme, period=dt.date(2022, 2, 1))
    client.force_login(hq_staff)
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        pages = [
            reverse("meetings:list"),
            reverse("meetings:detail", args=[meeting.pk]),
            reverse("meetings:attendance", args=[meeting.pk]),
            reverse("meetings:minutes", args=[meeting.pk]),
            reverse("meetings:requests"),
            reverse("reporting:list"),
            reverse("reporting:detail", args=[bulletin.pk]),
        ]
    for url in pages:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200, url
    page = client.get(reverse("meetings:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Coordination meetings" in page
