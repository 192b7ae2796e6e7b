"""CRC checks for HJ 212 frames.

The standard's own CRC (HJ 212-2017 Annex A, "ANSI CRC16") is *not*
CRC-16/MODBUS: for each byte the register becomes ``(crc >> 8) ^ byte`` (the
low byte of the register is dropped), then it is shifted eight times with the
reflected polynomial 0xA001. Because ``(crc >> 8) ^ byte`` is always below 256,
the eight shifts depend on one byte only, so the whole step is one lookup in a
256-entry table. The result is written high byte first as four hex digits.

Check values: ``b"123456789"`` gives 0x2F80 (CRC-16/MODBUS would give 0x4B37).

Real devices deviate; `VARIANTS` lists the ones an administrator may tolerate
for a given device (`MonitoringPoint.crc_variant`).
"""

from __future__ import annotations

from collections.abc import Callable


def _reflected_step_table() -> tuple[int, ...]:
    table = []
    for value in range(256):
        crc = value
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


_TABLE = _reflected_step_table()
# Each step only needs the register's high byte: h' = (T[h] >> 8) ^ next byte.
_HIGH = tuple(t >> 8 for t in _TABLE)


# Two steps at once: h'' = _PAIR[(h << 8) | b1] ^ b2, halving the Python-level loop.
_PAIR = tuple(_HIGH[_HIGH[h] ^ b] for h in range(256) for b in range(256))


def crc_annex_a(data: bytes) -> int:
    """The HJ 212 Annex A CRC of the data segment."""
    if not data:
        return 0xFFFF
    h = 0xFF ^ data[0]
    rest = data[1:]
    if len(rest) % 2:
        h = _HIGH[h] ^ rest[0]
        rest = rest[1:]
    pair = _PAIR
    for b1, b2 in zip(rest[0::2], rest[1::2], strict=True):
        h = pair[(h << 8) | b1] ^ b2
    return _TABLE[h]


def crc_modbus(data: bytes) -> int:
    """CRC-16/MODBUS (init 0xFFFF, reflected 0xA001), as some loggers wrongly send."""
    crc = 0xFFFF
    table = _TABLE
    for byte in data:
        crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
    return crc


def _hex(value: int) -> str:
    return f"{value:04X}"


def _swap(value: int) -> int:
    return ((value & 0xFF) << 8) | (value >> 8)


# name -> function returning the 4 hex digits a device using that variant sends.
VARIANTS: dict[str, Callable[[bytes], str]] = {
    "hj212": lambda data: _hex(crc_annex_a(data)),
    # CRC-16/MODBUS written low byte first (seen on real loggers, e.g. tonyxia2016/HJ212Receiver rx.log).
    "modbus_lo": lambda data: _hex(_swap(crc_modbus(data))),
    # CRC-16/MODBUS written high byte first.
    "modbus_hi": lambda data: _hex(crc_modbus(data)),
}
STANDARD = "hj212"


def crc_text(data: bytes, variant: str = STANDARD) -> str:
    return VARIANTS[variant](data)


def matches(data: bytes, received: str, variant: str = STANDARD) -> bool:
    """Whether `received` (4 hex digits, either case) is `data`'s CRC under `variant`."""
    func = VARIANTS.get(variant)
    return func is not None and func(data) == received.upper()
