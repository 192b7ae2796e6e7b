"""From a decoded frame to measurement rows, and the directory of known
devices the server authenticates against. No ORM calls in the event loop:
`PointDirectory.load()` runs in a thread."""

from __future__ import annotations

import datetime as dt
import hmac
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from relocation.monitoring import units
from relocation.monitoring.hj212 import codes
from relocation.monitoring.hj212.frame import Frame

# Pollutant codes and data flags go into COPY text: letters and digits only.
_CODE_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

# point_id, cn, data_time, pollutant, value, min, max, cou, flag, received_at
Row = tuple[int, str, dt.datetime, str, float | None, float | None, float | None, float | None, str, dt.datetime]


@dataclass(frozen=True)
class PointInfo:
    id: int
    mn: str
    password: str
    crc_variant: str
    unit_overrides: dict[str, str] = field(default_factory=dict)
    # pollutant code -> conversion factor, filled on first use.
    factors: dict[str, float] = field(default_factory=dict, compare=False, repr=False)

    def factor(self, code: str) -> float:
        f = self.factors.get(code)
        if f is None:
            f = self.factors[code] = units.factor(code, self.unit_overrides)
        return f

    def password_ok(self, given: str) -> bool:
        return hmac.compare_digest(self.password.encode(), given.encode())


class PointDirectory:
    """Active monitoring points by MN, reloaded periodically by the server."""

    def __init__(self, points: dict[str, PointInfo] | None = None) -> None:
        self.points = points or {}

    def get(self, mn: str) -> PointInfo | None:
        return self.points.get(mn)

    def crc_variants(self, mn: str) -> tuple[str, ...]:
        info = self.points.get(mn)
        return (info.crc_variant,) if info else ()

    @classmethod
    def load(cls) -> PointDirectory:
        from django.db import close_old_connections

        from relocation.monitoring.models import MonitoringPoint

        close_old_connections()
        points = {
            p.mn: PointInfo(
                id=p.pk,
                mn=p.mn,
                password=p.password or "",
                crc_variant=p.crc_variant,
                unit_overrides=dict(p.unit_overrides or {}),
            )
            for p in MonitoringPoint.objects.filter(is_active=True).only(
                "id", "mn", "password", "crc_variant", "unit_overrides"
            )
        }
        return cls(points)


def site_timezone() -> Any:
    from django.conf import settings

    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def rows_for(frame: Frame, point: PointInfo, received_at: dt.datetime, tz: Any) -> list[Row]:
    """The rows a data upload stores; values converted to the storage units.
    Pollutants with an unusable code or without any value are skipped."""
    cn = frame.cn
    if cn not in codes.DATA_CNS:
        return []
    naive = frame.data_time
    if naive is None:
        return []
    data_time = naive.replace(tzinfo=tz)
    main = codes.MAIN_KEY[cn]
    point_id = point.id
    factors = point.factors
    rows: list[Row] = []
    for code, fields in frame.normalised_values().items():
        if len(code) > 16 or code.strip(_CODE_CHARS) or not code:
            continue
        value = fields.get(main)
        if value is None and main == "Avg":
            value = fields.get("Rtd")
        low = fields.get("Min")
        high = fields.get("Max")
        cou = fields.get("Cou")
        if value is None and low is None and high is None and cou is None:
            continue
        flag = fields.get("Flag", "")
        if flag != "N" and (len(flag) > 2 or flag.strip(_CODE_CHARS)):
            flag = "?"
        f = factors.get(code)
        if f is None:
            f = point.factor(code)
        if f != 1.0:
            value, low, high, cou = _scaled(value, f), _scaled(low, f), _scaled(high, f), _scaled(cou, f)
        rows.append((point_id, cn, data_time, code, value, low, high, cou, flag, received_at))
    return rows


def _scaled(value: Any, f: float) -> float | None:
    if value is None:
        return None
    return value * f if f != 1.0 else value
