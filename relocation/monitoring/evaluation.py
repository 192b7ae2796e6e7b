"""The detectors: exceedances of hourly and daily averages, data gaps,
enterprises that were declared stopped but keep using water or power.

Valid data (HJ 212-2017 Table 8): only values flagged N count, plus values
without a flag (loggers that send none). T ("above the upper measuring
range") is a lower bound of the true value: it counts as an exceedance when
it is already above the limit and is otherwise left out. F (plant stopped),
M (maintenance), S (manual set value), D (fault), C (calibration) and B
(logger communication failure) are left out of averages; a period with no
valid value neither opens nor closes an exceedance alert.

Hysteresis: an open alert for (point, pollutant, period kind) is updated by
every further bad period and closes only after `close_after_good_periods`
consecutive good ones. Evaluation is idempotent: a cursor per point and
period kind remembers the last complete period evaluated.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from statistics import fmean
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relocation.enterprises import lifecycle_facts
from relocation.enterprises.models import Enterprise
from relocation.monitoring import consumption, selectors, services
from relocation.monitoring import limits as limits_mod
from relocation.monitoring.hj212.codes import POLLUTANTS
from relocation.monitoring.models import (
    AlertKind,
    EvaluationCursor,
    Measurement,
    MonitoringPoint,
    UtilityKind,
)

VALID_FLAGS = frozenset({"N", ""})
HOUR = "hour"
DAY = "day"
PERIOD_LABELS = {HOUR: gettext_lazy("小时均值"), DAY: gettext_lazy("日均值")}
# The first evaluation of a point looks this far back at most.
FIRST_LOOKBACK = {HOUR: dt.timedelta(days=7), DAY: dt.timedelta(days=30)}


def period_value(rows: list[tuple[str, float | None, str]], limit: limits_mod.Limit) -> tuple[float | None, bool]:
    """(value, exceeded) of one pollutant in one period from (cn, value, flag)
    rows, using the coarsest data the device sent (daily > hourly > minute > real-time)."""
    for cn in ("2031", "2061", "2051", "2011"):
        of_cn = [(v, f) for c, v, f in rows if c == cn and v is not None]
        if not of_cn:
            continue
        valid = [v for v, f in of_cn if f in VALID_FLAGS]
        over_range = [v for v, f in of_cn if f == "T" and limit.exceeded_by(v)]
        if valid:
            mean = fmean(valid)
            if over_range:
                return max(mean, *over_range), True
            return mean, limit.exceeded_by(mean)
        if over_range:
            return max(over_range), True
    return None, False


def aggregate_value(sums: dict[str, Any], limit: limits_mod.Limit) -> tuple[float | None, bool]:
    """`period_value` over aggregates (MeasurementHour/Day rows by CN) instead of
    raw rows: the same choice of CN, mean of valid values and over-range rule.
    Of the over-range values only the extremes are kept, which decide the
    outcome; the value shown is the extreme beyond the limit."""
    for cn in ("2031", "2061", "2051", "2011"):
        row = sums.get(cn)
        if row is None or not row.samples:
            continue
        over_range = [v for v in (row.over_range_min, row.over_range_max) if v is not None and limit.exceeded_by(v)]
        if row.valid:
            mean = row.valid_sum / row.valid
            if over_range:
                return max(mean, *over_range), True
            return mean, limit.exceeded_by(mean)
        if over_range:
            return max(over_range), True
    return None, False


def _period_start(when: dt.datetime, period: str) -> dt.datetime:
    local = timezone.localtime(when)
    if period == HOUR:
        return local.replace(minute=0, second=0, microsecond=0)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def _next(start: dt.datetime, period: str) -> dt.datetime:
    if period == HOUR:
        return start + dt.timedelta(hours=1)
    # Local midnight to local midnight (no DST in China, but stay correct).
    return timezone.make_aware(dt.datetime.combine(start.date() + dt.timedelta(days=1), dt.time()))


def evaluate_point(
    point: MonitoringPoint, *, now: dt.datetime | None = None, actor: Any = None, limits_version: int | None = None
) -> int:
    """Evaluate every complete hour and day not evaluated yet; returns how many periods were judged.
    `limits_version`: read once for a whole run (see limits.applicable_limits)."""
    now = now or timezone.now()
    policy = selectors.policy()
    applicable = limits_mod.applicable_limits(point, version=limits_version)
    judged = 0
    for period in (HOUR, DAY):
        with transaction.atomic():
            cursor = EvaluationCursor.objects.select_for_update().filter(point=point, period=period).first()
            end = _period_start(now, period)  # periods before this one are complete
            if cursor is None:
                first = (
                    Measurement.objects.filter(point=point)
                    .order_by("data_time")
                    .values_list("data_time", flat=True)
                    .first()
                )
                start = _period_start(max(first or end, end - FIRST_LOOKBACK[period]), period)
            else:
                start = timezone.localtime(cursor.evaluated_until)
            if start >= end or not applicable:
                _save_cursor(point, period, max(start, end) if applicable else end, cursor)
                continue
            rows = Measurement.objects.filter(
                point=point, data_time__gte=start, data_time__lt=end, pollutant__in=list(applicable)
            ).values_list("data_time", "pollutant", "cn", "value", "flag")
            buckets: dict[tuple[dt.datetime, str], list] = defaultdict(list)
            for when, code, cn, value, flag in rows:
                buckets[(_period_start(when, period), code)].append((cn, value, flag))
            cursor_time = start
            while cursor_time < end:
                for code, limit in applicable.items():
                    value, exceeded = period_value(buckets.get((cursor_time, code), []), limit)
                    if value is None:
                        continue
                    judged += 1
                    key = f"exceed:{point.pk}:{code}:{period}"
                    if exceeded:
                        _raise_exceedance(actor, point, code, limit, period, cursor_time, value, key)
                    else:
                        services.alert_condition_cleared(
                            actor=actor, dedupe_key=key, close_after=policy.close_after_good_periods
                        )
                cursor_time = _next(cursor_time, period)
            _save_cursor(point, period, end, cursor)
    return judged


def _save_cursor(point: MonitoringPoint, period: str, until: dt.datetime, cursor: EvaluationCursor | None) -> None:
    if cursor is None:
        EvaluationCursor.objects.create(point=point, period=period, evaluated_until=until)
    elif cursor.evaluated_until != until:
        cursor.evaluated_until = until
        cursor.save(update_fields=["evaluated_until"])


def _raise_exceedance(actor, point, code, limit, period, start, value, key) -> None:
    name = POLLUTANTS.get(code, (limit.name, ""))[0]
    unit = limits_mod.storage_unit_label(code)
    services.alert_raise(
        actor=actor,
        enterprise=point.enterprise,
        kind=AlertKind.EXCEEDANCE,
        dedupe_key=key,
        point=point,
        pollutant=code,
        period=period,
        period_start=start,
        value=round(value, 5),
        limit_value=limit.max_value if limit.max_value is not None and value > limit.max_value else limit.min_value,
        unit=unit,
        title=_("%(enterprise)s %(point)s %(name)s%(period)s超标")
        % {
            "enterprise": point.enterprise.name,
            "point": point.name,
            "name": name,
            "period": str(PERIOD_LABELS[period]),
        },
        detail=_("%(start)s 起的%(period)s为 %(value).4g %(unit)s，限值 %(limit)s（%(source)s）。")
        % {
            "start": timezone.localtime(start).strftime("%Y-%m-%d %H:%M"),
            "period": str(PERIOD_LABELS[period]),
            "value": value,
            "unit": unit,
            "limit": limit.describe(),
            "source": limit.source,
        },
    )


def check_gaps(*, now: dt.datetime | None = None, actor: Any = None) -> int:
    """Open a data-gap alert for every active point silent for longer than
    its interval × the policy's factor; close it when data comes back."""
    now = now or timezone.now()
    policy = selectors.policy()
    latest = dict(
        Measurement.objects.values("point_id").annotate(last=Max("data_time")).values_list("point_id", "last")
    )
    opened = 0
    for point in MonitoringPoint.objects.filter(is_active=True).select_related(
        "enterprise", "enterprise__territorial_unit"
    ):
        key = f"gap:{point.pk}"
        allowed = dt.timedelta(minutes=float(point.expected_interval_minutes * policy.gap_factor))
        last = latest.get(point.pk)
        silent_since = last or point.created_at
        if now - silent_since > allowed:
            _alert, created = services.alert_raise(
                actor=actor,
                enterprise=point.enterprise,
                kind=AlertKind.DATA_GAP,
                dedupe_key=key,
                point=point,
                title=_("%(enterprise)s %(point)s 数据中断")
                % {"enterprise": point.enterprise.name, "point": point.name},
                detail=_("最近一次数据时间：%(last)s；应每 %(n)s 分钟上报。")
                % {
                    "last": timezone.localtime(last).strftime("%Y-%m-%d %H:%M") if last else _("从未上报"),
                    "n": point.expected_interval_minutes,
                },
                period_start=silent_since,
                checked_on=timezone.localdate(now),
            )
            opened += int(created)
        else:
            services.alert_condition_cleared(actor=actor, dedupe_key=key, close_after=1)
    return opened


