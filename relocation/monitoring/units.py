"""Units: the HJ 212 default unit of each pollutant, what a site overrides,
and the conversion to the units of the limits.

HJ 212-2017 Table B.1 gives Cr(VI), Cd, Pb, Hg, As (and Be, Se) in µg/L while
GB 21900-2008 and GB 4287-2012 give mg/L; many analysers nevertheless report
mg/L, so the point's configuration (`MonitoringPoint.unit_overrides`) has the
last word. Values are stored in the limit unit (mg/L for concentrations).
"""

from __future__ import annotations

from relocation.monitoring.hj212.codes import POLLUTANTS

MICRO = "µg/L"
MILLI = "mg/L"
_ALIASES = {"ug/l": MICRO, "μg/l": MICRO, "µg/l": MICRO, "mg/l": MILLI}


def normalise_unit(unit: str) -> str:
    return _ALIASES.get(unit.strip().lower(), unit.strip())


def default_unit(code: str) -> str:
    return POLLUTANTS.get(code, ("", MILLI))[1]


def device_unit(code: str, overrides: dict[str, str] | None = None) -> str:
    if overrides and code in overrides:
        return normalise_unit(overrides[code])
    return default_unit(code)


def storage_unit(code: str) -> str:
    """The unit values are stored and compared in."""
    unit = default_unit(code)
    return MILLI if unit in (MICRO, MILLI) else unit


def factor(code: str, overrides: dict[str, str] | None = None) -> float:
    """Multiply a reported value by this to get the storage unit."""
    return 0.001 if device_unit(code, overrides) == MICRO else 1.0


def factors_for(codes: list[str] | tuple[str, ...], overrides: dict[str, str] | None) -> dict[str, float]:
    return {code: factor(code, overrides) for code in codes}
