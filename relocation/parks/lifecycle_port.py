"""The one place where confirming a park allocation moves the enterprise's
lifecycle (a call down to floor 3, `relocation.enterprises.lifecycle`)."""

from __future__ import annotations

from typing import Any


def lifecycle_module() -> Any:
    from relocation.enterprises import lifecycle

    return lifecycle


def destination_confirm(*, actor: Any, enterprise: Any, park: Any, reason: str) -> None:
    """Record the park as the enterprise's confirmed destination. Raises the
    lifecycle's TransitionError when the enterprise may not move there yet
    (before its commitment letter is signed, or after production stopped)."""
    lifecycle_module().destination_confirm(
        actor=actor,
        enterprise=enterprise,
        destination_type="park",
        destination_park_id=park.pk,
        destination_name=park.name,
        reason=reason,
    )
