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
    protocol_version: str = "2017"  # the version the server's own commands are written in
    sm4_key: bytes | None = None
    interval_minutes: int = 60
    # The newest DataTime stored for the point when the directory was loaded (aware):
    # a reconnecting device whose first upload is later than this by several intervals has a gap.
    last_data_time: dt.datetime | None = None
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

    def __init__(
        self, points: dict[str, PointInfo] | None = None, *, gap_factor: float = 2.0, skew_limit_seconds: int = 120
    ) -> None:
        self.points = points or {}
        self.gap_factor = gap_factor  # a device silent longer than interval × this has a gap to back-fill
        self.skew_limit_seconds = skew_limit_seconds  # beyond this clock skew the server calibrates the device

    def get(self, mn: str) -> PointInfo | None:
        return self.points.get(mn)

    def crc_variants(self, mn: str) -> tuple[str, ...]:
        info = self.points.get(mn)
        return (info.crc_variant,) if info else ()

    def sm4_key(self, mn: str) -> bytes | None:
        info = self.points.get(mn)
        return info.sm4_key if info else None

    @classmethod
    def load(cls) -> PointDirectory:
        from django.db import close_old_connections

        from relocation.monitoring.models import DeviceStatus, MonitoringPoint

        close_old_connections()
        last = dict(DeviceStatus.objects.values_list("point_id", "last_data_time"))
        points = {
            p.mn: PointInfo(
                id=p.pk,
                mn=p.mn,
                password=p.password or "",
                crc_variant=p.crc_variant,
                unit_overrides=dict(p.unit_overrides or {}),
                protocol_version=p.protocol_version,
                sm4_key=_key_bytes(p.sm4_key),
                interval_minutes=p.expected_interval_minutes,
                last_data_time=last.get(p.pk),
            )
            for p in MonitoringPoint.objects.filter(is_active=True).only(
                "id", "mn", "password", "crc_variant", "unit_overrides", "protocol_version", "sm4_key",
                "expected_interval_minutes",
            )
        }  # fmt: skip
        from relocation.monitoring.selectors import policy

        rules = policy()
        return cls(points, gap_factor=float(rules.gap_factor), skew_limit_seconds=rules.clock_skew_limit_seconds)


def _key_bytes(text: str | None) -> bytes | None:
    """The point's SM4 key: 32 hex digits (checked when the point is saved)."""
    if not text:
        return None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        return None
    return key if len(key) == 16 else None


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
