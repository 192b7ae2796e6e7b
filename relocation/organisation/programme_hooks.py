"""What other apps do when a programme is loaded or reloaded.

The organisation app owns the programme file; apps that derive data from its
units (enforcement domains' lead units from the units' functions) register a
hook here from their `ready`, so that loading a programme brings them in step
without the organisation app knowing them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Hook = Callable[..., None]

_HOOKS: list[Hook] = []


def register(hook: Hook) -> None:
    """`hook(actor=..., programme=...)` runs inside the loading transaction."""
    if hook not in _HOOKS:
        _HOOKS.append(hook)


def run(*, actor: Any, programme: Any) -> None:
    for hook in _HOOKS:
        hook(actor=actor, programme=programme)
