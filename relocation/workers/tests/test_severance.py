"""Economic compensation by art. 47 of the Labour Contract Law."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from relocation.workers.severance import compute, full_months

D = dt.date
AVG = Decimal("8000")  # local average monthly wage


def test_full_months_count_whole_months_only():
    assert full_months(D(2020, 3, 15), D(2020, 4, 14)) == 0
    assert full_months(D(2020, 3, 15), D(2020, 4, 15)) == 1


@pytest.mark.parametrize(
    ("hired", "months_counted"),
    [
        (D(2026, 1, 1), Decimal("0.5")),  # 5 months: half a month
        (D(2025, 12, 1), Decimal("1")),  # 6 months count as a year
        (D(2023, 6, 1), Decimal("3")),  # 3 years exactly
        (D(2022, 10, 1), Decimal("4")),  # 3 years 8 months → 4
        (D(2023, 1, 1), Decimal("3.5")),  # 3 years 5 months → 3.5
    ],
)
def test_it_counts_service_by_the_six_month_rule(hired, months_counted):
    result = compute(hired_on=hired, separated_on=D(2026, 6, 1), monthly_wage=Decimal("5000"), average_wage=AVG)
    assert result.months_counted == months_counted
    assert result.amount == Decimal("5000") * months_counted
    assert not result.capped


def test_a_high_earner_is_capped_at_three_times_the_average_and_twelve_years():
    result = compute(
        hired_on=D(2006, 6, 1), separated_on=D(2026, 6, 1), monthly_wage=Decimal("30000"), average_wage=AVG
    )
    assert result.capped and result.wage_counted == Decimal("24000.00")
    assert result.months_counted == 12 and result.amount == Decimal("288000.00")


def test_the_caps_are_parameters():
    result = compute(
        hired_on=D(2006, 6, 1),
        separated_on=D(2026, 6, 1),
        monthly_wage=Decimal("30000"),
        average_wage=AVG,
        cap_multiple=Decimal(2),
        cap_years=10,
    )
    assert result.wage_counted == Decimal("16000.00") and result.months_counted == 10


def test_an_ordinary_wage_over_twenty_years_is_not_capped():
    result = compute(hired_on=D(2006, 6, 1), separated_on=D(2026, 6, 1), monthly_wage=Decimal("6000"), average_wage=AVG)
    assert result.months_counted == 20 and result.amount == Decimal("120000.00")
