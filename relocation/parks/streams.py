"""Wastewater streams of the receiving parks' treatment plants, and the rule
that splits an enterprise's total wastewater into them.

Pure data and functions (no Django imports) so the optimiser, the command
line and the benchmark share them.

Default split rule (HQ may overwrite the result per enterprise):
- a dyeing enterprise sends all its wastewater to the dyeing stream;
- an electroplating enterprise splits its wastewater equally over the streams
  its processes need: cyanide plating → cyanide, chromium plating → chromium,
  nickel plating → nickel, every other plating process (zinc, copper,
  precious metals, anodising, phosphating, washing …) → general plating;
  with no process recorded it all goes to general plating;
- any other industry sends all its wastewater to general plating.
Amounts are rounded to 0.01 t/d; the last stream takes the rounding rest so
the parts add up to the total.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

CYANIDE = "cyanide"
CHROMIUM = "chromium"
NICKEL = "nickel"
GENERAL = "general"
DYEING = "dyeing"
STREAMS: tuple[str, ...] = (CYANIDE, CHROMIUM, NICKEL, GENERAL, DYEING)
STREAM_LABELS = {
    CYANIDE: "含氰废水",
    CHROMIUM: "含铬废水",
    NICKEL: "含镍废水",
    GENERAL: "综合电镀废水",
    DYEING: "印染废水",
}
# The short names used in explanations (“镍废水处理能力”).
STREAM_SHORT = {CYANIDE: "氰", CHROMIUM: "铬", NICKEL: "镍", GENERAL: "综合电镀", DYEING: "印染"}
FLOOR_AREA = "floor_area_m2"

PROCESS_STREAM = {"cyanide": CYANIDE, "chromium": CHROMIUM, "nickel": NICKEL}


def streams_for(industry: str, processes: Iterable[str]) -> list[str]:
    """The streams an enterprise of this industry with these processes discharges into."""
    if industry == "dyeing":
        return [DYEING]
    if industry != "electroplating":
        return [GENERAL]
    needed = {PROCESS_STREAM.get(p, GENERAL) for p in processes}
    return [s for s in STREAMS if s in needed] or [GENERAL]


def split_wastewater(industry: str, processes: Iterable[str], total: Decimal) -> dict[str, Decimal]:
    """Every stream with its t/d (zero for the streams not used)."""
    total = Decimal(total or 0)
    streams = streams_for(industry, processes)
    result = {s: Decimal("0.00") for s in STREAMS}
    share = (total / len(streams)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    for s in streams[:-1]:
        result[s] = share
    result[streams[-1]] = (total - share * (len(streams) - 1)).quantize(Decimal("0.01"))
    return result
