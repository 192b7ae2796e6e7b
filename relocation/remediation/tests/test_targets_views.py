"""Pages and API for remediation targets, land handover and reopening; the
targets list keeps its query count."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from relocation.remediation import services
from relocation.remediation.models import Stage
from relocation.remediation.tests.conftest import add_results, move, pdf
from relocation.remediation.tests.test_acceptance import EFFECT_DAY, to_effect

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(site, liaison, inspector, values):
    services.liability_determine(actor=inspector, site=site, basis="polluter", enterprise=site.enterprise)
    to_effect(site, liaison, values)
    add_results(liaison, site, values, [("S1", "cr6", "4.0"), ("S2", "pb", "600")], stage="effect", day=EFFECT_DAY)
    move(liaison, site, Stage.CLOSED)
    site.refresh_from_db()
    return site


def test_the_targets_page_sets_a_target_with_a_reason(client, liaison, site, values):
    add_results(liaison, site, values, [("S1", "cr6", "9")])
    client.force_login(liaison)
    url = reverse("remediation:site_targets", args=[site.pk])
    assert "铬（六价）" in client.get(url).content.decode()
    response = client.post(url, {"pollutant": values["cr6"].pk, "value": "90", "reason": "x"})
    assert "超过第二类用地管制值 78" in response.content.decode()
    response = client.post(url, {"pollutant": values["cr6"].pk, "value": "20", "reason": "风险评估报告"}, follow=True)
    assert "风险评估报告" in response.content.decode()
    assert site.targets.get().value == Decimal("20")
    client.post(reverse("remediation:target_basis", args=[site.pk]), {"basis": "intervention", "reason": "修复方案"})
    site.refresh_from_db()
    assert site.target_basis == "intervention"


def test_other_towns_cannot_see_or_set_targets(client, site, values, units):
    from relocation.conftest import make_user

    client.force_login(make_user("bh_liaison", "unit_liaison", units["binhaiwan"]))
    assert client.get(reverse("remediation:site_targets", args=[site.pk])).status_code == 404


def test_an_auditor_reads_targets_but_cannot_post(client, auditor, site, values):
    from relocation.core.tests.personas import verified_login

    verified_login(client, auditor)
    url = reverse("remediation:site_targets", args=[site.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"pollutant": values["cr6"].pk, "value": "1", "reason": "x"}).status_code == 403


@pytest.mark.parametrize("codes", [("cr6",), ("cr6", "pb", "ni", "cu", "as", "cd", "hg", "tph")])
def test_the_targets_page_keeps_its_query_count(client, liaison, site, values, django_assert_max_num_queries, codes):
    """The same number of queries for one pollutant or eight (no query per row)."""
    add_results(liaison, site, values, [(f"S{n}", code, "1") for n in range(5) for code in codes])
    add_results(liaison, site, values, [("E0", code, "0.5") for code in codes], stage="effect")
    for code in codes[1:3]:
        services.target_set(actor=liaison, site=site, pollutant=values[code], value=Decimal("100"), reason="风评")
    client.force_login(liaison)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("remediation:site_targets", args=[site.pk]))
    assert response.status_code == 200 and response.content.decode().count("<tr") == len(codes) + 1


def test_the_land_use_page_reopens_an_accepted_site(client, liaison, accepted):
    client.force_login(liaison)
    response = client.post(
        reverse("remediation:site_land_use", args=[accepted.pk]),
        {"land_use": "first", "reason": "控规调整为居住用地"},
        follow=True,
    )
    body = response.content.decode()
    assert "重新开启" in body and "风险评估" in body
    accepted.refresh_from_db()
    assert accepted.stage == Stage.RISK and accepted.land_use == "first"


def test_handover_through_the_move_form(client, liaison, accepted):
    client.force_login(liaison)
    body = client.get(reverse("remediation:site", args=[accepted.pk])).content.decode()
    assert 'value="handed_over"' in body
    client.post(
        reverse("remediation:site_move", args=[accepted.pk]),
        {"target": "handed_over", "reason": "移交土地储备中心", "evidence": pdf(), "moved_on": "2022-10-01"},
    )
    accepted.refresh_from_db()
    assert accepted.stage == Stage.HANDED_OVER


def test_the_api_sets_targets_hands_over_and_reopens(liaison, accepted, values, site):
    api = APIClient()
    api.force_login(liaison)
    rows = api.get(f"/api/remediation/sites/{site.pk}/targets/").json()
    assert {r["pollutant"] for r in rows} == {"cr6", "pb"}
    refused = api.post(
        f"/api/remediation/sites/{site.pk}/targets/", {"pollutant": "pb", "value": "500", "reason": "x"}, format="json"
    )
    assert refused.status_code == 400 and "已验收" in str(refused.json())
    moved = api.post(
        f"/api/remediation/sites/{site.pk}/move/",
        {"target": "handed_over", "reason": "移交", "evidence": pdf()},
        format="multipart",
    )
    assert moved.status_code == 200 and moved.json()["to_stage"] == "handed_over"
    body = api.post(
        f"/api/remediation/sites/{site.pk}/land-use/", {"land_use": "first", "reason": "学校用地"}, format="json"
    ).json()
    assert body["site"]["stage"] == "risk" and body["reopened"]["from_stage"] == "handed_over"
    assert body["reopened"]["evidence"] is None
    history = api.get(f"/api/remediation/sites/{site.pk}/history/").json()
    assert history[0]["to_stage"] == "risk"
    rows = api.get(f"/api/remediation/sites/{site.pk}/targets/").json()
    cr6 = next(r for r in rows if r["pollutant"] == "cr6")
    assert cr6["target"] == "3.000000" and cr6["exceeded"]


def test_the_api_target_basis(liaison, site):
    api = APIClient()
    api.force_login(liaison)
    response = api.post(
        f"/api/remediation/sites/{site.pk}/target-basis/",
        {"basis": "intervention", "reason": "修复方案"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["target_basis"] == "intervention"


@pytest.mark.parametrize("codes", [("cr6",), ("cr6", "pb", "ni", "cu", "as", "cd", "hg", "tph")])
def test_the_api_targets_list_keeps_its_query_count(liaison, site, values, django_assert_max_num_queries, codes):
    add_results(liaison, site, values, [(f"S{n}", code, "1") for n in range(3) for code in codes])
    add_results(liaison, site, values, [("E0", code, "0.5") for code in codes], stage="effect")
    services.target_set(actor=liaison, site=site, pollutant=values["cr6"], value=Decimal("2"), reason="风评")
    api = APIClient()
    api.force_login(liaison)
    # 12 for one pollutant or eight: session, user, unit functions, the site, then three reads for the rows.
    with django_assert_max_num_queries(12):
        rows = api.get(f"/api/remediation/sites/{site.pk}/targets/").json()
    assert len(rows) == len(codes)
    assert next(r for r in rows if r["pollutant"] == "cr6")["target"] == "2.000000"


def test_the_api_refuses_a_land_use_change_through_patch(liaison, site):
    api = APIClient()
    api.force_login(liaison)
    response = api.patch(
        f"/api/remediation/sites/{site.pk}/", {"land_use": "first", "version": site.version}, format="json"
    )
    assert response.status_code == 400 and "land_use" in response.json()
    site.refresh_from_db()
    assert site.land_use == "second"
