"""Reads of production supervision, scoped to the user."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from relocation.enterprises.models import Enterprise
from relocation.enterprises.selectors import enterprises_for_user
from relocation.monitoring import permissions
from relocation.monitoring.hj212.codes import POLLUTANTS
from relocation.monitoring.models import (
    Alert,
    AlertKind,
    AlertStatus,
    LimitRow,
    Measurement,
    MonitoringPoint,
    MonitoringPolicy,
    ToxicMovement,
    ToxicMovementKind,
    UtilityKind,
    UtilityReading,
)


def policy() -> MonitoringPolicy:
    obj, _ = MonitoringPolicy.objects.get_or_create(pk=1)
    return obj


def alerts_for_user(user: Any) -> QuerySet[Alert]:
    """HQ sees every alert of its programme; unit staff see the alerts their
    unit is responsible for, is informed of, or that are assigned to them;
    nobody else sees any."""
    qs = Alert.objects.select_related("enterprise", "point", "responsible_unit", "assignee")
    if not permissions.can_read(user):
        return qs.none()
    programme_id = getattr(getattr(user, "unit", None), "programme_id", None)
    if programme_id:
        qs = qs.filter(enterprise__programme_id=programme_id)
    if permissions.sees_all_alerts(user):
        return qs
    if user.unit_id is None:
        return qs.none()
    informed = Alert.informed_units.through.objects.filter(unit_id=user.unit_id).values("alert_id")
    return qs.filter(Q(responsible_unit_id=user.unit_id) | Q(assignee=user) | Q(pk__in=informed))


def alert_for_user(user: Any, pk: int) -> Alert:
    return get_object_or_404(alerts_for_user(user), pk=pk)


def filter_alerts(qs: QuerySet[Alert], params: dict[str, str]) -> QuerySet[Alert]:
    status = params.get("status", "active")
    if status == "active":
        qs = qs.exclude(status=AlertStatus.CLOSED)
    elif status in AlertStatus.values:
        qs = qs.filter(status=status)
    if params.get("kind"):
        qs = qs.filter(kind=params["kind"])
    if params.get("enterprise", "").isdigit():
        qs = qs.filter(enterprise_id=int(params["enterprise"]))
    return qs


def points_for_user(user: Any) -> QuerySet[MonitoringPoint]:
    return MonitoringPoint.objects.filter(enterprise__in=enterprises_for_user(user)).select_related(
        "enterprise", "standard"
    )


def device_points_for_user(user: Any) -> QuerySet[MonitoringPoint]:
    """The devices whose health a user follows: HQ all of its programme's, a unit
    the devices of the enterprises it is the territorial unit of (it owns their alerts)."""
    return owned_points_for_user(user).filter(is_active=True)


def owned_points_for_user(user: Any) -> QuerySet[MonitoringPoint]:
    """The points a user answers for, active or not (a month's report still lists
    a point removed since): HQ all of its programme's, a unit those of the
    enterprises it is the territorial unit of."""
    qs = points_for_user(user)
    if not permissions.can_read(user):
        return qs.none()
    if permissions.sees_all_alerts(user):
        return qs
    if getattr(user, "unit_id", None) is None:
        return qs.none()
    return qs.filter(enterprise__territorial_unit_id=user.unit_id)


def point_for_user(user: Any, pk: int) -> MonitoringPoint:
    return get_object_or_404(points_for_user(user), pk=pk)


def measurements_for_user(user: Any) -> QuerySet[Measurement]:
    return Measurement.objects.filter(point__in=points_for_user(user))


def utility_for_user(user: Any) -> QuerySet[UtilityReading]:
    return UtilityReading.objects.filter(enterprise__in=enterprises_for_user(user)).select_related("enterprise")


def toxic_for_user(user: Any) -> QuerySet[ToxicMovement]:
    return ToxicMovement.objects.filter(enterprise__in=enterprises_for_user(user)).select_related(
        "enterprise", "recorded_by"
    )


def _signed(kind: str, is_reversal: bool) -> int:
    """+1 for what adds to the book, −1 for what takes from it; a counter-entry the opposite."""
    sign = 1 if kind == ToxicMovementKind.PURCHASE else -1
    return -sign if is_reversal else sign


def toxic_stock_changes(enterprise: Enterprise, chemical: str) -> list[tuple[dt.date, Decimal]]:
    """(date, signed kg) of every line of one chemical that moves the book (not stocktakes)."""
    rows = (
        ToxicMovement.objects.filter(enterprise=enterprise, chemical=chemical)
        .exclude(kind=ToxicMovementKind.STOCKTAKE)
        .values_list("occurred_on", "kind", "reverses_id", "quantity_kg")
    )
    return [(day, _signed(kind, rev is not None) * qty) for day, kind, rev, qty in rows]


def toxic_balances(enterprise: Enterprise) -> list[dict[str, Any]]:
    """Per chemical: bought, used, disposed (net of counter-entries), book
    stock, last stocktake still standing and whether the book matches it
    (bought − used − disposed = in stock)."""
    totals: dict[str, dict[str, Any]] = {}
    rows = (
        ToxicMovement.objects.filter(enterprise=enterprise)
        .exclude(kind=ToxicMovementKind.STOCKTAKE)
        .values("chemical", "kind", "reverses_id")
        .annotate(total=Sum("quantity_kg"))
    )
    for row in rows:
        slot = totals.setdefault(row["chemical"], _empty_balance(row["chemical"]))
        amount = row["total"] or Decimal(0)
        slot[row["kind"]] += -amount if row["reverses_id"] is not None else amount
    stocktakes = ToxicMovement.objects.filter(
        enterprise=enterprise, kind=ToxicMovementKind.STOCKTAKE, reverses__isnull=True, reversed_by__isnull=True
    ).order_by("chemical", "-occurred_on", "-id")
    latest: dict[str, ToxicMovement] = {}
    for st in stocktakes:
        latest.setdefault(st.chemical, st)
    for chemical, st in latest.items():
        slot = totals.setdefault(chemical, _empty_balance(chemical))
        slot["stocktake"] = st.quantity_kg
        slot["stocktake_on"] = st.occurred_on
        slot["book_at_stocktake"] = _book_until(enterprise, chemical, st.occurred_on)
    result = []
    for chemical in sorted(totals):
        slot = totals[chemical]
        slot["book"] = slot["purchase"] - slot["use"] - slot["disposal"]
        consistent = slot["book"] >= 0
        if slot["stocktake"] is not None:
            consistent = consistent and abs(slot["book_at_stocktake"] - slot["stocktake"]) <= Decimal("0.001")
        slot["consistent"] = consistent
        result.append(slot)
    return result


def _empty_balance(chemical: str) -> dict[str, Any]:
    return {
        "chemical": chemical,
        "purchase": Decimal(0),
        "use": Decimal(0),
        "disposal": Decimal(0),
        "stocktake": None,
        "stocktake_on": None,
        "book_at_stocktake": None,
    }


def _book_until(enterprise: Enterprise, chemical: str, day: dt.date) -> Decimal:
    return sum((q for d, q in toxic_stock_changes(enterprise, chemical) if d <= day), Decimal(0))


def toxic_chemicals() -> QuerySet[Any]:
    """The catalogue entries a ledger line may name."""
    from relocation.monitoring.models import ToxicChemical

    return ToxicChemical.objects.filter(is_active=True)


# Chart resolution of minute and real-time data (CN 2051, 2011): raw values up to two days,
# hourly means up to a month, daily means beyond. Hourly and daily uploads stay raw: 90 days
# of them are at most 2,160 points a pollutant.
CHART_RAW_UNTIL = dt.timedelta(days=2)
CHART_HOURLY_UNTIL = dt.timedelta(days=31)


def chart_resolution(span: dt.timedelta, cn: str = "2051") -> str:
    if cn in {"2061", "2031"} or span <= CHART_RAW_UNTIL:
        return "raw"
    return "hour" if span <= CHART_HOURLY_UNTIL else "day"


def chart_series(
    point: MonitoringPoint,
    *,
    since: dt.datetime,
    cn: str = "2061",
    until: dt.datetime | None = None,
    resolution: str = "raw",
) -> dict[str, Any]:
    """One point's values per pollutant since a time, with the limits that
    apply to it, for the ECharts panels (values in the limit units). With
    resolution "hour" or "day" the points are the means of valid values from
    the aggregates (flag empty), so a month of minute data stays a small answer."""
    from relocation.monitoring import limits as limits_mod
    from relocation.monitoring.models import MeasurementDay, MeasurementHour

    if resolution == "hour":
        hours = MeasurementHour.objects.filter(point=point, hour__gte=since, cn=cn)
        if until is not None:
            hours = hours.filter(hour__lt=until)
        rows = (
            (code, when, total / n if n else None, "")
            for code, when, total, n in hours.order_by("hour").values_list("pollutant", "hour", "valid_sum", "valid")
        )
    elif resolution == "day":
        days = MeasurementDay.objects.filter(point=point, day__gte=timezone.localdate(since), cn=cn)
        if until is not None:
            days = days.filter(day__lte=timezone.localdate(until))
        rows = (
            (code, when, total / n if n else None, "")
            for code, when, total, n in days.order_by("day").values_list("pollutant", "day", "valid_sum", "valid")
        )
    elif connection.vendor == "postgresql":
        rows = ()
    else:
        raw = Measurement.objects.filter(point=point, data_time__gte=since, cn=cn)
        if until is not None:
            raw = raw.filter(data_time__lt=until)
        rows = raw.order_by("data_time").values_list("pollutant", "data_time", "value", "flag")
    series: dict[str, list] = {}
    if resolution == "raw" and connection.vendor == "postgresql":
        series = _raw_series_postgresql(point.pk, since, until, cn)
    for code, when, value, flag in rows:
        series.setdefault(code, []).append([when.isoformat(), value, flag])
    applicable = limits_mod.applicable_limits(point)
    return {
        "point": point.name,
        "mn": point.mn,
        "resolution": resolution,
        "series": [
            {
                "code": code,
                "name": POLLUTANTS.get(code, (code, ""))[0],
                "unit": limits_mod.storage_unit_label(code),
                "data": data,
                "max": applicable[code].max_value if code in applicable else None,
                "min": applicable[code].min_value if code in applicable else None,
            }
            for code, data in sorted(series.items())
        ],
    }


def _raw_series_postgresql(point_id: int, since: dt.datetime, until: dt.datetime | None, cn: str) -> dict[str, list]:
    """The raw series built as JSON by PostgreSQL: a day of minute data is 8,640 values,
    whose conversion to Python objects and back would cost several times the query."""
    import json

    sql = (
        "SELECT pollutant, json_agg(json_build_array(data_time, value, flag) ORDER BY data_time)::text "
        "FROM monitoring_measurement WHERE point_id = %s AND cn = %s AND data_time >= %s"
    )
    args: list[Any] = [point_id, cn, since]
    if until is not None:
        sql += " AND data_time < %s"
        args.append(until)
    with connection.cursor() as cursor:
        cursor.execute(sql + " GROUP BY pollutant", args)
        return {code: json.loads(data) for code, data in cursor.fetchall()}


def limit_rows(standard_id: int | None = None) -> QuerySet[LimitRow]:
    qs = LimitRow.objects.select_related("standard")
    if standard_id:
        qs = qs.filter(standard_id=standard_id)
    return qs


# Which open alerts hold which closure step (core.guards evidence holds): the
# water company may not confirm "water cut off" while the detector sees water
# drawn, nor anyone "materials cleared" while the toxic ledger is in doubt;
# the verification of the closure is held by any of them.
HOLDING_ALERTS: dict[str, Q] = {
    "water_cut": Q(kind=AlertKind.STOPPED_CONSUMING, pollutant=UtilityKind.WATER),
    "power_cut": Q(kind=AlertKind.STOPPED_CONSUMING, pollutant=UtilityKind.POWER),
    "materials_cleared": Q(kind=AlertKind.TOXIC_DISCREPANCY),
    "verification": Q(kind__in=[AlertKind.STOPPED_CONSUMING, AlertKind.TOXIC_DISCREPANCY]),
}


def closure_holds(enterprise: Enterprise, step: str) -> list[Any]:
    """The enterprise's open alerts that contradict `step` of its closure."""
    from django.utils.translation import gettext as _

    from relocation.core.guards import EvidenceHold

    condition = HOLDING_ALERTS.get(step)
    if condition is None:
        return []
    alerts = Alert.objects.filter(condition, enterprise=enterprise).exclude(status=AlertStatus.CLOSED).order_by("id")
    return [
        EvidenceHold(
            key=f"monitoring.alert:{a.pk}",
            reason=_("监管预警未处理：%(title)s（%(value)s）")
            % {"title": a.title, "value": f"{a.value:g} {a.unit}" if a.value is not None else a.get_status_display()},
        )
        for a in alerts
    ]
