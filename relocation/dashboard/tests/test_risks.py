"""Today's risk list and zone map are computed by the database; a past date's
in Python from the replayed history. Both must say the same thing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.urls import reverse

from relocation.dashboard import layer, risks, selectors, views
from relocation.enterprises.lifecycle_models import Batch, RelocationPlan
from relocation.enterprises.models import Enterprise
from relocation.monitoring.models import Alert

TODAY = dt.date(2022, 3, 1)
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[113.69, 22.82], [113.691, 22.82], [113.691, 22.821], [113.69, 22.82]]],
}


def _enterprises(make_enterprise):
    return {
        "surveyed_late_alert": make_enterprise(status="surveyed", parcel=SQUARE, latitude=22.823456789),
        "holdout": make_enterprise(status="holdout"),
        "signed_late": make_enterprise(status="commitment_signed"),
        "stopped": make_enterprise(status="production_stopped"),
        "closed_alert": make_enterprise(status="closed"),
        "no_position": make_enterprise(status="surveyed", latitude=None, longitude=None),
    }


@pytest.fixture
def mixed(programme, make_enterprise):
    """Enterprises with none, one and several reasons, and a closed one
    whose open alert must not count."""
    late = Batch.objects.create(programme=programme, name="第一批", deadline=dt.date(2022, 1, 31), order=1)
    kinds = Alert._meta.get_field("kind").choices
    with time_machine.travel(dt.datetime(2021, 6, 1, tzinfo=dt.UTC)):
        es = _enterprises(make_enterprise)
    for key in ("surveyed_late_alert", "signed_late"):
        RelocationPlan.objects.create(enterprise=es[key], batch=late)
    for key in ("surveyed_late_alert", "closed_alert"):
        Alert.objects.create(enterprise=es[key], kind=kinds[0][0], title="超标", dedupe_key=f"test-{key}")
    return es


def _result(user, params=None):
    scope = selectors.map_enterprises(user, selectors.programme_for(user), params or {})
    return {"as_of": None, "scope": scope, "params": params or {}}


@pytest.mark.django_db
def test_the_database_ranks_risks_as_python_does(hq_staff, mixed):
    with time_machine.travel(dt.datetime(2022, 3, 1, 10, tzinfo=dt.UTC)):
        result = _result(hq_staff)
        rows, total = views.risk_list(result)
        top, same_total = views.risk_list(result, limit=2)
        statuses = dict(result["scope"].values_list("id", "status"))
        by_python = risks.at_risk(statuses, result["scope"], TODAY)
    names = dict(Enterprise.objects.values_list("id", "name"))
    assert [(r["id"], r["reasons"]) for r in rows] == risks.rank(by_python, names)
    assert total == same_total == len(by_python) == 4
    assert top == rows[:2]
    first = mixed["surveyed_late_alert"]
    assert rows[0]["id"] == first.pk
    assert rows[0]["reasons"] == ["未签承诺书", "超过承诺或批次期限", "监控预警未处理"]
    assert mixed["closed_alert"].pk not in by_python


@pytest.mark.django_db
def test_the_map_layer_written_by_the_database_equals_the_python_one(client, hq_staff, mixed):
    client.force_login(hq_staff)
    with time_machine.travel(dt.datetime(2022, 3, 1, 10, tzinfo=dt.UTC)):
        response = client.get(reverse("dashboard:map"))
        by_python = layer.layer(views.map_points(_result(hq_staff)))
        by_status = client.get(reverse("dashboard:map"), {"status": "holdout"}).json()
    by_database = json.loads(response.content)
    assert response["Content-Type"] == "application/json"
    assert by_database["columns"] == by_python["columns"]
    assert by_database["stages"] == by_python["stages"]
    assert sorted(by_database["points"]) == sorted(by_python["points"])
    assert by_database["parcels"] == by_python["parcels"] == [[mixed["surveyed_late_alert"].pk, SQUARE]]
    point = next(p for p in by_database["points"] if p[0] == mixed["surveyed_late_alert"].pk)
    assert point[1:5] == [22.823457, 113.69, 0, 3]
    assert len(by_database["points"]) == 5  # the one without a position is not drawn
    assert [p[0] for p in by_status["points"]] == [mixed["holdout"].pk]


@pytest.mark.django_db
def test_the_page_lists_risks_today_and_on_a_past_date(client, hq_staff, mixed):
    client.force_login(hq_staff)
    with time_machine.travel(dt.datetime(2022, 3, 1, 10, tzinfo=dt.UTC)):
        today = client.get(reverse("dashboard:board"))
        past = client.get(reverse("dashboard:board"), {"as_of": "2022-02-28"})
    # No moves were recorded: with no history to replay, an enterprise is read
    # at its present stage on a past date too (lifecycle_facts.statuses_on),
    # so the past date lists the same risks as today.
    for response, count in ((today, 4), (past, 4)):
        assert response.status_code == 200
        assert response.context["risk_count"] == count
        assert response.context["risk_rows"][0]["id"] == mixed["surveyed_late_alert"].pk
        assert mixed["holdout"].name in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["closed", "relocated"])
def test_a_still_consuming_alert_shows_whatever_the_status(hq_staff, make_enterprise, status):
    """A closed or relocated enterprise that still draws water is listed (by
    the database and by Python alike); its other alerts are not."""
    done = make_enterprise(status=status)
    quiet = make_enterprise(status=status)
    Alert.objects.create(enterprise=done, kind="stopped_consuming", title="停产仍用水", dedupe_key="t-still")
    Alert.objects.create(enterprise=quiet, kind="exceedance", title="超标", dedupe_key="t-exceed")
    with time_machine.travel(dt.datetime(2022, 3, 1, 10, tzinfo=dt.UTC)):
        result = _result(hq_staff)
        rows, total = views.risk_list(result)
        statuses = dict(result["scope"].values_list("id", "status"))
        by_python = risks.at_risk(statuses, result["scope"], TODAY)
        counts = dict(risks.annotate(result["scope"], TODAY).values_list("id", "risk_count"))
    assert [(r["id"], r["reasons"]) for r in rows] == [(done.pk, ["停产仍用水用电或剧毒化学品预警未处理"])]
    assert total == 1 and by_python == {done.pk: ["停产仍用水用电或剧毒化学品预警未处理"]}
    assert counts == {done.pk: 1, quiet.pk: 0}
