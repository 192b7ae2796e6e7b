from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from relocation.parks import incentives


@pytest.fixture
def api():
    return APIClient()


@pytest.mark.django_db
def test_it_lists_parks_and_capacity(api, liaison, park):
    api.force_login(liaison)
    body = api.get("/api/parks/parks/").json()
    rows = body["results"] if isinstance(body, dict) else body
    assert rows[0]["code"] == park.code and len(rows[0]["facilities"]) == 3
    cap = api.get(f"/api/parks/parks/{park.pk}/capacity/", {"deadline": "2022-06-30"}).json()
    assert {r["resource"] for r in cap} >= {"floor_area_m2", "nickel"}


@pytest.mark.django_db
def test_an_enterprise_contact_gets_no_parks(api, enterprise_contact, park):
    api.force_login(enterprise_contact)
    assert api.get("/api/parks/parks/").status_code == 403


@pytest.mark.django_db
def test_an_outsider_cannot_run_or_confirm(api, outsider, park, mover, proposal_for):
    proposal = proposal_for()
    api.force_login(outsider)
    assert api.post("/api/parks/proposals/", {"time_limit": 5}, format="json").status_code == 403
    assert api.post(f"/api/parks/proposals/{proposal.pk}/confirm/", {}, format="json").status_code == 403
    assert api.get("/api/parks/grants/").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_hq_runs_reads_and_confirms_through_the_api(api, hq_commander, park, mover):
    api.force_login(hq_commander)
    response = api.post("/api/parks/proposals/", {"time_limit": 5}, format="json")
    assert response.status_code == 202
    pk = response.json()["id"]
    result = api.get(f"/api/parks/proposals/{pk}/").json()
    assert result["status"] == "done" and result["result"]["objective"]["placed"] == 1
    confirmed = api.post(f"/api/parks/proposals/{pk}/confirm/", {}, format="json").json()
    assert len(confirmed["confirmed"]) == 1 and confirmed["errors"] == []
    items = api.get("/api/parks/procedures/", {"enterprise": mover.pk}).json()
    rows = items["results"] if isinstance(items, dict) else items
    assert len(rows) == 8
    moved = api.post(f"/api/parks/procedures/{rows[0]['id']}/move/", {"target": "blocked"}, format="json")
    assert moved.status_code == 400


@pytest.mark.django_db
def test_grants_through_the_api_respect_four_eyes(api, hq_staff, hq_commander, programme, make_enterprise):
    policy = incentives.policy_create(
        actor=hq_staff,
        programme=programme,
        code="p",
        name="奖励",
        basis="per_m2",
        tiers=[{"stopped_by": "2021-12-31", "rate": "100"}],
        requires_closure_verified=False,
    )
    e = make_enterprise()
    api.force_login(hq_staff)
    created = api.post(
        "/api/parks/grants/",
        {
            "policy": policy.pk,
            "enterprise": e.pk,
            "production_stopped_on": "2021-11-01",
            "stop_override_reason": "笔录",
        },
        format="json",
    )
    assert created.status_code == 201 and created.json()["amount"] == "120000.00"
    gid = created.json()["id"]
    assert api.post(f"/api/parks/grants/{gid}/decide/", {"approve": True}, format="json").status_code == 403
    api.force_login(hq_commander)
    assert api.post(f"/api/parks/grants/{gid}/decide/", {"approve": True}, format="json").json()["status"] == "approved"
    paid = api.post(
        f"/api/parks/grants/{gid}/pay/",
        {"amount": "120000", "paid_on": dt.date(2022, 4, 1).isoformat(), "voucher_no": "V-1"},
        format="json",
    )
    assert paid.status_code == 201


@pytest.mark.django_db
def test_hq_updates_demand_through_the_api(api, hq_staff, mover, park):
    api.force_login(hq_staff)
    body = api.put(
        f"/api/parks/demands/{mover.pk}/",
        {"floor_area_m2": "800", "nickel_t_per_day": "12", "preferred_parks": [park.pk]},
        format="json",
    ).json()
    assert body["nickel_t_per_day"] == "12.00" and body["preferred_parks"] == [park.pk] and body["is_derived"] is False


@pytest.mark.django_db
def test_api_lists_keep_a_constant_number_of_queries(
    api, hq_staff, hq_commander, programme, make_park, make_enterprise
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def grow(n):
        for _k in range(n):
            make_park()
            policy = incentives.policy_create(
                actor=hq_staff,
                programme=programme,
                code=f"p{make_enterprise().pk}",
                name="奖励",
                basis="per_m2",
                tiers=[{"stopped_by": "2021-12-31", "rate": "100"}],
                requires_closure_verified=False,
            )
            grant = incentives.grant_create(
                actor=hq_staff,
                policy=policy,
                enterprise=make_enterprise(),
                production_stopped_on=dt.date(2021, 11, 1),
                stop_override_reason="笔录",
            )
            incentives.grant_decide(actor=hq_commander, grant=grant, approve=True)

    def measure():
        counts = []
        for url in ("/api/parks/parks/", "/api/parks/policies/", "/api/parks/grants/", "/api/parks/demands/"):
            with CaptureQueriesContext(connection) as ctx:
                assert api.get(url).status_code == 200
            counts.append(len(ctx))
        return counts

    api.force_login(hq_staff)
    grow(1)
    small = measure()
    grow(3)
    assert measure() == small
