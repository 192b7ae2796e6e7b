"""Which limits apply to a monitoring point, and whether a value meets them.

The point names a standard, a table and a discharge mode; the rows of that
table for the point's outlet kind apply (GB 21900 items 1–7 and GB 4287 Cr(VI)
are judged at the workshop outlet, the rest at the final outlet). Permit
limits of the enterprise (Standard.kind = permit) apply too: the stricter
value wins. A limit is compared only when its unit is the unit values are
stored in (mg/L for concentrations; colour in 倍 vs. [色]度 is not compared).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from relocation.monitoring import units
from relocation.monitoring.models import LimitRow, MonitoringPoint, StandardKind


@dataclass
class Limit:
    code: str
    name: str
    min_value: float | None
    max_value: float | None
    unit: str
    source: str

    def exceeded_by(self, value: float) -> bool:
        if self.max_value is not None and value > self.max_value:
            return True
        return self.min_value is not None and value < self.min_value

    def describe(self) -> str:
        if self.min_value is not None and self.max_value is not None:
            return f"{self.min_value:g}~{self.max_value:g}"
        if self.max_value is not None:
            return f"≤{self.max_value:g}"
        return f"≥{self.min_value:g}"


def storage_unit_label(code: str) -> str:
    return units.storage_unit(code)


def _as_limit(row: LimitRow) -> Limit | None:
    if not row.pollutant_code:
        return None
    if units.normalise_unit(row.unit) != units.storage_unit(row.pollutant_code):
        return None
    max_value = float(row.max_value) if row.max_value is not None else None
    if row.not_detectable:
        # "不得检出": anything at or above the method's detection limit (0 when unknown) exceeds.
        max_value = float(row.detection_limit) if row.detection_limit is not None else 0.0
    return Limit(
        code=row.pollutant_code,
        name=row.pollutant_name,
        min_value=float(row.min_value) if row.min_value is not None else None,
        max_value=max_value,
        unit=row.unit,
        source=f"{row.standard.code} 表{row.table}",
    )


# Cached limits per point (shared by the processes when the cache is Redis). An
# entry is right while both hold: the point's settings it was computed for are the
# point's settings now (the key's fingerprint), and no standard or limit row was
# written since (the LimitsVersion the database triggers change). The expiry only
# bounds what stale entries cost in memory.
CACHE_SECONDS = 3600
_CACHE_PREFIX = "monitoring:limits"


def _fingerprint(point: MonitoringPoint) -> tuple:
    return (point.standard_id, point.table, point.outlet_kind, point.discharge_mode, point.enterprise_id)


def limits_version() -> int:
    """The current version of the standards and limit rows (one query)."""
    from relocation.monitoring.models import LimitsVersion

    return LimitsVersion.objects.filter(pk=1).values_list("version", flat=True).first() or 0


def applicable_limits(point: MonitoringPoint, *, version: int | None = None) -> dict[str, Limit]:
    """The limits that apply to `point`, from the cache when still right: one
    query (the version) on a hit, none when the caller passes `version` for a
    whole run (read it once with `limits_version()`)."""
    return applicable_limits_many([point], version=version)[point.pk]


def applicable_limits_many(points: list[MonitoringPoint], *, version: int | None = None) -> dict[int, dict[str, Limit]]:
    """point id -> its limits, for a list page or a report: one cache round trip,
    and for the points not cached two queries in all, whatever their number."""
    from django.core.cache import cache

    if version is None:
        version = limits_version()
    keys = {point.pk: f"{_CACHE_PREFIX}:{point.pk}:{version}" for point in points}
    cached = cache.get_many(list(keys.values()))
    result: dict[int, dict[str, Limit]] = {}
    missing = []
    for point in points:
        hit = cached.get(keys[point.pk])
        if hit is not None and hit[0] == _fingerprint(point):
            result[point.pk] = hit[1]
        else:
            missing.append(point)
    if missing:
        computed = _compute(missing)
        cache.set_many({keys[p.pk]: (_fingerprint(p), computed[p.pk]) for p in missing}, CACHE_SECONDS)
        result.update(computed)
    return result


def _compute(points: list[MonitoringPoint]) -> dict[int, dict[str, Limit]]:
    national: Q | None = None
    for point in points:
        if point.standard_id:
            q = Q(standard_id=point.standard_id, table=point.table, location=point.outlet_kind)
            national = q if national is None else national | q
    rows = list(LimitRow.objects.filter(national).select_related("standard")) if national is not None else []
    permits = list(
        LimitRow.objects.filter(
            standard__kind=StandardKind.PERMIT, standard__enterprise_id__in={p.enterprise_id for p in points}
        ).select_related("standard")
    )
    out: dict[int, dict[str, Limit]] = {}
    for point in points:
        applicable = [
            r
            for r in rows
            if r.standard_id == point.standard_id
            and r.table == point.table
            and r.location == point.outlet_kind
            and r.mode in ("", point.discharge_mode)
        ]
        applicable += [r for r in permits if r.standard.enterprise_id == point.enterprise_id]
        result: dict[str, Limit] = {}
        for row in applicable:
            limit = _as_limit(row)
            if limit is None:
                continue
            current = result.get(limit.code)
            result[limit.code] = limit if current is None else _stricter(current, limit)
        out[point.pk] = result
    return out


def _stricter(a: Limit, b: Limit) -> Limit:
    def pick(x, y, fn):
        if x is None:
            return y
        if y is None:
            return x
        return fn(x, y)

    return Limit(
        code=a.code,
        name=a.name,
        min_value=pick(a.min_value, b.min_value, max),
        max_value=pick(a.max_value, b.max_value, min),
        unit=a.unit,
        source=f"{a.source}；{b.source}",
    )
