"""Who writes: the permission check every write starts with and the acting
user recorded in histories (none when the system acts)."""

from __future__ import annotations

from typing import Any

from relocation.core.errors import PermissionDeniedError


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDeniedError(message)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None
