"""Audit of authentication events. Django and axes announce these only
through signals, so the receivers live here and are connected in ready()."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from relocation.core import audit


def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    with transaction.atomic():
        audit.record(actor=user, action="security.login", obj=user, summary="登录")


def on_login_failed(sender: Any, credentials: Any, request: Any = None, **kwargs: Any) -> None:
    username = (credentials or {}).get("username", "")
    with transaction.atomic():
        audit.record(
            actor=None,
            action="security.login_failed",
            object_type="account",
            object_id=str(username)[:64],
            summary="登录失败",
        )


def on_locked_out(sender: Any, request: Any, username: str, ip_address: str, **kwargs: Any) -> None:
    with transaction.atomic():
        audit.record(
            actor=None,
            action="security.account_locked",
            object_type="account",
            object_id=str(username)[:64],
            summary=f"连续登录失败，账户 {username} 锁定 15 分钟",
        )


def connect() -> None:
    from axes.signals import user_locked_out
    from django.contrib.auth.signals import user_logged_in, user_login_failed

    user_logged_in.connect(on_login, dispatch_uid="rhq_audit_login")
    user_login_failed.connect(on_login_failed, dispatch_uid="rhq_audit_login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="rhq_audit_locked_out")
