"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters from the set 0-9 A-H J-N P-R T-U W-Y (no I, O, S, V, Z); the
last is a check character computed from the first 17 with weights 3^i mod 31.
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalise(value: str) -> str:
    """Upper-case, strip spaces and turn full-width characters into ASCII."""
    out = []
    for ch in value.strip():
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            ch = chr(code - 0xFEE0)
        if not ch.isspace():
            out.append(ch)
    return "".join(out).upper()


def is_valid(value: str) -> bool:
    code = normalise(value)
    if len(code) != 18 or any(c not in ALPHABET for c in code):
        return False
    return check_character(code[:17]) == code[17]


def problem(value: str) -> str | None:
    """Why a code is invalid, in Chinese, or None when it is valid."""
    code = normalise(value)
    if len(code) != 18:
        return f"统一社会信用代码应为18位，实际为{len(code)}位"
    bad = [c for c in code if c not in ALPHABET]
    if bad:
        return f"统一社会信用代码含非法字符“{bad[0]}”"
    expected = check_character(code[:17])
    if expected != code[17]:
        return f"统一社会信用代码校验位错误（应为{expected}）"
    return None
