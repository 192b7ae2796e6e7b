"""Where a task comes from (任务来源), for the task list's filter and label.

Each app that creates tasks registers its source code and label in its
`AppConfig.ready()`, so supervision names none of the higher apps and a new
domain adds its source without a supervision migration (the model field's
choices are read from here). `task_create` refuses a source nobody registered.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Source:
    code: str
    label: str | Promise
    order: int


_sources: dict[str, Source] = {}


def register(code: str, label: str | Promise, *, order: int = 50) -> None:
    """Declare a task source (at most 32 characters, the model field's length)."""
    if not code or len(code) > 32:
        raise ValueError(f"task source code {code!r} must have 1 to 32 characters")
    _sources[code] = Source(code, label, order)


def choices() -> list[tuple[str, str | Promise]]:
    """(code, label) of every registered source, in display order."""
    return [(s.code, s.label) for s in sorted(_sources.values(), key=lambda s: (s.order, s.code))]


def is_registered(code: str) -> bool:
    return code in _sources
