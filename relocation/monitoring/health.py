"""Device health: what HQ and the owning unit see of each HJ 212 device —
last frame, frames today against what its interval promises, refusals by
reason, clock skew, gaps in today's series, the dialect its frames really
arrive in — worst devices first. Reads only; a fixed number of queries
whatever the number of points."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from relocation.monitoring import selectors
from relocation.monitoring.models import DeviceStatus, FrameCounter, IngestCounter, Measurement, MonitoringPoint

DIALECT_DAYS = 7  # how far back the observed dialect and the CRC proposal look


@dataclass
class DeviceHealth:
    point: MonitoringPoint
    status: DeviceStatus | None
    frames_today: int
    expected_today: int
    refusals: dict[str, int]
    gaps: int
    offline: bool
    dialects: list[tuple[str, str, int]] = field(default_factory=list)  # (CRC variant, version, frames)
    proposed_crc: str = ""

    @property
    def refused(self) -> int:
        return sum(self.refusals.values())

    @property
    def share(self) -> float:
        return self.frames_today / self.expected_today if self.expected_today else 1.0

    @property
    def badness(self) -> tuple[Any, ...]:
        return (not self.offline, -self.refused, self.share, -self.gaps, self.point.pk)


def device_health(points: list[MonitoringPoint], *, now: dt.datetime | None = None) -> list[DeviceHealth]:
    """Health of `points` (already scoped to the user), worst first."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    midnight = timezone.make_aware(dt.datetime.combine(today, dt.time()))
    rules = selectors.policy()
    mns = [p.mn for p in points]
    statuses = {s.point_id: s for s in DeviceStatus.objects.filter(point__in=points)}
    frames: dict[str, int] = dict(
        FrameCounter.objects.filter(day=today, mn__in=mns).values("mn").annotate(n=Sum("count")).values_list("mn", "n")
    )
    since = today - dt.timedelta(days=DIALECT_DAYS - 1)
    dialects: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for mn, variant, version, n in (
        FrameCounter.objects.filter(day__gte=since, mn__in=mns)
        .values("mn", "crc_variant", "version")
        .annotate(n=Sum("count"))
        .order_by("mn", "-n")
        .values_list("mn", "crc_variant", "version", "n")
    ):
        dialects[mn].append((variant, version, n))
    refusals: dict[str, dict[str, int]] = defaultdict(dict)
    crc_refusals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for day, mn, reason, n in IngestCounter.objects.filter(day__gte=since, mn__in=mns).values_list(
        "day", "mn", "reason", "count"
    ):
        if day == today:
            refusals[mn][reason] = refusals[mn].get(reason, 0) + n
        if reason.startswith("bad CRC: "):
            crc_refusals[mn][reason.removeprefix("bad CRC: ")] += n
    times: dict[int, list[dt.datetime]] = defaultdict(list)
    for point_id, when in (
        Measurement.objects.filter(point__in=points, data_time__gte=midnight, data_time__lte=now)
        .values_list("point_id", "data_time")
        .distinct()
        .order_by("point_id", "data_time")
    ):
        times[point_id].append(when)
    elapsed = max(0.0, (now - midnight).total_seconds() / 60)
    result = []
    for point in points:
        interval = point.expected_interval_minutes
        status = statuses.get(point.pk)
        allowed = dt.timedelta(minutes=float(interval * rules.gap_factor))
        last = status.last_frame_at if status else None
        proposed = ""
        for variant, n in sorted(crc_refusals[point.mn].items(), key=lambda item: -item[1]):
            if variant != point.crc_variant and n >= rules.crc_proposal_refusals:
                proposed = variant
                break
        result.append(
            DeviceHealth(
                point=point,
                status=status,
                frames_today=frames.get(point.mn, 0),
                expected_today=int(elapsed // interval),
                refusals=refusals.get(point.mn, {}),
                gaps=_gaps(times[point.pk], midnight, now, allowed),
                offline=last is None or now - last > allowed,
                dialects=dialects.get(point.mn, []),
                proposed_crc=proposed,
            )
        )
    result.sort(key=lambda h: h.badness)
    return result


def _gaps(times: list[dt.datetime], start: dt.datetime, end: dt.datetime, allowed: dt.timedelta) -> int:
    """Holes longer than `allowed` in today's series (from midnight to now)."""
    gaps = 0
    previous = start
    for when in [*times, end]:
        if when - previous > allowed:
            gaps += 1
        previous = when
    return gaps
