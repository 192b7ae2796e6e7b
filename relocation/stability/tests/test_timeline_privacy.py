"""The enterprise page's timeline shows HQ the stability work about an
enterprise, and its own contact none of it."""

from __future__ import annotations

from django.urls import reverse

from relocation.core.selectors import timeline_for_enterprise


def test_an_enterprise_contact_does_not_see_stability_or_task_events(
    client, risk, enterprise, enterprise_contact, hq_staff
):
    staff_actions = set(timeline_for_enterprise(enterprise.pk, viewer=hq_staff).values_list("action", flat=True))
    assert any(a.startswith("stability.") for a in staff_actions)
    contact_actions = set(
        timeline_for_enterprise(enterprise.pk, viewer=enterprise_contact).values_list("action", flat=True)
    )
    assert not any(a.startswith(("stability.", "task.", "supervision.", "portal.")) for a in contact_actions)

    client.force_login(hq_staff)
    assert "稳定风险研判" in client.get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()
    client.force_login(enterprise_contact)
    page = client.get(reverse("enterprises:detail", args=[enterprise.pk]))
    assert page.status_code == 200
    assert "稳定风险研判" not in page.content.decode()
