"""How many wrong current passwords an account has given on the change-password form.

The login form is guarded by axes and the arithmetic challenge; the change-password form checks the
current password of an already signed-in session, so without a limit a stolen session could try
passwords there at will. The counter lives in the cache (Redis in production, shared by the
workers) and expires on the cache's own wall clock, never the demo clock."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache

LIMIT = 5
PAUSE_MINUTES = 15


def _key(user: Any) -> str:
    return f"password-check-failures:{user.pk}"


def paused(user: Any) -> bool:
    return int(cache.get(_key(user), 0)) >= LIMIT


def failed(user: Any) -> None:
    key = _key(user)
    # add() starts the window at the first failure; incr() keeps its expiry.
    if not cache.add(key, 1, timeout=PAUSE_MINUTES * 60):
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, timeout=PAUSE_MINUTES * 60)


def clear(user: Any) -> None:
    cache.delete(_key(user))
