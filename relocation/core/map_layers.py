"""Layers that apps add to the battle map (workers' arrears, the public
channel's cases, contaminated sites, stability, detector alerts, leases…).

The dashboard sits above the domain apps but must not have to know each of
them: an app registers its layer from its AppConfig.ready(), with a function
that reads through the app's own scoped selectors and returns what the map
draws for this user and programme (None when the user may not see it).

What a layer function returns (plain JSON-able data):

    {"items": [{"lat", "lon", "name", "text", "level", "url"}...],
     "figures": [{"label", "value", "alarm"?}...]}

`level` is one of LEVELS (the marker's colour); items without a location
count in the figures but are not drawn. A layer reads a constant number of
queries, however many items it has (the battle map's query-count test runs
every registered layer)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

LEVELS = ("high", "medium", "low", "done")


@dataclass(frozen=True)
class MapLayer:
    key: str
    label: Any  # a lazy translation
    items: Callable[[Any, Any], dict[str, Any] | None]  # (user, programme) -> layer data or None
    colour: str = "#6f42c1"  # the layer's symbol in the legend and the layer switcher
    order: int = 100
    shown: bool = False  # drawn when the page opens (otherwise switched on by the user)


_registry: dict[str, MapLayer] = {}


def register(layer: MapLayer) -> None:
    _registry[layer.key] = layer


def registered() -> list[MapLayer]:
    return sorted(_registry.values(), key=lambda layer: (layer.order, layer.key))


def collect(user: Any, programme: Any) -> list[dict[str, Any]]:
    """Every layer this user may see, in order, with its data."""
    result = []
    for layer in registered():
        data = layer.items(user, programme)
        if data is None:
            continue
        result.append(
            {
                "key": layer.key,
                "label": str(layer.label),
                "colour": layer.colour,
                "shown": layer.shown,
                "items": data.get("items", []),
                "figures": data.get("figures", []),
            }
        )
    return result


def point(enterprise_row: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """An item at an enterprise's location, from a values() row with
    `enterprise__latitude` and `enterprise__longitude` (None when unlocated)."""
    return {
        "lat": enterprise_row.get("enterprise__latitude"),
        "lon": enterprise_row.get("enterprise__longitude"),
        **fields,
    }
