"""Masking of personal data for screens and exports.

The rule is the common Chinese practice: keep enough to recognise the value,
hide enough that a screenshot or spreadsheet leaks nothing useful.
"""

from __future__ import annotations


def mask_phone(value: str | None) -> str:
    """13812345678 -> 138****5678; landlines keep the area code and last 4."""
    if not value:
        return ""
    digits = value.strip()
    if len(digits) <= 4:
        return "*" * len(digits)
    if len(digits) >= 11:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return digits[:2] + "*" * (len(digits) - 6) + digits[-4:]


def mask_id_number(value: str | None) -> str:
    """440103199001011234 -> 4401**********1234."""
    if not value:
        return ""
    v = value.strip()
    if len(v) <= 8:
        return "*" * len(v)
    return v[:4] + "*" * (len(v) - 8) + v[-4:]


def mask_bank_account(value: str | None) -> str:
    """Only the last four digits stay visible."""
    if not value:
        return ""
    v = value.replace(" ", "")
    if len(v) <= 4:
        return "*" * len(v)
    return "*" * (len(v) - 4) + v[-4:]


def mask_name(value: str | None) -> str:
    """张三丰 -> 张*丰; 张三 -> 张*."""
    if not value:
        return ""
    if len(value) == 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]
