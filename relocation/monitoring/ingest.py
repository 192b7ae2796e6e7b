"""From a decoded frame to measurement rows, and the directory of known
devices the server authenticates against. No ORM calls in the event loop:
`PointDirectory.load()` runs in a thread."""

from __future__ import annotations

import datetime as dt
import hmac
import re
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from relocation.monitoring import units
from relocation.monitoring.hj212 import codes
from relocation.monitoring.hj212.frame import Frame

_SAFE_CODE = re.compile(r"[A-Za-z0-9]{1,16}\Z")
_SAFE_FLAG = re.compile(r"[A-Za-z0-9]{0,2}\Z")

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
    naive = frame.data_time
    if naive is None or frame.cn not in codes.DATA_CNS:
        return []
    data_time = naive.replace(tzinfo=tz)
    main = codes.MAIN_KEY[frame.cn]
    rows: list[Row] = []
    for code, fields in frame.normalised_values().items():
        if not _SAFE_CODE.match(code):
            continue
        value = fields.get(main)
        if value is None and main == "Avg":
            value = fields.get("Rtd")
        if value is None and not any(k in fields for k in ("Min", "Max", "Cou")):
            continue
        flag = str(fields.get("Flag", ""))
        if not _SAFE_FLAG.match(flag):
            flag = "?"
        f = point.factor(code)
        cou = fields.get("Cou")
        rows.append(
            (
                point.id,
                frame.cn,
                data_time,
                code,
                _scaled(value, f),
                _scaled(fields.get("Min"), f),
                _scaled(fields.get("Max"), f),
                _scaled(cou, f),
                flag,
                received_at,
            )
        )
    return rows


def _scaled(value: Any, f: float) -> float | None:
    if value is None:
        return None
    return value * f if f != 1.0 else value
