"""The panels that read other domains show what those domains hold."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from relocation.enterprises.lifecycle_models import RelocationPlan
from relocation.enterprises.models import Enterprise
from relocation.monitoring.models import Alert
from relocation.parks.models import Factory, Park, TreatmentFacility

DAY = dt.datetime(2022, 3, 1, 10, tzinfo=dt.UTC)


@pytest.fixture
def park(programme, units):
    park = Park.objects.create(
        programme=programme,
        code="machong",
        name="麻涌环保专业基地",
        town_unit=units["machong"],
        latitude=23.05,
        longitude=113.58,
    )
    Factory.objects.create(
        park=park, code="A1", area_m2=Decimal("10000"), status="delivered", delivered_on=dt.date(2021, 10, 1)
    )
    TreatmentFacility.objects.create(
        park=park,
        name="镍线",
        stream="nickel",
        capacity_t_per_day=Decimal("100"),
        status="delivered",
        commissioned_on=dt.date(2021, 10, 1),
    )
    return park


@pytest.mark.django_db
def test_the_city_map_shows_each_park_with_its_flow(client, hq_staff, park, make_enterprise):
    going = [make_enterprise() for _ in range(3)]
    for e in going:
        RelocationPlan.objects.create(
            enterprise=e, destination_type="park", destination_park_id=park.pk, destination_name=park.name
        )
    Enterprise.objects.filter(pk=going[0].pk).update(status="relocated")
    client.force_login(hq_staff)
    with time_machine.travel(DAY):
        panels = client.get("/api/dashboard/panels/").json()
        page = client.get(reverse("dashboard:board")).content.decode()
    row = next(p for p in panels["city"]["parks"] if p["id"] == park.pk)
    assert (row["enterprises"], row["relocated"], row["progress_pct"]) == (3, 1, 33.3)
    assert {g["resource"] for g in row["gauges"]} >= {"nickel"}
    assert "麻涌环保专业基地" in page


@pytest.mark.django_db
def test_filters_for_open_alerts_narrow_the_figures(client, hq_staff, make_enterprise):
    flagged = make_enterprise()
    make_enterprise()
    Alert.objects.create(enterprise=flagged, kind=Alert._meta.get_field("kind").choices[0][0], title="超标")
    client.force_login(hq_staff)
    with time_machine.travel(DAY):
        data = client.get(reverse("dashboard:data"), {"alerts": "1"}).json()
        risk = client.get("/api/dashboard/at-risk/").json()
    assert data["summary"]["total"] == 1
    reasons = next(r["reasons"] for r in risk if r["enterprise"] == flagged.pk)
    assert "监控预警未处理" in reasons


@pytest.mark.django_db
def test_missing_reports_list_the_units_that_owe_one(client, hq_staff, units):
    client.force_login(hq_staff)
    with time_machine.travel(DAY):
        panels = client.get("/api/dashboard/panels/").json()
    assert "虎门镇" in panels["missing_reports"]["units"]
    assert panels["enforcement_this_month"]["inspections"] == 0