def evaluate_all(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The periodic job's body: limits for every active point, then data gaps."""
    judged = 0
    version = limits_mod.limits_version()  # the cached limits per point are right for this version
    for point in MonitoringPoint.objects.filter(is_active=True).select_related(
        "enterprise", "enterprise__territorial_unit"
    ):
        judged += evaluate_point(point, now=now, limits_version=version)
    gaps = check_gaps(now=now)
    return {"periods_judged": judged, "gaps_opened": gaps}


# -- stopped but still consuming ------------------------------------------------
def stopped_candidates() -> list[Enterprise]:
    from django.db.models import Q

    return list(
        Enterprise.objects.filter(
            Q(status__in=lifecycle_facts.MUST_NOT_CONSUME) | Q(production_status__in=consumption.STOPPED_PRODUCTION)
        )
        .select_related("territorial_unit")
        .order_by("id")
    )


def _consumption_detail(outcome: dict[str, Any], kind: str, policy: Any) -> str:
    unit = "m³" if kind == UtilityKind.WATER else "kWh"
    recent = outcome["recent"]
    recent_text = f"{recent:.1f}" if recent is not None else "—"
    if outcome["baseline"]:
        detail = _(
            "停产日 %(stop)s；停产前 %(days)s 天日均 %(base).1f %(unit)s，近 %(win)s 天日均 %(recent)s %(unit)s。"
        ) % {
            "stop": outcome["stop_date"],
            "days": policy.baseline_days,
            "base": outcome["baseline"],
            "win": policy.window_days,
            "recent": recent_text,
            "unit": unit,
        }
    else:
        detail = _(
            "停产日 %(stop)s；没有停产前的读数，按本行业停产企业的上限 %(limit)s %(unit)s/日判断，近 %(win)s 天日均 %(recent)s %(unit)s。"
        ) % {
            "stop": outcome["stop_date"],
            "limit": f"{outcome['limit'].normalize():f}",
            "win": policy.window_days,
            "recent": recent_text,
            "unit": unit,
        }
    if outcome["night"] is not None:
        detail += _("夜间（22时至6时）平均每小时用电 %(n).1f kWh（上限 %(limit).1f）。") % {
            "n": outcome["night"],
            "limit": outcome["night_limit"],
        }
    return detail


def check_stopped_consuming(*, today: dt.date | None = None, actor: Any = None) -> int:
    """The daily job: alert every stopped, closed or sealed enterprise that
    still uses water or power (consumption.py says how it is judged). The
    territorial unit is sent to re-inspect; the supply company is told."""
    today = today or timezone.localdate()
    policy = selectors.policy()
    opened = 0
    for enterprise in stopped_candidates():
        for kind in (UtilityKind.WATER, UtilityKind.POWER):
            outcome = consumption.consumption_check(enterprise, kind, today=today, policy=policy)
            if outcome is None:
                continue
            key = f"stopped:{enterprise.pk}:{kind}"
            if not outcome["triggered"]:
                services.alert_condition_cleared(
                    actor=actor, dedupe_key=key, close_after=policy.close_after_good_periods, checked_on=today
                )
                continue
            recent = outcome["recent"]
            _alert, created = services.alert_raise(
                actor=actor,
                enterprise=enterprise,
                kind=AlertKind.STOPPED_CONSUMING,
                dedupe_key=key,
                title=_("%(enterprise)s 已停产但仍在%(kind)s")
                % {"enterprise": enterprise.name, "kind": UtilityKind(kind).label},
                detail=_consumption_detail(outcome, kind, policy),
                pollutant=kind,
                period=DAY,
                period_start=timezone.make_aware(dt.datetime.combine(today, dt.time())),
                value=float(recent) if recent is not None else None,
                limit_value=float(outcome["limit"]),
                unit="m³" if kind == UtilityKind.WATER else "kWh",
                checked_on=today,
            )
            opened += int(created)
    return opened
