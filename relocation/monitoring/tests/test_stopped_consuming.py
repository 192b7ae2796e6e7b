"""The "stopped but still consuming" detector judged as an inspector would:
the stop date from the histories, a baseline from before the stop or an
absolute limit without one, readings of any interval, night-time power, and
the supply company told of every alert."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

from relocation.conftest import make_user
from relocation.core.models import Notification
from relocation.enterprises.lifecycle_models import ProductionStatusChange, StatusChange
from relocation.monitoring import evaluation, selectors, services
from relocation.monitoring.models import Alert, UtilityReading

TODAY = dt.date(2022, 5, 10)
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9), tzinfo=TZ)


def _daily(enterprise, kind, start, days, amount):
    for i in range(days):
        UtilityReading.objects.create(
            enterprise=enterprise, kind=kind, reading_date=start + dt.timedelta(days=i), consumption=Decimal(amount)
        )


def _hourly(enterprise, day, amounts: dict[int, int]):
    for hour, amount in amounts.items():
        UtilityReading.objects.create(
            enterprise=enterprise,
            kind="power",
            reading_date=day,
            hour=hour,
            interval="hour",
            consumption=Decimal(amount),
        )


def _moves(enterprise, *moves):
    previous = "destination_confirmed"
    for day, target in moves:
        StatusChange.objects.create(
            enterprise=enterprise, from_status=previous, to_status=target, at=_at(day), reason="-"
        )
        previous = target


def test_it_takes_the_stop_date_from_the_history_not_the_last_change(make_enterprise):
    """Stopped in March (100 → 3 m³/d), verified and closed in April: the
    detector compares with February, so nothing is wrong."""
    e = make_enterprise(status="closed", status_changed_at=_at(dt.date(2022, 4, 20)))
    _moves(
        e,
        (dt.date(2022, 3, 1), "production_stopped"),
        (dt.date(2022, 4, 5), "closure_verified"),
        (dt.date(2022, 4, 20), "closed"),
    )
    _daily(e, "water", dt.date(2022, 2, 1), 28, 100)
    _daily(e, "water", dt.date(2022, 3, 1), 71, 3)
    assert evaluation.check_stopped_consuming(today=TODAY) == 0
    assert not Alert.objects.exists()


def test_it_takes_the_stop_date_from_the_production_status_history(make_enterprise, programme):
    """A sealing in March is the stop; a lifecycle move in May does not reset it."""
    e = make_enterprise(production_status="sealed", status="destination_confirmed")
    ProductionStatusChange.objects.create(
        enterprise=e,
        kind="hold",
        from_status="producing",
        to_status="sealed",
        at=_at(dt.date(2022, 3, 1)),
        reason="查封",
        decision_object_type="enforcement.order",
        decision_object_id="1",
    )
    _moves(e, (dt.date(2022, 5, 2), "destination_confirmed"))
    _daily(e, "water", dt.date(2022, 2, 1), 28, 100)
    _daily(e, "water", dt.date(2022, 3, 1), 71, 3)
    assert evaluation.check_stopped_consuming(today=TODAY) == 0


def test_it_uses_an_absolute_limit_when_there_is_no_reading_from_before_the_stop(make_enterprise):
    e = make_enterprise(status="production_stopped", status_changed_at=_at(dt.date(2022, 5, 1)))
    _daily(e, "water", dt.date(2022, 5, 1), 10, 100)  # 100 m³/d, nothing before
    assert evaluation.check_stopped_consuming(today=TODAY) == 1
    alert = Alert.objects.get(kind="stopped_consuming")
    assert "没有停产前的读数" in alert.detail and alert.limit_value == 10.0  # electroplating: 10 m³/d


def test_a_site_below_the_absolute_limit_raises_nothing(make_enterprise):
    e = make_enterprise(status="production_stopped", status_changed_at=_at(dt.date(2022, 5, 1)))
    _daily(e, "water", dt.date(2022, 5, 1), 10, 2)
    assert evaluation.check_stopped_consuming(today=TODAY) == 0


def test_the_absolute_limits_follow_the_policy_and_the_industry(make_enterprise):
    from relocation.monitoring.models import MonitoringPolicy

    e = make_enterprise(status="production_stopped", status_changed_at=_at(dt.date(2022, 5, 1)), industry="dyeing")
    _daily(e, "water", dt.date(2022, 5, 1), 10, 15)
    assert evaluation.check_stopped_consuming(today=TODAY) == 0  # dyeing default: 20 m³/d
    MonitoringPolicy.objects.update_or_create(pk=1, defaults={"absolute_thresholds": {"water": {"dyeing": 12}}})
    assert evaluation.check_stopped_consuming(today=TODAY) == 1


def test_monthly_readings_are_spread_over_their_days(make_enterprise):
    """Monthly bills before the stop make the baseline (3,100 m³ in March =
    100 m³/d); daily use of 60 m³ after it is too much."""
    e = make_enterprise(status="production_stopped", status_changed_at=_at(dt.date(2022, 5, 1)))
    UtilityReading.objects.create(
        enterprise=e, kind="water", reading_date=dt.date(2022, 4, 1), interval="month", consumption=Decimal(3000)
    )
    _daily(e, "water", dt.date(2022, 5, 1), 10, 60)
    assert evaluation.check_stopped_consuming(today=TODAY) == 1
    assert "日均 100.0" in Alert.objects.get().detail


def test_hourly_readings_make_days(make_enterprise):
    """Only hourly data: 100 kWh/h before the stop, 5 kWh/h by day after it."""
    e = make_enterprise(status="production_stopped", status_changed_at=_at(dt.date(2022, 5, 1)))
    for day in range(20, 31):
        _hourly(e, dt.date(2022, 4, day), {h: 100 for h in range(24)})
    _hourly(e, dt.date(2022, 5, 8), {h: 5 for h in range(6, 22)})
    assert evaluation.check_stopped_consuming(today=TODAY) == 0


def test_it_spots_80_kwh_an_hour_at_night_in_hourly_data(make_enterprise):
    """Daily use at 30 % of before looks acceptable; the nights do not."""
    e = make_enterprise(status="production_stopped", status_changed_at=_at(dt.date(2022, 5, 1)))
    for day in range(20, 31):
        _hourly(e, dt.date(2022, 4, day), {h: 100 for h in range(24)})
    night = {22: 80, 23: 80, 0: 80, 1: 80, 2: 80, 3: 80, 4: 80, 5: 80}
    _hourly(e, dt.date(2022, 5, 8), {**{h: 5 for h in range(6, 22)}, **night})
    assert evaluation.check_stopped_consuming(today=TODAY) == 1
    assert "夜间" in Alert.objects.get().detail


def test_it_spots_night_use_without_a_baseline(make_enterprise):
    e = make_enterprise(production_status="sealed")
    _hourly(e, dt.date(2022, 5, 8), {22: 80, 23: 80, 0: 80, 1: 80, 12: 1})
    assert evaluation.check_stopped_consuming(today=TODAY) == 1


def test_the_supply_company_hears_of_the_alert_and_can_open_it(make_enterprise, units, liaison):
    water = make_user("water_liaison", "unit_liaison", units["water"])
    power = make_user("power_liaison", "unit_liaison", units["power"])
    e = make_enterprise(status="production_stopped", status_changed_at=_at(dt.date(2022, 5, 1)))
    _daily(e, "water", dt.date(2022, 4, 1), 30, 100)
    _daily(e, "water", dt.date(2022, 5, 1), 10, 90)
    assert evaluation.check_stopped_consuming(today=TODAY) == 1
    alert = Alert.objects.get()
    assert alert.responsible_unit == units["humen"]
    assert list(alert.informed_units.all()) == [units["water"]]
    assert Notification.objects.filter(recipient=water, verb="monitoring.alert").exists()
    assert Notification.objects.filter(recipient=liaison, verb="monitoring.alert").exists()
    assert not Notification.objects.filter(recipient=power).exists()
    assert selectors.alert_for_user(water, alert.pk) == alert
    assert not selectors.alerts_for_user(power).exists()
    from relocation.supervision.models import Task

    assert list(Task.objects.get(pk=alert.task_id).co_units.all()) == [units["water"]]


def test_the_import_reads_monthly_bills(enterprise, hq_staff):
    data = (
        "统一社会信用代码,日期,用量,周期\n"
        f"{enterprise.credit_code},2022-03,3100,月\n"
        f"{enterprise.credit_code},2022-04-02,12,日\n"
    ).encode()
    result = services.utility_import(actor=hq_staff, kind="water", file_name="w.csv", data=data, commit=True)
    assert not result["errors"] and result["created"] == 2
    month = UtilityReading.objects.get(interval="month")
    assert month.reading_date == dt.date(2022, 3, 1) and month.hour is None


def test_the_import_refuses_an_hourly_row_without_its_hour(enterprise, hq_staff):
    data = f"统一社会信用代码,日期,用量,周期,时段\n{enterprise.credit_code},2022-03-01,3,小时,\n".encode()
    result = services.utility_import(actor=hq_staff, kind="power", file_name="p.csv", data=data, commit=True)
    assert result["errors"] and "时段" in result["errors"][0] and not UtilityReading.objects.exists()
