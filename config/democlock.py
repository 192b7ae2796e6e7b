"""The demo and training clock.

The Zone B programme ran from mid-2021 to June 2022. A demo or a training
session is only meaningful "during" the programme, so when RHQ_DEMO_TODAY is
set (make demo sets it) the whole process — web server, worker, commands —
runs on a clock that starts at that date and ticks forward normally. Never
set it in production (docs/decisions/0005-demo-clock.md).
"""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

_traveller = None


def start_from_env() -> None:
    global _traveller
    value = os.environ.get("RHQ_DEMO_TODAY", "").strip()
    if not value or _traveller is not None:
        return
    import time_machine

    day = dt.date.fromisoformat(value)
    start = dt.datetime.combine(day, dt.time(9, 0), tzinfo=ZoneInfo(os.environ.get("TIME_ZONE", "Asia/Shanghai")))
    _traveller = time_machine.travel(start, tick=True)
    _traveller.start()
