"""A question asked on the login form once an account has failed several times.

The lock-out counts per account and address (axes), so failures from one address cannot lock the
account out everywhere; instead, once an account has ``LOGIN_CHALLENGE_AFTER`` recent failures from
any address, every login to it must first answer a small arithmetic question. The answer lives in
the session (single use), the question needs no image or outside service, and the password is not
even checked when the answer is wrong, so a password-guessing script must solve one per guess."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

SESSION_KEY = "login_challenge"


def recent_failures(username: str) -> int:
    from axes.models import AccessAttempt

    # axes stamps attempts with timezone.now(); compare on the same clock.
    since = timezone.now() - dt.timedelta(hours=settings.AXES_COOLOFF_TIME)
    total = AccessAttempt.objects.filter(username=username, attempt_time__gte=since).aggregate(
        n=Sum("failures_since_start")
    )["n"]
    return total or 0


def required_for(username: str) -> bool:
    return bool(username) and recent_failures(username) >= settings.LOGIN_CHALLENGE_AFTER


def new_question(request: HttpRequest) -> str:
    a, b = secrets.randbelow(20) + 1, secrets.randbelow(20) + 1
    request.session[SESSION_KEY] = str(a + b)
    return _("%(a)d 加 %(b)d 等于多少？") % {"a": a, "b": b}


def answer_is_right(request: HttpRequest, answer: str) -> bool:
    """Checks and spends the session's answer: each question is good for one try."""
    expected = request.session.pop(SESSION_KEY, None)
    return expected is not None and secrets.compare_digest(expected, (answer or "").strip())
