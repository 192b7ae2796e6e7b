"""The production-status history (enterprises.production) has its own section
on the enterprise page and its own API list, scoped like the ledger."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from relocation.enterprises import production
from relocation.enterprises.models import Category

pytestmark = pytest.mark.django_db


def _decisions(enterprise, actor, n):
    """n holds and their releases, each "decided" by a distinct object (any
    model will do: the history only keeps its type and key)."""
    for decision in list(Category.objects.order_by("pk"))[:n]:
        production.production_hold(
            actor=actor,
            enterprise=enterprise,
            target="stopped",
            reason=f"停产决定 {decision.code}",
            decision_object=decision,
        )
        production.production_release(
            actor=actor, enterprise=enterprise, reason=f"解除 {decision.code}", decision_object=decision
        )


def _api_url(enterprise):
    return f"/api/enterprises/enterprises/{enterprise.pk}/production-status-changes/"


def test_the_enterprise_page_lists_the_history_newest_first(client, hq_staff, enterprise):
    _decisions(enterprise, hq_staff, 1)
    client.force_login(hq_staff)
    html = client.get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()
    assert 'id="production-changes-section"' in html
    section = html.split('id="production-changes-table"')[1].split("</table>")[0]
    assert section.index("解除") < section.index("停产决定")
    assert "正常生产 → 已停产" in section


def test_the_page_section_keeps_a_fixed_query_count(client, hq_staff, enterprise, django_assert_max_num_queries):
    client.force_login(hq_staff)
    _decisions(enterprise, hq_staff, 1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("enterprises:detail", args=[enterprise.pk]))
    _decisions(enterprise, hq_staff, 4)
    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse("enterprises:detail", args=[enterprise.pk]))
    section = response.content.decode().split('id="production-changes-table"')[1].split("</table>")[0]
    assert section.count("停产决定") == 5


def test_the_api_lists_the_history_with_a_fixed_query_count(hq_staff, enterprise, django_assert_max_num_queries):
    api = APIClient()
    api.force_login(hq_staff)
    _decisions(enterprise, hq_staff, 1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        api.get(_api_url(enterprise))
    _decisions(enterprise, hq_staff, 3)
    with django_assert_max_num_queries(len(few)):
        data = api.get(_api_url(enterprise)).json()
    assert data["count"] == 8
    first = data["results"][0]
    assert first["kind"] == "release" and first["to_status"] == "producing"
    assert first["actor_name"] and first["decision_object_type"] == "enterprises.category"


def test_the_history_is_scoped_like_the_ledger(liaison, enterprise_contact, enterprise, make_enterprise, hq_staff):
    other = make_enterprise(name="东莞市别家电镀有限公司")
    _decisions(enterprise, hq_staff, 1)
    _decisions(other, hq_staff, 1)
    api = APIClient()
    api.force_login(enterprise_contact)
    assert api.get(_api_url(enterprise)).json()["count"] == 2
    assert api.get(_api_url(other)).status_code == 404
    api.force_login(liaison)
    assert api.get(_api_url(other)).json()["count"] == 2
    api.logout()
    assert api.get(_api_url(enterprise)).status_code in (401, 403)


def test_the_api_is_read_only(hq_staff, enterprise):
    api = APIClient()
    api.force_login(hq_staff)
    assert api.post(_api_url(enterprise), {}, format="json").status_code == 405
