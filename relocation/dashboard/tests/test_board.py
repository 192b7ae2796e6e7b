from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from relocation.dashboard import forecast
from relocation.enterprises.lifecycle_models import Batch, RelocationPlan, StatusChange
from relocation.enterprises.models import Enterprise
from relocation.supervision.models import Task

DAY = dt.datetime(2022, 3, 1, 10, tzinfo=dt.UTC)


def _move(enterprise, to_status, at):
    StatusChange.objects.create(
        enterprise=enterprise, from_status=enterprise.status, to_status=to_status, at=at, reason="测试"
    )
    Enterprise.objects.filter(pk=enterprise.pk).update(status=to_status)
    enterprise.status = to_status


@pytest.fixture
def scene(programme, units, make_enterprise, hq_staff):
    """Six enterprises: two closed, one relocated, one stopped, one holdout, one surveyed."""
    with time_machine.travel(dt.datetime(2021, 6, 1, tzinfo=dt.UTC)):
        es = [make_enterprise() for _ in range(6)]
    batch = Batch.objects.create(programme=programme, name="第一批", deadline=dt.date(2022, 3, 31), order=1)
    for e in es[:4]:
        RelocationPlan.objects.create(enterprise=e, batch=batch)
    _move(es[0], "closed", DAY - dt.timedelta(days=20))
    _move(es[1], "closed", DAY - dt.timedelta(days=10))
    _move(es[2], "relocated", DAY - dt.timedelta(days=3))
    _move(es[3], "production_stopped", DAY - dt.timedelta(days=2))
    _move(es[4], "holdout", DAY - dt.timedelta(days=40))
    Task.objects.create(programme=programme, title="逾期任务", lead_unit=units["humen"], deadline=dt.date(2022, 2, 1))
    return es


@pytest.mark.django_db
def test_the_figures_equal_the_counts_in_the_database(client, hq_staff, scene):
    client.force_login(hq_staff)
    with time_machine.travel(DAY):
        data = client.get(reverse("dashboard:data")).json()
    assert data["summary"]["total"] == Enterprise.objects.count() == 6
    assert data["summary"]["closed"] == Enterprise.objects.filter(status="closed").count() == 2
    assert data["summary"]["relocated"] == 1
    assert data["summary"]["stopped"] == 4  # stopped, 2 closed, relocated
    assert data["days_left"] == (dt.date(2022, 6, 30) - dt.date(2022, 3, 1)).days
    assert data["overdue_tasks"] == [{"unit_id": scene[0].territorial_unit_id, "unit": "虎门镇", "overdue": 1}]
    first = next(b for b in data["batches"] if b["name"] == "第一批")
    assert first["total"] == 4 and first["done"] == 3
    with time_machine.travel(DAY):
        layer = client.get(reverse("dashboard:map")).json()
        features = client.get("/api/dashboard/map/").json()["features"]
    assert len(layer["points"]) == len(features) == 6
    holdout = next(f for f in features if f["properties"]["id"] == scene[4].pk)
    assert "拒不关停搬迁" in holdout["properties"]["risks"]


@pytest.mark.django_db
def test_time_travel_rebuilds_the_past(client, hq_staff, scene):
    client.force_login(hq_staff)
    with time_machine.travel(DAY):
        past = client.get(reverse("dashboard:data"), {"as_of": "2022-02-15"}).json()
        past_map = client.get("/api/dashboard/map/", {"as_of": "2022-02-15"}).json()
    # On 15 February only the first closure (9 Feb) and the holdout (20 Jan) had happened.
    assert past["summary"]["closed"] == 1
    assert past["summary"]["relocated"] == 0
    statuses = {f["properties"]["id"]: f["properties"]["status"] for f in past_map["features"]}
    assert statuses[scene[1].pk] == "surveyed" and statuses[scene[4].pk] == "holdout"


@pytest.mark.django_db
def test_filters_narrow_the_map(client, hq_staff, scene, make_enterprise):
    make_enterprise(industry="dyeing")
    client.force_login(hq_staff)
    with time_machine.travel(DAY):
        data = client.get(reverse("dashboard:data"), {"industry": "dyeing"}).json()
        by_status = client.get("/api/dashboard/map/", {"status": "closed"}).json()
    assert data["summary"]["total"] == 1
    assert {f["properties"]["status"] for f in by_status["features"]} == {"closed"}


@pytest.mark.django_db
def test_query_count_does_not_grow_with_enterprises(client, hq_staff, scene, make_enterprise):
    client.force_login(hq_staff)
    client.get(reverse("dashboard:board"))  # first request: sessions and settings rows get created
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("dashboard:board"))
        client.get(reverse("dashboard:map"))
        client.get(reverse("dashboard:data"), {"as_of": "2022-01-01"})
    for _ in range(25):
        e = make_enterprise()
        _move(e, "closed", timezone.now())
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("dashboard:board"))
        client.get(reverse("dashboard:map"))
        client.get(reverse("dashboard:data"), {"as_of": "2022-01-01"})
    assert len(large) == len(small)


@pytest.mark.django_db
def test_the_whole_page_with_its_base_and_work_layers_costs_the_same_queries(
    client, hq_staff, scene, programme, units, make_enterprise
):
    from relocation.dashboard.tests.scene_work import add_work

    add_work(programme, units, scene[0])
    client.force_login(hq_staff)
    urls = [reverse(name) for name in ("dashboard:board", "dashboard:map", "dashboard:base", "dashboard:layers")]
    for url in urls:
        client.get(url)
    with CaptureQueriesContext(connection) as small:
        for url in urls:
            client.get(url)
    for n in range(10):
        add_work(programme, units, make_enterprise(), n=n)
    with CaptureQueriesContext(connection) as large:
        for url in urls:
            assert client.get(url).status_code == 200
    assert len(large) == len(small)


@pytest.mark.django_db
def test_the_card_shows_next_step_and_owner(client, hq_staff, scene):
    client.force_login(hq_staff)
    page = client.get(reverse("dashboard:card", args=[scene[5].pk])).content.decode()
    assert scene[5].name in page and "下一步" in page


@pytest.mark.django_db
def test_outsiders_are_refused(client, enterprise_contact, auditor, scene):
    client.force_login(enterprise_contact)
    assert client.get(reverse("dashboard:board")).status_code == 403
    assert client.get(reverse("dashboard:data")).status_code == 403
    assert client.get("/api/dashboard/indicators/").status_code == 403


@pytest.mark.django_db
def test_the_api_serves_the_same_figures(client, hq_staff, scene):
    client.force_login(hq_staff)
    with time_machine.travel(DAY):
        api = client.get("/api/dashboard/indicators/").json()
        page = client.get(reverse("dashboard:data")).json()
        risk = client.get("/api/dashboard/at-risk/").json()
    assert api["summary"] == page["summary"]
    assert {r["enterprise"] for r in risk} >= {scene[4].pk, scene[5].pk}


def test_forecast_percentiles_are_ordered_and_reproducible():
    start = dt.date(2022, 3, 1)
    dates, runs = forecast.simulate(40, [2, 5, 0, 8, 3], start)
    assert dates[50] <= dates[85] <= dates[95]
    assert forecast.simulate(40, [2, 5, 0, 8, 3], start)[0] == dates
    assert forecast.on_time_share(runs, dt.date(2030, 1, 1)) == 1.0


def test_forecast_without_throughput_says_so():
    dates, _runs = forecast.simulate(10, [0, 0, 0], dt.date(2022, 3, 1))
    assert dates == {50: None, 85: None, 95: None}
