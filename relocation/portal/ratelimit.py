"""Per-address limits on the anonymous endpoints (submit, look up), kept in
Django's cache so that every app process shares them when the cache is Redis.

A fixed window per address and action: simple, and enough to stop a script
flooding the inbox or trying query codes."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from relocation.core.errors import ServiceError

# action -> (settings name, default count, window in seconds)
LIMITS = {
    "submit": ("PORTAL_SUBMIT_PER_HOUR", 5, 3600),
    "lookup": ("PORTAL_LOOKUP_PER_HOUR", 30, 3600),
}


class RateLimitedError(ServiceError):
    status = 429
    code = "rate_limited"


def hit(action: str, ip: str | None) -> None:
    """Count one request of `action` from `ip`; refuse it past the limit."""
    setting, default, window = LIMITS[action]
    limit = int(getattr(settings, setting, default))
    key = f"portal:{action}:{ip or 'unknown'}"
    if cache.add(key, 1, timeout=window):
        return
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return
    if count > limit:
        if action == "submit":
            raise RateLimitedError(_("提交过于频繁：同一网络每小时最多提交 %(n)s 次，请稍后再试。") % {"n": limit})
        raise RateLimitedError(_("查询过于频繁：请一小时后再试。"))
