"""The demo and training clock.

The Zone B programme ran from mid-2021 to June 2022. A demo or a training
session is only meaningful "during" the programme, so when RHQ_DEMO_TODAY is
set (make demo sets it) the whole process — web server, worker, commands —
runs on a clock that starts at that date and ticks forward normally. Never
set it in production (docs/decisions/0005-demo-clock.md).

The demo clock moves only the programme's dates. Security clocks — TOTP codes,
session expiry — must keep real time (an authenticator app on a phone knows
nothing of the demo date), so the jump is remembered as `offset()` and
`relocation.core.security_clock` takes it back out.
"""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

_traveller = None
# How far the demo clock was set from the real time when it started (zero without one).
_offset = dt.timedelta(0)


def offset() -> dt.timedelta:
    """Demo time minus real time (both tick on together, so this stays constant)."""
    return _offset


def start_from_env() -> None:
    global _traveller, _offset
    value = os.environ.get("RHQ_DEMO_TODAY", "").strip()
    if not value or _traveller is not None:
        return
    import time_machine

    day = dt.date.fromisoformat(value)
    start = dt.datetime.combine(day, dt.time(9, 0), tzinfo=ZoneInfo(os.environ.get("TIME_ZONE", "Asia/Shanghai")))
    real_now = dt.datetime.now(tz=ZoneInfo("UTC"))
    _traveller = time_machine.travel(start, tick=True)
    _traveller.start()
    _offset = start - real_now


def stop() -> None:
    """Back to real time (for tests that start the demo clock)."""
    global _traveller, _offset
    if _traveller is not None:
        _traveller.stop()
    _traveller, _offset = None, dt.timedelta(0)
