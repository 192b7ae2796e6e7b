"""Demo part of production supervision: monitoring points for ten Zone B
enterprises with three days of hourly data (one exceedance, one data gap),
daily water and power readings (one enterprise stopped but still consuming),
and toxic-chemical ledgers (one discrepancy, one stock not cleared).

Goes through the services and the server's storage; a second run creates
nothing new (data is only added to points, enterprises and ledgers that have none)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from relocation.enterprises.models import Enterprise, Industry
from relocation.enterprises.services import enterprise_update
from relocation.monitoring import evaluation, services, storage
from relocation.monitoring.models import Measurement, MonitoringPoint, Standard, ToxicMovement, UtilityReading
from relocation.organisation.models import Programme, User

NORMAL = {  # storage units
    "w01001": (6.8, 8.0),
    "w01018": (25.0, 60.0),
    "w21003": (1.0, 8.0),
    "w21001": (5.0, 14.0),
    "w21011": (0.08, 0.4),
    "w20122": (0.05, 0.3),
}
WORKSHOP = {"w20116": (0.05, 0.5), "w20117": (0.01, 0.12), "w20121": (0.02, 0.3)}


def seed(*, scale: str, out: Any) -> None:
    programme = Programme.objects.filter(code="humen-zone-b").first()
    if programme is None:
        out.write("  monitoring: no demo programme, skipped")
        return
    hq = User.objects.get(username="hq")
    enterprises = list(
        Enterprise.objects.filter(programme=programme).select_related("territorial_unit").order_by("id")[:10]
    )
    if not enterprises:
        return
    plating = Standard.objects.get(code="GB 21900-2008")
    dyeing = Standard.objects.get(code="GB 4287-2012")
    now = timezone.localtime()
    this_hour = now.replace(minute=0, second=0, microsecond=0)
    created_points = 0
    for i, enterprise in enumerate(enterprises):
        is_dyeing = enterprise.industry == Industry.DYEING
        specs = [("final", f"DG{enterprise.pk:06d}F01", "废水总排放口")]
        if i in (0, 3) and not is_dyeing:
            specs.append(("workshop", f"DG{enterprise.pk:06d}W01", "镀铬车间排放口"))
        for outlet, mn, name in specs:
            point = MonitoringPoint.objects.filter(mn=mn).first()
            if point is None:
                point = services.point_create(
                    actor=hq,
                    data={
                        "mn": mn,
                        "password": "123456",
                        "enterprise": enterprise,
                        "name": name,
                        "outlet_kind": outlet,
                        "standard": dyeing if is_dyeing else plating,
                        "table": "2",
                        "discharge_mode": "direct" if is_dyeing else "",
                        "crc_variant": "modbus_lo" if i == 5 else "hj212",
                        "expected_interval_minutes": 60,
                    },
                )
                created_points += 1
            if Measurement.objects.filter(point=point).exists():
                continue
            _hourly_data(point, i, outlet, this_hour)
    utility = _utility(enterprises, hq, now.date())
    toxic = _toxic(enterprises, hq, now.date())
    evaluation.evaluate_all()
    evaluation.check_stopped_consuming()
    out.write(
        f"  monitoring: {created_points} points, utility readings for {utility} enterprises, "
        f"toxic ledgers for {toxic} enterprises"
    )


def _hourly_data(point: MonitoringPoint, index: int, outlet: str, this_hour: dt.datetime) -> None:
    rng = random.Random(point.mn)
    ranges = WORKSHOP if outlet == "workshop" else NORMAL
    start = this_hour - dt.timedelta(days=3)
    # Enterprise 1: COD above the limit for four hours yesterday afternoon (closed since by good hours)
    # and again for the last three hours (open); enterprise 2: silent for 10 hours.
    bad = set()
    if index == 1:
        bad = {start + dt.timedelta(days=2, hours=14 + h) for h in range(4)}
        bad |= {this_hour - dt.timedelta(hours=h) for h in range(1, 4)}
    stop = this_hour - dt.timedelta(hours=10) if index == 2 else this_hour
    received = timezone.now()
    rows = []
    when = start
    while when < stop:
        for code, (low, high) in ranges.items():
            value = rng.uniform(low, high)
            if code == "w01018" and when in bad:
                value = rng.uniform(95, 130)
            flag = "M" if when.hour == 3 and code == "w21003" else "N"  # daily maintenance of the NH3-N analyser
            rows.append((point.pk, "2061", when, code, round(value, 4), None, None, None, flag, received))
        when += dt.timedelta(hours=1)
    storage.store_rows(rows)


def _utility(enterprises: list[Enterprise], hq: Any, today: dt.date) -> int:
    seeded = 0
    # The eighth enterprise stopped production a week ago but keeps drawing water and power.
    stopped = enterprises[min(7, len(enterprises) - 1)]
    if stopped.production_status != "stopped":
        enterprise_update(
            actor=hq, enterprise=stopped, data={"production_status": "stopped"}, expected_version=stopped.version
        )
        stopped.refresh_from_db()
    for enterprise in enterprises:
        if UtilityReading.objects.filter(enterprise=enterprise).exists():
            continue
        rng = random.Random(enterprise.pk)
        water_base = float(enterprise.wastewater_t_per_day or 50) * 1.2
        power_base = water_base * 25
        rows = []
        for day in range(45):
            date = today - dt.timedelta(days=45 - day)
            after_stop = enterprise is stopped and date >= today - dt.timedelta(days=7)
            share = 0.75 if after_stop else 1.0
            rows.append(("water", date, Decimal(f"{water_base * share * rng.uniform(0.85, 1.15):.3f}")))
            rows.append(("power", date, Decimal(f"{power_base * share * rng.uniform(0.85, 1.15):.3f}")))
        for kind in ("water", "power"):
            readings = [
                {"enterprise": enterprise, "reading_date": d, "consumption": c} for k, d, c in rows if k == kind
            ]
            services.utility_push(actor=hq, kind=kind, readings=readings)
        seeded += 1
    return seeded


def _toxic(enterprises: list[Enterprise], hq: Any, today: dt.date) -> int:
    plating = [e for e in enterprises if e.industry == Industry.ELECTROPLATING][:3]
    seeded = 0
    for n, enterprise in enumerate(plating):
        if ToxicMovement.objects.filter(enterprise=enterprise).exists():
            continue

        def record(kind: str, qty: str, days_ago: int, enterprise: Enterprise = enterprise, **extra: Any) -> None:
            services.toxic_movement_record(
                actor=hq,
                enterprise=enterprise,
                chemical="氰化钠",
                cas_number="143-33-9",
                kind=kind,
                quantity_kg=Decimal(qty),
                occurred_on=today - dt.timedelta(days=days_ago),
                **extra,
            )

        record(
            "purchase",
            "200",
            120,
            document_no="XS-2021-0815",
            permit_no="GA-GM-2021-0815",
            filing_no="GA-BA-2021-0820",
            counterparty="广东某化工有限公司",
        )
        record("use", "150", 60)
        if n == 0:
            record("disposal", "50", 20, counterparty="东莞市危险废物处置中心")
            record("stocktake", "0", 19)
        elif n == 1:
            record("stocktake", "40", 10)  # the book says 50: ten kilograms unaccounted for
        else:
            record("stocktake", "50", 10)  # stock not cleared: blocks closure verification
        seeded += 1
    return seeded
