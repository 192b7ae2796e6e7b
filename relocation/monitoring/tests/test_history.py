"""History at scale: monthly partitions (PostgreSQL), retention, and the
hourly/daily aggregates that charts and the monthly report read."""

from __future__ import annotations

import datetime as dt
import gzip
from collections import defaultdict
from statistics import fmean

import pytest
from django.db import connection
from django.utils import timezone

from relocation.monitoring import aggregates, evaluation, partitions, selectors, storage
from relocation.monitoring import limits as limits_mod
from relocation.monitoring.models import (
    AggregateBacklog,
    Measurement,
    MeasurementDay,
    MeasurementHour,
)

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL partitioning")
TZ = timezone.get_default_timezone()


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


def rows_of(point, start: dt.datetime, minutes: int, *, cn="2051", received=None, value=lambda m: 10.0 + m % 7):
    out = []
    for m in range(minutes):
        when = start + dt.timedelta(minutes=m)
        flag = "T" if m % 11 == 5 else ("M" if m % 13 == 3 else "N")
        for code in ("w01018", "w21003"):
            out.append((point.pk, cn, when, code, value(m), None, None, None, flag, received or when))
    return out


def stored_count() -> int:
    return Measurement.objects.count()


# -- partitions -----------------------------------------------------------------
@postgresql_only
def test_it_stores_measurements_in_the_partition_of_their_local_month(point):
    storage.store_rows(rows_of(point, at(2026, 12, 1, 0, 0), 3))  # local midnight: December, UTC: November
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text, count(*) FROM monitoring_measurement GROUP BY 1")
        assert dict(cursor.fetchall()) == {"monitoring_measurement_p2026_12": 6}
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'monitoring_measurement_pkey'"
        )
        assert cursor.fetchone()[0] == "PRIMARY KEY (id, data_time)"


def test_it_never_doubles_a_value_stored_twice_whatever_the_path(point):
    rows = rows_of(point, timezone.now() - dt.timedelta(minutes=30), 10)
    assert storage.store_rows(rows) == 20
    assert storage.store_rows(rows) == 0  # the resend: COPY fails, the merge path skips every row
    assert storage.store_rows(rows[:4] + rows_of(point, timezone.now(), 1)) == 2
    assert stored_count() == 22


def test_the_orm_reads_writes_and_deletes_measurements_by_id(point):
    m = Measurement.objects.create(
        point=point, cn="2011", data_time=timezone.now(), pollutant="w01018", value=1.0, received_at=timezone.now()
    )
    m.value = 2.0
    m.save(update_fields=["value"])
    assert Measurement.objects.get(pk=m.pk).value == 2.0
    Measurement.objects.filter(pk=m.pk).delete()
    assert not Measurement.objects.exists()


@postgresql_only
def test_it_creates_the_next_months_ahead_once(point, settings):
    settings.MONITORING_PARTITIONS_AHEAD = 2
    now = at(2031, 5, 20, 12)
    assert partitions.ensure_partitions(now=now) == [
        "monitoring_measurement_p2031_05",
        "monitoring_measurement_p2031_06",
        "monitoring_measurement_p2031_07",
    ]
    assert partitions.ensure_partitions(now=now) == []


