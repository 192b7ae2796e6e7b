"""Writes owned by the core: account-level security events."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from relocation.core import audit


def second_factor_enrolled(*, actor: Any, device: Any) -> None:
    """Confirm a TOTP device; the enrolment is audited."""
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit.record(actor=actor, action="security.otp_enrolled", obj=actor, summary="启用二次验证")
