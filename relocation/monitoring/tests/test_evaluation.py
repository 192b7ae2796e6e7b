"""Limits, valid-data rules, hysteresis, data gaps and unit conversion."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from relocation.monitoring import evaluation, limits, storage
from relocation.monitoring.models import Alert, AlertHistory, AlertStatus, LimitRow, Measurement, Standard

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
DAY = dt.datetime(2022, 3, 1, tzinfo=TZ)
NOW = dt.datetime(2022, 3, 2, 0, 30, tzinfo=TZ)


def hourly(point, values: dict[int, float], code="w01018", flag="N", cn="2061", day=DAY):
    rows = [
        (point.pk, cn, day + dt.timedelta(hours=h), code, v, None, None, None, flag, day + dt.timedelta(hours=h + 1))
        for h, v in values.items()
    ]
    storage.store_rows(rows)


def exceedances(point, code="w01018", period="hour"):
    return Alert.objects.filter(point=point, kind="exceedance", pollutant=code, period=period)


def test_it_opens_one_alert_for_a_run_of_bad_hours_and_sends_a_reinspection(point, unit_leader, liaison):
    from relocation.core.models import Notification
    from relocation.supervision.models import Task

    hourly(point, {h: (95.0 if 8 <= h < 13 else 40.0) for h in range(24)})  # COD limit (Table 2) is 80 mg/L
    evaluation.evaluate_point(point, now=NOW)
    alert = exceedances(point).get()
    assert alert.status == AlertStatus.CLOSED  # the good hours that followed closed it
    assert alert.occurrences == 5 and alert.value == pytest.approx(95.0) and alert.limit_value == 80
    task = Task.objects.get(pk=alert.task_id)
    assert task.source == "monitoring" and task.lead_unit == point.enterprise.territorial_unit
    assert task.subject_type == "monitoring.alert" and task.enterprise_id == point.enterprise_id
    assert Notification.objects.filter(recipient=liaison, verb="monitoring.alert").count() == 1


def test_it_closes_after_consecutive_good_hours_only(point):
    values = {0: 90.0, 1: 40.0, 2: 90.0, 3: 40.0, 4: 40.0}
    hourly(point, values)
    evaluation.evaluate_point(point, now=DAY + dt.timedelta(hours=5, minutes=1))
    alert = exceedances(point).get()
    assert alert.status == AlertStatus.OPEN and alert.occurrences == 2 and alert.good_streak == 2
    hourly(point, {5: 40.0})
    evaluation.evaluate_point(point, now=DAY + dt.timedelta(hours=6, minutes=1))
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CLOSED and alert.close_reason
    assert list(alert.history.values_list("action", flat=True)) == ["opened", "recurred", "auto_closed"]
    hourly(point, {6: 99.0})
    evaluation.evaluate_point(point, now=DAY + dt.timedelta(hours=7, minutes=1))
    assert exceedances(point).count() == 2
    assert exceedances(point).filter(status=AlertStatus.OPEN).count() == 1


def test_it_is_idempotent(point):
    hourly(point, {h: 95.0 for h in range(4)})
    evaluation.evaluate_point(point, now=NOW)

    def state():
        history = AlertHistory.objects.filter(alert__kind="exceedance").count()
        return exceedances(point).count(), history, exceedances(point).get().occurrences

    before = state()
    evaluation.evaluate_point(point, now=NOW)
    evaluation.evaluate_all(now=NOW)
    assert state() == before
    gaps = Alert.objects.filter(kind="data_gap").count()
    evaluation.evaluate_all(now=NOW)
    assert Alert.objects.filter(kind="data_gap").count() == gaps


@pytest.mark.parametrize("flag", ["M", "C", "D", "F", "S", "B"])
def test_it_leaves_out_data_not_flagged_valid(point, flag):
    hourly(point, {h: 500.0 for h in range(24)}, flag=flag)
    evaluation.evaluate_point(point, now=NOW)
    assert not exceedances(point).exists()


def test_it_counts_over_range_values_as_exceedances_when_already_above_the_limit(point):
    hourly(point, {0: 120.0}, flag="T")
    hourly(point, {1: 60.0}, flag="T")  # a lower bound below the limit says nothing
    evaluation.evaluate_point(point, now=DAY + dt.timedelta(hours=2, minutes=5))
    assert exceedances(point).get().occurrences == 1


def test_it_uses_minute_or_real_time_data_when_no_hourly_average_came(point):
    rows = [
        (point.pk, "2051", DAY + dt.timedelta(minutes=10 * i), "w01018", 85.0 + i, None, None, None, "N", DAY)
        for i in range(6)
    ]
    storage.store_rows(rows)
    evaluation.evaluate_point(point, now=DAY + dt.timedelta(hours=1, minutes=1))
    assert exceedances(point).get().value == pytest.approx(87.5)


def test_it_judges_daily_averages(point):
    storage.store_rows([(point.pk, "2031", DAY, "w21003", 18.0, None, None, None, "N", DAY)])  # NH3-N limit 15
    evaluation.evaluate_point(point, now=NOW)
    alert = exceedances(point, "w21003", "day").get()
    assert "日均值" in alert.title


def test_it_checks_ph_against_its_range(point):
    hourly(point, {0: 5.2}, code="w01001")
    evaluation.evaluate_point(point, now=DAY + dt.timedelta(hours=1, minutes=1))
    alert = exceedances(point, "w01001").get()
    assert alert.limit_value == 6


def test_it_converts_microgram_readings_before_comparing(workshop_point):
    # Cr(VI) Table 2 limit 0.2 mg/L; the server stored 250 µg/L as 0.25 mg/L.
    hourly(workshop_point, {0: 0.25, 1: 0.15}, code="w20117")
    evaluation.evaluate_point(workshop_point, now=DAY + dt.timedelta(hours=2, minutes=1))
    assert exceedances(workshop_point, "w20117").get().occurrences == 1


def test_it_judges_workshop_pollutants_only_at_the_workshop_outlet(point, workshop_point):
    assert "w20116" not in limits.applicable_limits(point)
    assert limits.applicable_limits(workshop_point)["w20116"].max_value == 1.0
    assert "w01018" not in limits.applicable_limits(workshop_point)


def test_it_applies_the_stricter_permit_limit(point):
    permit = Standard.objects.create(code="许可-001", title="排污许可", kind="permit", enterprise=point.enterprise)
    LimitRow.objects.create(
        standard=permit, table="permit", pollutant_code="w01018", pollutant_name="化学需氧量", max_value=60
    )
    assert limits.applicable_limits(point)["w01018"].max_value == 60
    LimitRow.objects.filter(standard=permit).update(max_value=100)
    assert limits.applicable_limits(point)["w01018"].max_value == 80


def test_it_does_not_compare_values_in_a_different_unit(standards):
    colour = LimitRow.objects.filter(standard__code="GB 4287-2012", pollutant_code="w01002").first()
    assert limits._as_limit(colour) is None  # 倍 (dilution) vs. [色]度
    cr6 = LimitRow.objects.get(standard__code="GB 4287-2012", table="2", pollutant_code="w20117")
    assert limits._as_limit(cr6).max_value == pytest.approx(0.004)  # 不得检出


def test_it_raises_a_gap_alert_and_closes_it_when_data_returns(point):
    hourly(point, {8: 40.0})  # last data 08:00
    at = DAY + dt.timedelta(hours=11)
    evaluation.check_gaps(now=at)
    gap = Alert.objects.get(point=point, kind="data_gap")
    evaluation.check_gaps(now=at + dt.timedelta(minutes=5))
    assert Alert.objects.filter(kind="data_gap").count() == 1
    hourly(point, {10: 40.0})
    evaluation.check_gaps(now=at + dt.timedelta(minutes=10))
    gap.refresh_from_db()
    assert gap.status == AlertStatus.CLOSED
    assert not Alert.objects.filter(kind="data_gap").exclude(status="closed").exists()


def test_it_runs_as_a_periodic_task(point):
    import time_machine

    from relocation.monitoring.tasks import evaluate_monitoring

    hourly(point, {0: 95.0})
    with time_machine.travel(DAY + dt.timedelta(hours=1, minutes=2), tick=False):
        result = evaluate_monitoring.call_local()
    assert result["periods_judged"] >= 1
    assert exceedances(point).exists()
    assert Measurement.objects.count() == 1
