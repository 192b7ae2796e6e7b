"""Economic compensation (经济补偿金) under art. 47 of the Labour Contract Law
(劳动合同法第四十七条).

- One month's wage for each full year of service; six months or more but less
  than a year count as one year; less than six months earn half a month's wage.
- The monthly wage is the worker's average of the last twelve months (the
  roster's monthly wage stands for it).
- When that wage is above three times the local average monthly wage of the
  previous year (published by the city), the wage counted is three times that
  average and the years counted are at most twelve.

The multiple (3) and the year cap (12) are parameters because a city's
implementing rules name them; the defaults are the statute's."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CAP_MULTIPLE = Decimal(3)
CAP_YEARS = 12


@dataclass(frozen=True)
class Severance:
    service_months: int  # full months from hiring to separation
    months_counted: Decimal  # months of wage owed (0.5, 1, 2 …)
    wage_counted: Decimal  # the monthly wage used (capped for high earners)
    capped: bool  # the high-earner cap applied
    amount: Decimal


def full_months(start: dt.date, end: dt.date) -> int:
    """Whole months from `start` to `end` (15 March → 14 April is 0, → 15 April is 1)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def compute(
    *,
    hired_on: dt.date,
    separated_on: dt.date,
    monthly_wage: Decimal,
    average_wage: Decimal,
    cap_multiple: Decimal = CAP_MULTIPLE,
    cap_years: int = CAP_YEARS,
) -> Severance:
    """The compensation owed to one worker; see the module docstring for the rules."""
    months = full_months(hired_on, separated_on)
    years, rest = divmod(months, 12)
    counted = Decimal(years) + (Decimal(1) if rest >= 6 else (Decimal("0.5") if rest else Decimal(0)))
    ceiling = (average_wage * cap_multiple).quantize(Decimal("0.01"))
    capped = monthly_wage > ceiling
    wage = ceiling if capped else monthly_wage
    if capped:
        counted = min(counted, Decimal(cap_years))
    amount = (wage * counted).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return Severance(service_months=months, months_counted=counted, wage_counted=wage, capped=capped, amount=amount)
