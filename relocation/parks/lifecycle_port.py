"""The one place where confirming a park allocation moves the enterprise's
lifecycle (a call down to floor 3).

`relocation.enterprises.lifecycle.destination_confirm` is owned by the
lifecycle work; while it is not on main this port records nothing and says so
(returns False), so that allocation, capacity and procedures work meanwhile.
"""

from __future__ import annotations

import importlib
from typing import Any


def lifecycle_module() -> Any | None:
    try:
        return importlib.import_module("relocation.enterprises.lifecycle")
    except ImportError:
        return None


def destination_confirm(*, actor: Any, enterprise: Any, park: Any, reason: str) -> bool:
    """Record the park as the enterprise's confirmed destination. Raises the
    lifecycle's TransitionError when the enterprise may not move there yet."""
    module = lifecycle_module()
    if module is None or not hasattr(module, "destination_confirm"):
        return False
    module.destination_confirm(
        actor=actor,
        enterprise=enterprise,
        destination_type="park",
        destination_park_id=park.pk,
        destination_name=park.name,
        reason=reason,
    )
    return True
