"""In a real Chromium: HQ reports a major incident, the commander is alerted,
the lead unit handles it on a phone; an overdue opinion event stands out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relocation.conftest import browser_login
from relocation.core.models import Notification
from relocation.stability import services
from relocation.stability.models import Incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_major_incident_is_reported_alerted_and_resolved(
    page, phone_page, programme, stability_units, hq_staff, hq_commander, liaison, enterprise
):
    browser_login(page, "hq_staff")
    page.goto(page.base_url + "/stability/incidents/new/")
    page.select_option("#incident-form select[name=kind]", "petition")
    page.fill("#incident-form input[name=title]", "业主聚集阻挠断电")
    when = timezone.localtime(timezone.now() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    page.fill("#incident-form input[name=occurred_at]", when)
    page.fill("#incident-form input[name=place]", "B区3路")
    page.select_option("#incident-form select[name=enterprise]", str(enterprise.pk))
    page.fill("#incident-form input[name=people_count]", "80")
    page.select_option("#incident-form select[name=severity]", "major")
    page.fill("#incident-form textarea[name=description]", "约80人聚集在配电房前。")
    page.select_option("#incident-form select[name=lead_unit]", str(stability_units["humen"].pk))
    page.click("#incident-form button")
    page.wait_for_selector("[data-status=reported]")
    incident = Incident.objects.get()
    assert Notification.objects.filter(recipient=hq_commander, verb="stability.serious_incident").exists()

    browser_login(phone_page, "humen_liaison")
    phone_page.goto(phone_page.base_url + "/stability/incidents/")
    phone_page.click(f"[data-incident='{incident.pk}'] a")
    phone_page.click("#respond-form button")
    phone_page.wait_for_selector("h1 [data-status=responding]")
    phone_page.fill("#resolve-text", "业主与镇政府达成补偿协议，人员已散去。")
    phone_page.click("#resolve-form button")
    phone_page.wait_for_selector("h1 [data-status=resolved]")
    assert "达成补偿协议" in phone_page.inner_text("#incident-outcome")
    assert [h.to_status for h in Incident.objects.get().status_changes.all()] == ["reported", "responding", "resolved"]


def test_an_overdue_opinion_event_is_flagged(page, programme, stability_units, hq_staff):
    event = services.opinion_record(
        actor=hq_staff,
        programme=programme,
        source="online",
        title="网帖称工人无人安置",
        first_seen_at=timezone.now() - dt.timedelta(hours=3),
        level="major",
        url="https://bbs.example.invalid/t/9",
    )
    browser_login(page, "hq_staff")
    page.goto(page.base_url + "/stability/opinion/")
    assert page.locator(f"[data-opinion='{event.pk}'] [data-overdue]").count() == 1
    assert page.locator("#overdue-alert").is_visible()
