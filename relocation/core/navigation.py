"""The main menu, assembled from what each app registers in its AppConfig.ready().

Apps register their own entries so that adding a domain never edits a shared
template; each entry says who may see it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: Any  # a lazy translation
    url_name: str
    icon: str = "circle"
    order: int = 100
    visible: Callable[[Any], bool] = field(default=lambda user: True)


_registry: dict[str, NavEntry] = {}
# The menu under the user's name: their own settings (password, notifications, API token).
_account_registry: dict[str, NavEntry] = {}


def register(entry: NavEntry) -> None:
    _registry[entry.key] = entry


def register_account(entry: NavEntry) -> None:
    """An entry of the signed-in user's own menu (personal settings, not programme data)."""
    _account_registry[entry.key] = entry


def account_entries_for(user: Any) -> list[dict[str, Any]]:
    return entries_for(user, registry=_account_registry)


def entries_for(user: Any, registry: dict[str, NavEntry] | None = None) -> list[dict[str, Any]]:
    result = []
    for entry in sorted((_registry if registry is None else registry).values(), key=lambda e: (e.order, e.key)):
        if not entry.visible(user):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        result.append({"key": entry.key, "label": entry.label, "url": url, "icon": entry.icon})
    return result


# The menu's groups, in order: the entries each holds by key. An entry in no
# group stands alone in the bar; a group with one visible entry shows as that
# entry. Keys only, so the core imports no app.
GROUPS: list[tuple[str, Any, str, list[str]]] = [
    (
        "ledger",
        _("企业与搬迁"),
        "buildings",
        ["enterprises", "lifecycle", "lifecycle_overdue", "commitment_letters", "leases"],
    ),
    ("parks", _("承接园区"), "houses", ["parks", "parks_allocation", "parks_procedures", "parks_incentives"]),
    ("supervise", _("执法监管"), "shield-check", ["enforcement", "monitoring", "remediation"]),
    ("people", _("工人与诉求"), "people", ["workers", "portal"]),
    (
        "stability",
        _("维稳与舆情"),
        "broadcast",
        ["stability_risks", "stability_incidents", "stability_opinion", "stability_plans"],
    ),
    ("mechanisms", _("工作机制"), "arrow-repeat", ["tasks", "unit_reports", "scorecards", "meetings", "bulletins"]),
    (
        "system",
        _("组织与系统"),
        "diagram-3",
        ["organisation", "accounts", "account_security", "undelivered_notifications", "audit"],
    ),
]


def menu_for(user: Any) -> list[dict[str, Any]]:
    """The menu bar: stand-alone entries and dropdown groups, in order."""
    entries = entries_for(user)
    by_key = {e["key"]: e for e in entries}
    grouped = {key for _g, _l, _i, keys in GROUPS for key in keys}
    menu: list[dict[str, Any]] = [dict(e, children=[]) for e in entries if e["key"] not in grouped]
    for group_key, label, icon, keys in GROUPS:
        children = [by_key[k] for k in keys if k in by_key]
        if len(children) == 1:
            menu.append(dict(children[0], children=[]))
        elif children:
            menu.append({"key": group_key, "label": label, "icon": icon, "url": "", "children": children})
    return menu
