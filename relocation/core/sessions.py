"""The database session store on the security clock.

A session's idle expiry (SESSION_COOKIE_AGE) is a security limit: it runs on
real time even in the demo, whose clock restarts at the demo date on every
restart — on demo time a restarted demo would revive or kill sessions at random."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

from relocation.core import security_clock


class SessionStore(DatabaseSessionStore):
    def get_expiry_age(self, **kwargs: Any) -> int:
        kwargs.setdefault("modification", security_clock.now())
        return super().get_expiry_age(**kwargs)

    def get_expiry_date(self, **kwargs: Any) -> Any:
        kwargs.setdefault("modification", security_clock.now())
        return super().get_expiry_date(**kwargs)

    def _get_session_from_db(self) -> Any:
        try:
            return self.model.objects.get(session_key=self.session_key, expire_date__gt=security_clock.now())
        except self.model.DoesNotExist:
            self._session_key = None
            return None

    @classmethod
    def clear_expired(cls) -> None:
        cls.get_model_class().objects.filter(expire_date__lt=security_clock.now()).delete()
