"""Who is acting and from where, for the duration of one request or job.

A ContextVar is per request (and per asyncio task), so nothing leaks between
concurrent requests; jobs and commands leave it empty and pass the actor.
"""

from __future__ import annotations

from contextvars import ContextVar

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)
