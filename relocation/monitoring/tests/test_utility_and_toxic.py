"""Utility imports (all or nothing), the stopped-but-consuming detector, and
the highly-toxic-chemical ledger with its balance check and closure guard."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.guards import closure_blockers
from relocation.monitoring import evaluation, services
from relocation.monitoring.models import Alert, AlertStatus, ToxicMovement, UtilityReading

TODAY = dt.date(2022, 5, 10)


def csv_bytes(rows: list[list]) -> bytes:
    out = io.StringIO()
    out.write("统一社会信用代码,日期,用量,时段\n")
    for r in rows:
        out.write(",".join(str(c) for c in r) + "\n")
    return out.getvalue().encode("utf-8")


def test_it_imports_a_csv_file_whole(enterprise, hq_staff):
    data = csv_bytes(
        [[enterprise.credit_code, "2022-03-01", "12.5", ""], [enterprise.credit_code, "2022-03-02", "13", ""]]
    )
    preview = services.utility_import(actor=hq_staff, kind="water", file_name="w.csv", data=data, commit=False)
    assert preview["rows"] == 2 and not preview["errors"] and UtilityReading.objects.count() == 0
    result = services.utility_import(actor=hq_staff, kind="water", file_name="w.csv", data=data, commit=True)
    assert result["created"] == 2 and UtilityReading.objects.count() == 2


def test_it_refuses_the_whole_file_with_row_level_errors(enterprise, hq_staff):
    data = csv_bytes(
        [
            [enterprise.credit_code, "2022-03-01", "12.5", ""],
            ["91441900XXXXXXXXXX", "2022-03-02", "1", ""],
            [enterprise.credit_code, "2022-13-01", "-3", "25"],
        ]
    )
    result = services.utility_import(actor=hq_staff, kind="water", file_name="w.csv", data=data, commit=True)
    assert UtilityReading.objects.count() == 0
    assert result["errors"][0].startswith("第 3 行") and "不是本项目的企业" in result["errors"][0]
    assert result["errors"][1].startswith("第 4 行") and "日期" in result["errors"][1] and "用量" in result["errors"][1]
    assert "时段" in result["errors"][1]


def test_it_reads_excel_files_from_the_power_company(enterprise, units):
    from relocation.conftest import make_user

    power_liaison = make_user("power_liaison", "unit_liaison", units["power"])
    book = Workbook()
    sheet = book.active
    sheet.append(["统一社会信用代码", "日期", "时段", "用量"])
    for hour in range(24):
        sheet.append([enterprise.credit_code, dt.date(2022, 3, 1), hour, 10 + hour])
    buffer = io.BytesIO()
    book.save(buffer)
    result = services.utility_import(
        actor=power_liaison, kind="power", file_name="p.xlsx", data=buffer.getvalue(), commit=True
    )
    assert result["created"] == 24 and UtilityReading.objects.filter(hour__isnull=False).count() == 24


def test_it_refuses_imports_by_other_units(enterprise, outsider):
    with pytest.raises(PermissionDeniedError):
        services.utility_import(actor=outsider, kind="water", file_name="w.csv", data=b"", commit=True)


def _daily(enterprise, kind, start, days, amount):
    for i in range(days):
        UtilityReading.objects.create(
            enterprise=enterprise, kind=kind, reading_date=start + dt.timedelta(days=i), consumption=Decimal(amount)
        )


def stopped(make_enterprise, **kw):
    import zoneinfo

    return make_enterprise(
        status="production_stopped",
        status_changed_at=dt.datetime(2022, 5, 1, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")),
        **kw,
    )


def test_it_flags_a_stopped_enterprise_that_keeps_using_water(make_enterprise, liaison):
    from relocation.supervision.models import Task

    e = stopped(make_enterprise)
    _daily(e, "water", dt.date(2022, 4, 1), 30, 100)  # baseline 100 m³/day
    _daily(e, "water", dt.date(2022, 5, 1), 10, 60)  # still 60 % after the stop
    assert evaluation.check_stopped_consuming(today=TODAY) == 1
    alert = Alert.objects.get(kind="stopped_consuming")
    assert alert.enterprise == e and alert.responsible_unit == e.territorial_unit
    task = Task.objects.get(pk=alert.task_id)
    assert task.lead_unit == e.territorial_unit and task.source == "monitoring"
    # Second run the same day: nothing new, nothing counted twice.
    assert evaluation.check_stopped_consuming(today=TODAY) == 0
    alert.refresh_from_db()
    assert alert.occurrences == 1 and Task.objects.count() == 1


def test_it_leaves_alone_a_stopped_enterprise_whose_use_dropped(make_enterprise):
    e = stopped(make_enterprise)
    _daily(e, "water", dt.date(2022, 4, 1), 30, 100)
    _daily(e, "water", dt.date(2022, 5, 1), 10, 5)
    assert evaluation.check_stopped_consuming(today=TODAY) == 0


def test_it_leaves_alone_producing_enterprises(make_enterprise):
    e = make_enterprise()
    _daily(e, "water", dt.date(2022, 4, 1), 40, 100)
    assert evaluation.check_stopped_consuming(today=TODAY) == 0


def test_it_spots_night_time_production_in_hourly_power_data(make_enterprise):
    e = make_enterprise(production_status="sealed")
    _daily(e, "power", dt.date(2022, 4, 1), 30, 2400)  # 100 kWh/h before
    _daily(e, "power", dt.date(2022, 5, 3), 7, 300)  # daily use looks low …
    for hour in (22, 23, 0, 1, 2, 3):  # … but the machines run at night
        UtilityReading.objects.create(
            enterprise=e,
            kind="power",
            reading_date=dt.date(2022, 5, 8),
            hour=hour,
            interval="hour",
            consumption=Decimal(80),
        )
    from relocation.monitoring.models import MonitoringPolicy

    MonitoringPolicy.objects.update_or_create(pk=1, defaults={"stopped_share": Decimal("0.5")})
    assert evaluation.check_stopped_consuming(today=TODAY) == 1
    assert "夜间" in Alert.objects.get(kind="stopped_consuming").detail


def test_it_keeps_the_toxic_balance_and_raises_a_discrepancy(enterprise, hq_staff):
    record = lambda kind, qty, day: services.toxic_movement_record(  # noqa: E731
        actor=hq_staff,
        enterprise=enterprise,
        chemical="氰化钠",
        kind=kind,
        quantity_kg=Decimal(qty),
        occurred_on=day,
        permit_no="GM-2022-01" if kind == "purchase" else "",
    )
    record("purchase", "50", dt.date(2022, 1, 5))
    record("use", "20", dt.date(2022, 2, 1))
    record("stocktake", "30", dt.date(2022, 2, 2))
    assert not Alert.objects.filter(kind="toxic_discrepancy").exists()
    record("use", "5", dt.date(2022, 3, 1))
    record("stocktake", "20", dt.date(2022, 3, 2))  # book says 25
    alert = Alert.objects.get(kind="toxic_discrepancy")
    assert "25" in alert.detail
    record("disposal", "5", dt.date(2022, 3, 1))  # the missing 5 kg were disposed of: book now 20
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CLOSED


def test_it_blocks_closure_verification_until_the_stock_is_zero(enterprise, hq_staff):
    services.toxic_movement_record(
        actor=hq_staff,
        enterprise=enterprise,
        chemical="氰化钾",
        kind="purchase",
        quantity_kg=Decimal("3.5"),
        occurred_on=dt.date(2022, 1, 1),
        permit_no="GM-2022-02",
    )
    blockers = closure_blockers(enterprise)
    assert len(blockers) == 1 and "氰化钾" in blockers[0] and "3.5" in blockers[0]
    services.toxic_movement_record(
        actor=hq_staff,
        enterprise=enterprise,
        chemical="氰化钾",
        kind="disposal",
        quantity_kg=Decimal("3.5"),
        occurred_on=dt.date(2022, 1, 2),
    )
    assert closure_blockers(enterprise) == []


def test_it_refuses_ledger_lines_from_units_without_a_say(enterprise, outsider):
    with pytest.raises(PermissionDeniedError):
        services.toxic_movement_record(
            actor=outsider,
            enterprise=enterprise,
            chemical="氰化钠",
            kind="purchase",
            quantity_kg=Decimal(1),
            occurred_on=dt.date(2022, 1, 1),
        )
    assert not ToxicMovement.objects.exists()


def test_it_refuses_bad_ledger_lines(enterprise, hq_staff):
    with pytest.raises(ServiceError):
        services.toxic_movement_record(
            actor=hq_staff,
            enterprise=enterprise,
            chemical=" ",
            kind="purchase",
            quantity_kg=Decimal(1),
            occurred_on=dt.date(2022, 1, 1),
        )


def test_it_looks_credit_codes_up_in_the_importers_programme_only(enterprise, hq_staff):
    """An enterprise of another programme is unknown to this programme's import."""
    import datetime as dt

    from relocation.conftest import make_unit, valid_credit_code
    from relocation.organisation.models import Programme

    other = Programme.objects.create(
        code="other", name="另一项目", zone_name="另一区域", city="另一市", deadline=dt.date(2023, 12, 31)
    )
    town = make_unit(other, "t2", "另一街道", "town", ("territorial_town",))
    foreign = type(enterprise).objects.create(
        programme=other, name="另一企业", credit_code=valid_credit_code(777), territorial_unit=town
    )
    data = csv_bytes([[foreign.credit_code, "2022-03-01", "1", ""]])
    result = services.utility_import(actor=hq_staff, kind="water", file_name="w.csv", data=data, commit=True)
    assert UtilityReading.objects.count() == 0
    assert "不是本项目的企业" in result["errors"][0]
