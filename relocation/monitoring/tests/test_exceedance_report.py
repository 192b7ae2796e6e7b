"""The monthly exceedance report (daily averages): page, Excel export and REST
endpoint; scoped to the programme and the owning unit; read from the daily
aggregates only."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from relocation.core.roles import Role
from relocation.monitoring.models import Measurement, MeasurementDay, MonitoringPoint, Standard

pytestmark = pytest.mark.django_db

MONTH = dt.date(2022, 3, 1)


def day_average(point, day: int, value: float, *, code="w01018", cn="2031", month=MONTH):
    """A daily aggregate row as the aggregation job writes it (no raw values)."""
    MeasurementDay.objects.create(
        point=point,
        day=month.replace(day=day),
        cn=cn,
        pollutant=code,
        samples=24,
        valid=24,
        valid_sum=value * 24,
        valid_min=value,
        valid_max=value,
    )


def make_point(enterprise, mn: str, **extra) -> MonitoringPoint:
    return MonitoringPoint.objects.create(
        mn=mn,
        password="1",
        enterprise=enterprise,
        name=f"排口{mn}",
        outlet_kind="final",
        standard=Standard.objects.get(code="GB 21900-2008"),
        table="2",
        **extra,
    )


def other_programme_hq():
    from relocation.conftest import make_unit, make_user
    from relocation.organisation.models import Programme

    other = Programme.objects.create(code="other", name="另一项目", zone_name="另一区", deadline=dt.date(2030, 1, 1))
    return make_user("other_hq", Role.HQ_STAFF, make_unit(other, "ohq", "另一指挥部", "headquarters"))


def test_hq_sees_the_days_over_the_limit_with_the_limit_and_the_value(client, hq_staff, point):
    day_average(point, 3, 95.0)  # COD, GB 21900 Table 2: ≤80 mg/L
    day_average(point, 4, 20.0)
    day_average(point, 5, 81.5)
    day_average(point, 6, 5.2, code="w01001")  # pH 6~9: below the minimum
    client.force_login(hq_staff)
    response = client.get(reverse("monitoring:report"), {"month": "2022-03"})
    assert response.status_code == 200
    lines = {line["pollutant"]: line for line in response.context["lines"]}
    assert lines["w01018"]["exceedances"] == [(dt.date(2022, 3, 3), 95.0), (dt.date(2022, 3, 5), 81.5)]
    assert lines["w01018"]["days"] == 3 and lines["w01018"]["limit"] == "≤80"
    assert lines["w01001"]["exceedances"] == [(dt.date(2022, 3, 6), pytest.approx(5.2))]
    html = response.content.decode()
    assert "03-03：95" in html and "03-05：81.5" in html and "≤80" in html


def test_it_reads_the_daily_aggregates_not_the_raw_values(client, hq_staff, point):
    tz = dt.timezone(dt.timedelta(hours=8))
    when = dt.datetime(2022, 3, 10, 8, tzinfo=tz)
    Measurement.objects.create(
        point=point, cn="2031", data_time=when, pollutant="w01018", value=500.0, received_at=when
    )
    day_average(point, 11, 90.0)
    client.force_login(hq_staff)
    lines = client.get(reverse("monitoring:report"), {"month": "2022-03"}).context["lines"]
    assert [line["exceedances"] for line in lines] == [[(dt.date(2022, 3, 11), 90.0)]]


def test_the_owning_unit_sees_its_points_only_and_another_programme_none(
    client, liaison, outsider, make_enterprise, units, point
):
    elsewhere = make_point(make_enterprise(territorial_unit=units["binhaiwan"]), "ELSEWHERE01")
    day_average(point, 3, 95.0)
    day_average(elsewhere, 3, 99.0)

    def points_seen(user):
        client.force_login(user)
        response = client.get(reverse("monitoring:report"), {"month": "2022-03"})
        api = client.get("/api/monitoring/exceedance-report/", {"month": "2022-03"})
        assert sorted({row["mn"] for row in api.json()}) == sorted(
            {line["point"].mn for line in response.context["lines"]}
        )
        return sorted(line["point"].mn for line in response.context["lines"])

    assert points_seen(liaison) == [point.mn]  # Humen owns the point's enterprise
    assert points_seen(outsider) == []
    assert points_seen(other_programme_hq()) == []


def test_it_exports_one_row_per_exceeded_day(client, hq_staff, point):
    from openpyxl import load_workbook

    day_average(point, 3, 95.0)
    day_average(point, 5, 81.5)
    client.force_login(hq_staff)
    response = client.get(reverse("monitoring:report"), {"month": "2022-03", "export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:7] == ("企业", "监控点", "MN", "污染物", "编码", "日期", "日均值")
    assert [(r[2], r[4], r[5].date(), r[6], r[7]) for r in rows[1:]] == [
        (point.mn, "w01018", dt.date(2022, 3, 3), 95.0, "≤80"),
        (point.mn, "w01018", dt.date(2022, 3, 5), 81.5, "≤80"),
    ]


def test_the_api_lists_the_exceeded_days_and_refuses_a_bad_month(client, hq_staff, point):
    day_average(point, 3, 95.0)
    client.force_login(hq_staff)
    rows = client.get("/api/monitoring/exceedance-report/", {"month": "2022-03"}).json()
    assert [(r["mn"], r["pollutant"], r["day"], r["value"], r["limit_value"], r["unit"]) for r in rows] == [
        (point.mn, "w01018", "2022-03-03", 95.0, 80.0, "mg/L")
    ]
    bad = client.get("/api/monitoring/exceedance-report/", {"month": "2022-13"})
    assert bad.status_code == 400 and "YYYY-MM" in bad.json()["month"][0]
    page = client.get(reverse("monitoring:report"), {"month": "March"})
    assert page.status_code == 200 and "月份格式应为" in page.content.decode()


def test_people_outside_the_staff_are_refused(client, enterprise_contact):
    client.force_login(enterprise_contact)
    assert client.get(reverse("monitoring:report")).status_code == 403
    assert client.get("/api/monitoring/exceedance-report/").status_code == 403


def test_the_page_costs_the_same_queries_for_many_points(client, hq_staff, make_enterprise, standards):
    client.force_login(hq_staff)

    def add(n):
        for _ in range(n):
            p = make_point(make_enterprise(), f"MANY{MonitoringPoint.objects.count():05d}")
            day_average(p, 3, 95.0)
            day_average(p, 4, 50.0, code="w21003")  # NH3-N (table 2 ≤15): also over

    add(1)
    client.get(reverse("monitoring:report"), {"month": "2022-03"})  # the session and the policy row
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("monitoring:report"), {"month": "2022-03"})
    add(6)
    cache.clear()  # the limits of all seven points to find: still two queries
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("monitoring:report"), {"month": "2022-03"})
    assert len(response.context["lines"]) == 14
    assert len(many) == len(few)
    with CaptureQueriesContext(connection) as cached:
        client.get(reverse("monitoring:report"), {"month": "2022-03"})
    assert len(cached) == len(many) - 2  # the limits came from the cache