@postgresql_only
def test_rows_caught_by_the_default_partition_move_into_their_new_month(point):
    rows = rows_of(point, at(2032, 3, 31, 23, 58), 4)  # two minutes of March, two of April
    storage.store_rows(rows)
    partitions.ensure_partitions(now=at(2032, 3, 1), ahead=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text, count(*) FROM monitoring_measurement GROUP BY 1 ORDER BY 1")
        assert cursor.fetchall() == [("monitoring_measurement_default", 4), ("monitoring_measurement_p2032_03", 4)]
    assert storage.store_rows(rows) == 0  # still unique across the move


@postgresql_only
def test_retention_archives_and_drops_whole_months_past_the_limit(point, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    old = at(2033, 1, 15, 8)
    for month in (dt.date(2033, 1, 1), dt.date(2033, 2, 1), dt.date(2033, 3, 1)):
        partitions.ensure_partitions(now=at(month.year, month.month, 2), ahead=0)
    storage.store_rows(rows_of(point, old, 3) + rows_of(point, at(2033, 3, 2, 8), 2))
    aggregates.rebuild(since=at(2033, 1, 1), until=at(2033, 4, 1))
    removed = partitions.apply_retention(now=at(2033, 3, 10), months=1, archive=True)
    assert removed[-1] == "monitoring_measurement_p2033_01"  # and every earlier month
    assert partitions.month_partitions()[0] == dt.date(2033, 2, 1)
    assert stored_count() == 4
    with gzip.open(tmp_path / "monitoring-archive" / "monitoring_measurement_p2033_01.tsv.gz", "rt") as archive:
        lines = archive.read().splitlines()
    assert lines[0].split("\t")[:3] == ["id", "point_id", "cn"] and len(lines) == 1 + 6
    # The aggregates outlive the raw values: the January report still works.
    assert MeasurementDay.objects.filter(day=dt.date(2033, 1, 15)).count() == 2


def test_retention_on_a_plain_table_deletes_old_rows(point, settings):
    if partitions.is_partitioned():
        pytest.skip("the plain-table path (SQLite)")
    storage.store_rows(rows_of(point, at(2020, 1, 15, 8), 3) + rows_of(point, timezone.now(), 1))
    assert partitions.apply_retention(months=2) == ["6 rows"]
    assert stored_count() == 2


def test_retention_is_off_by_default(point):
    storage.store_rows(rows_of(point, at(2020, 1, 15, 8), 3))
    assert partitions.apply_retention() == []
    assert stored_count() == 6


# -- aggregates ------------------------------------------------------------------
def recomputed_hours(point) -> dict:
    """Hourly sums straight from the raw values, in Python."""
    buckets = defaultdict(list)
    for m in Measurement.objects.filter(point=point):
        hour = m.data_time.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
        buckets[(hour, m.cn, m.pollutant)].append(m)
    out = {}
    for key, ms in buckets.items():
        valid = [m.value for m in ms if m.flag in evaluation.VALID_FLAGS and m.value is not None]
        over = [m.value for m in ms if m.flag == "T"]
        out[key] = (
            len(ms),
            len(valid),
            pytest.approx(sum(valid)) if valid else None,
            min(valid, default=None),
            max(valid, default=None),
            min(over, default=None),
            max(over, default=None),
        )
    return out


def stored_hours(point) -> dict:
    return {
        (h.hour, h.cn, h.pollutant): (
            h.samples,
            h.valid,
            h.valid_sum,
            h.valid_min,
            h.valid_max,
            h.over_range_min,
            h.over_range_max,
        )
        for h in MeasurementHour.objects.filter(point=point)
    }


def test_the_hourly_aggregates_equal_a_recomputation_from_the_raw_values(point):
    now = timezone.now().replace(second=0, microsecond=0)
    storage.store_rows(rows_of(point, now - dt.timedelta(hours=5), 300))
    aggregates.refresh(now=now)
    assert stored_hours(point) == recomputed_hours(point)
    assert aggregates.refresh(now=now)["late_hours"] == 0
    assert stored_hours(point) == recomputed_hours(point)  # a second run changes nothing


def test_the_daily_aggregates_are_the_local_days_of_their_hours(point):
    start = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(hours=30)
    storage.store_rows(rows_of(point, start, 30 * 60, cn="2051"))
    aggregates.refresh(now=start + dt.timedelta(hours=30))
    per_day = defaultdict(list)
    for m in Measurement.objects.filter(point=point, pollutant="w01018", flag="N"):
        per_day[timezone.localtime(m.data_time).date()].append(m.value)
    days = {d.day: d for d in MeasurementDay.objects.filter(point=point, pollutant="w01018", cn="2051")}
    assert set(days) == set(per_day)
    for day, values in per_day.items():
        assert days[day].valid == len(values)
        assert days[day].mean == pytest.approx(fmean(values))


def test_late_values_are_noted_when_stored_and_folded_in_by_the_next_run(point):
    now = timezone.now().replace(second=0, microsecond=0)
    aggregates.refresh(now=now)
    back = (now - dt.timedelta(days=3)).replace(minute=0)
    storage.store_rows(rows_of(point, back, 90, received=now))  # back-filled: 3 days late
    assert AggregateBacklog.objects.filter(point=point).count() == 2  # two hours touched
    assert aggregates.refresh(now=now + dt.timedelta(minutes=5))["late_hours"] == 2
    assert not AggregateBacklog.objects.exists()
    assert stored_hours(point) == recomputed_hours(point)
    assert MeasurementDay.objects.filter(point=point, day=timezone.localdate(back)).exists()


def test_a_job_that_did_not_run_for_a_day_catches_up(point):
    now = timezone.now().replace(second=0, microsecond=0)
    aggregates.refresh(now=now - dt.timedelta(days=1))
    storage.store_rows(rows_of(point, now - dt.timedelta(hours=20), 60))  # arrived on time meanwhile
    aggregates.refresh(now=now)
    assert stored_hours(point) == recomputed_hours(point)


def test_the_daily_judgement_from_aggregates_matches_the_evaluator_on_raw_values(point):
    limit = limits_mod.Limit(code="w01018", name="COD", min_value=None, max_value=12.0, unit="mg/L", source="t")
    day = timezone.localdate() - dt.timedelta(days=2)
    start = at(day.year, day.month, day.day)
    for value in (lambda m: 10.0 + m % 7, lambda m: 5.0 if m % 11 != 5 else 50.0, lambda m: 1.0):
        Measurement.objects.all().delete()
        storage.store_rows(rows_of(point, start, 120, value=value))
        aggregates.rebuild(since=start, until=start + dt.timedelta(days=1))
        raw = [
            (m.cn, m.value, m.flag)
            for m in Measurement.objects.filter(point=point, pollutant="w01018", data_time__date=day)
        ]
        sums = {d.cn: d for d in MeasurementDay.objects.filter(point=point, pollutant="w01018", day=day)}
        expected = evaluation.period_value(raw, limit)
        got = evaluation.aggregate_value(sums, limit)
        assert got[1] == expected[1]
        assert got[0] == pytest.approx(expected[0])


def test_the_monthly_report_lists_the_days_whose_average_exceeded(point, django_assert_max_num_queries):
    first = timezone.localdate().replace(day=1) - dt.timedelta(days=40)
    month = first.replace(day=1)
    high = at(month.year, month.month, 3, 8)
    low = at(month.year, month.month, 4, 8)
    storage.store_rows(rows_of(point, high, 60, value=lambda m: 95.0))  # COD limit 80 (GB 21900 table 2)
    storage.store_rows(rows_of(point, low, 60, value=lambda m: 20.0))
    aggregates.rebuild(since=high - dt.timedelta(hours=8), until=low + dt.timedelta(hours=2))
    with django_assert_max_num_queries(4):
        report = aggregates.exceedance_report([point], month)
    cod = next(line for line in report if line["pollutant"] == "w01018")
    assert cod["days"] == 2
    assert cod["exceeded_days"] == [high.date()]
    assert cod["worst"] == pytest.approx(95.0)


def test_charts_over_weeks_read_hourly_means(point):
    now = timezone.now().replace(second=0, microsecond=0)
    storage.store_rows(rows_of(point, now - dt.timedelta(hours=3), 120, value=lambda m: 4.0))
    aggregates.refresh(now=now)
    data = selectors.chart_series(point, since=now - dt.timedelta(days=7), cn="2051", resolution="hour")
    assert data["resolution"] == "hour"
    cod = next(s for s in data["series"] if s["code"] == "w01018")
    assert 2 <= len(cod["data"]) <= 3 and {v for _t, v, _f in cod["data"]} == {4.0}
    assert selectors.chart_resolution(dt.timedelta(days=7)) == "hour"
    assert selectors.chart_resolution(dt.timedelta(days=1)) == "raw"
    assert selectors.chart_resolution(dt.timedelta(days=90)) == "day"
    assert selectors.chart_resolution(dt.timedelta(days=90), "2061") == "raw"  # hourly uploads: few points


def test_the_chart_endpoint_serves_a_week_of_minute_data_as_hourly_means(client, liaison, point):
    from django.urls import reverse

    now = timezone.now().replace(second=0, microsecond=0)
    storage.store_rows(rows_of(point, now - dt.timedelta(hours=3), 120, value=lambda m: 4.0))
    aggregates.refresh(now=now)
    client.force_login(liaison)
    data = client.get(reverse("monitoring:point_chart", args=[point.pk]), {"cn": "2051", "days": "7"}).json()
    assert data["resolution"] == "hour"
    assert {v for s in data["series"] for _t, v, _f in s["data"]} == {4.0}
