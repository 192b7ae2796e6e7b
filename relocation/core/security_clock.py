"""Real time for security decisions, whatever the demo clock says.

TOTP codes, session expiry (and anything else that proves who someone is or
how long a proof lasts) are judged against the real time: the authenticator on
a phone and the browser run on real time. The demo clock (config/democlock.py)
only moves the programme's dates; its jump is taken back out here. Outside the
demo this is plain `timezone.now()` — so tests that travel in time still move it.
"""

from __future__ import annotations

import datetime as dt
import time as _time

from django.utils import timezone


def _offset() -> dt.timedelta:
    from config import democlock

    return democlock.offset()


def now() -> dt.datetime:
    return timezone.now() - _offset()


def time() -> float:
    return _time.time() - _offset().total_seconds()
