"""My work (我的待办): what the signed-in person must do now, from every app.

The home page leads with it, soonest deadline first. The core cannot import the
apps that hold the work (they sit on higher floors), so each app contributes a
provider in a module named `my_work` (found the way Django's admin finds
admin.py) that calls `register`. A provider answers for one user with a few
queries whatever the volume (it returns at most `limit` items, soonest first)
and scopes them itself: the user's programme, unit and role, as its own pages do.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

# Items per provider and on the page; the full lists are one click away.
LIMIT = 12


@dataclass(frozen=True)
class WorkItem:
    kind: Any  # what sort of work, shown as a badge ("督办任务", "复查")
    title: str
    action_label: Any  # the one action, on its button ("签收", "填报")
    action_url: str
    due: dt.date | dt.datetime | None = None  # the deadline; None goes last
    detail: str = ""  # the facts that say why now (a stage clock, a unit)
    source: str = ""  # the app that contributed it
    # When set, the button posts these fields to action_url (a one-click step such
    # as signing for a task); otherwise it is a link to the page that does it.
    post: tuple[tuple[str, str], ...] = ()

    @property
    def due_date(self) -> dt.date | None:
        if isinstance(self.due, dt.datetime):
            return timezone.localdate(self.due)
        return self.due

    def is_overdue(self, today: dt.date) -> bool:
        return self.due_date is not None and self.due_date < today

    def is_due_today(self, today: dt.date) -> bool:
        return self.due_date == today


# (user, today, limit) → that user's work, scoped by the provider.
Provider = Callable[[Any, dt.date, int], Iterable[WorkItem]]

_providers: dict[str, Provider] = {}
_discovered = False
_lock = threading.Lock()


def register(key: str, provider: Provider) -> Provider:
    """Install a provider under `key` (registering the key again replaces it)."""
    _providers[key] = provider
    return provider


def unregister(key: str) -> None:
    _providers.pop(key, None)


def discover() -> None:
    """Import every installed app's `my_work` module once (they register on import)."""
    global _discovered
    if _discovered:
        return
    with _lock:
        if not _discovered:
            from django.utils.module_loading import autodiscover_modules

            autodiscover_modules("my_work")
            _discovered = True


def _sort_key(item: WorkItem) -> tuple[bool, dt.date]:
    # A stable sort: items due the same day keep their provider's order.
    due = item.due_date
    return (due is None, due or dt.date.max)


def collect(user: Any, *, today: dt.date | None = None, limit: int = LIMIT) -> list[WorkItem]:
    """The user's work from every provider, soonest deadline first (undated last)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    discover()
    today = today or timezone.localdate()
    items: list[WorkItem] = []
    for key in sorted(_providers):
        for item in _providers[key](user, today, limit):
            items.append(item if item.source else _with_source(item, key))
    items.sort(key=_sort_key)
    return items[:limit]


def _with_source(item: WorkItem, key: str) -> WorkItem:
    from dataclasses import replace

    return replace(item, source=key)


# ---- the core's own: the auditor's standing duty --------------------------------


def _auditor_duties(user: Any, today: dt.date, limit: int) -> list[WorkItem]:
    from django.urls import reverse
    from django.utils.translation import gettext_lazy

    from relocation.core.roles import is_auditor

    if not is_auditor(user):
        return []
    return [
        WorkItem(
            kind=gettext_lazy("审计"),
            title=gettext_lazy("核验审计记录链是否完整"),
            action_label=gettext_lazy("核验"),
            action_url=reverse("audit_verify"),
        )
    ]


register("core.audit", _auditor_duties)
