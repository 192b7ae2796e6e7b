"""Resident identity number (身份证号), GB 11643-1999: 17 digits and an ISO 7064
MOD 11-2 check character (0-9 or X)."""

from __future__ import annotations

import datetime as dt

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"


def check_character(first17: str) -> str:
    return CHECK[sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True)) % 11]


def is_valid(value: str) -> bool:
    v = value.strip().upper()
    if len(v) != 18 or not v[:17].isdigit():
        return False
    try:
        dt.date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        return False
    return check_character(v[:17]) == v[17]
