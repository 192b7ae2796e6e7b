"""Risk signals: facts an app knows that raise an enterprise's stability risk.

The stability app keeps the risk register (风险研判) but may not import the
apps whose records make an enterprise risky: workers (unpaid wages, severance,
social insurance) and monitoring (detector alerts) sit on the same floor. Each
of them registers a provider here in its AppConfig.ready(); stability asks
`collect` and shows the signals beside what its assessors entered, the way
guards.py lets higher apps block a closure. The registry is filled at start-up,
identically in every process, and holds no per-request state.

A provider answers for many enterprises at once (one query per provider, so a
register of any length costs the same number of queries)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

# The levels of the register, in rising order; a signal suggests one of them.
LOW, MEDIUM, HIGH = "low", "medium", "high"
RANK = {LOW: 1, MEDIUM: 2, HIGH: 3}


@dataclass(frozen=True)
class RiskSignal:
    enterprise_id: int
    factor: str  # a stable key ("wage_arrears", "utility_alert" …)
    label: Any  # what the register shows as the factor (translated)
    level: str  # the level this signal alone calls for (LOW, MEDIUM or HIGH)
    detail: str = ""  # the facts behind it ("2 件，尚欠 2,900 元")
    source: str = ""  # the app that raised it


# (programme id, enterprise ids or None for every enterprise of the programme
# that has a signal) → the signals.
Provider = Callable[[int, list[int] | None], Iterable[RiskSignal]]

_providers: dict[str, Provider] = {}


def register(key: str, provider: Provider) -> Provider:
    """Install a provider under `key` (registering the key again replaces it)."""
    _providers[key] = provider
    return provider


def unregister(key: str) -> None:
    _providers.pop(key, None)


def collect(programme_id: int, enterprise_ids: Iterable[int] | None = None) -> dict[int, list[RiskSignal]]:
    """Signals per enterprise id, strongest first. With `enterprise_ids` only
    those enterprises; without, every enterprise of the programme that has one."""
    ids = None if enterprise_ids is None else list(enterprise_ids)
    result: dict[int, list[RiskSignal]] = defaultdict(list)
    if ids == []:
        return {}
    for key in sorted(_providers):
        for signal in _providers[key](programme_id, ids):
            result[signal.enterprise_id].append(signal)
    for signals in result.values():
        signals.sort(key=lambda s: -RANK.get(s.level, 0))
    return dict(result)


def highest(level: str, signals: Iterable[RiskSignal]) -> str:
    """The higher of an assessed `level` and the levels the signals call for."""
    best = level
    for signal in signals:
        if RANK.get(signal.level, 0) > RANK.get(best, 0):
            best = signal.level
    return best
