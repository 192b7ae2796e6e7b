"""Framing and parsing of HJ 212 packets (pure Python, no Django).

A packet is ``##`` + 4-digit decimal length + data segment + 4 hex CRC + CRLF.
The length is the byte count of the UTF-8 data segment (the standard says
"ASCII characters"; Chinese text is UTF-8, so bytes are what a receiver can
count). Lengths up to the 4-digit limit are accepted; above 1024 the frame is
flagged (`Frame.oversize`) because real loggers send such frames.

`decode()` never raises anything but `FrameError` for bad input: the server
counts and drops those, the command-line decoder prints them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from math import isfinite
from typing import Any

from relocation.monitoring.hj212 import crc as crc_mod

MAX_STANDARD_LENGTH = 1024
MAX_LENGTH = 9999
HEADER = b"##"
TRAILER = b"\r\n"

# Field checks are `str.strip(allowed)` (empty when every character is allowed) and
# length tests rather than regular expressions: the server decodes every frame.
_DIGITS = "0123456789"
_HEX = b"0123456789ABCDEFabcdef"
_ALNUM = _DIGITS + "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_MN_CHARS = _ALNUM + "_-"
# Characters a number may hold; float() also takes "nan", "inf", "1_0" and padding,
# which the standard does not.
_NUMBER_CHARS = _DIGITS + ".-+eE"

# No instrument measures beyond this: a larger value is a corrupt or forged frame, and
# stored it would swamp every average and sum (security review, issue 16).
MAX_ABS_VALUE = 1e15

# Keys of a pollutant whose values are numbers.
NUMERIC_KEYS = frozenset(
    {"Rtd", "Min", "Avg", "Max", "ZsRtd", "ZsMin", "ZsAvg", "ZsMax", "Cou", "RT", "RS", "Data", "DayData", "NightData"}
)
# Header keys as the standard spells them; matching is case-insensitive (field reality: "FLAG=").
# RF (补传标志, re-send flag) is HJ 212-2025's: "RF=1" on re-sent data, absent otherwise.
HEADER_KEYS = {
    "qn": "QN",
    "st": "ST",
    "cn": "CN",
    "pw": "PW",
    "mn": "MN",
    "flag": "Flag",
    "pnum": "PNUM",
    "pno": "PNO",
    "rf": "RF",
}
_HEADER_EXACT = {name: name for name in HEADER_KEYS.values()}


class FrameError(ValueError):
    """A frame that cannot be accepted; `reason` is a short machine-readable text."""

    def __init__(self, reason: str, *, mn: str = "", header: dict[str, str] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.mn = mn  # filled in by decode() whenever an MN can be read, so refusals count against the device
        self.header = header or {}


@dataclass
class Frame:
    raw_segment: str
    header: dict[str, str]
    cp: dict[str, str]  # top-level CP fields without a pollutant prefix (DataTime, QnRtn, ...)
    values: dict[str, dict[str, Any]]  # pollutant code -> {"Rtd": 2.2, "Flag": "N", ...}
    length: int
    crc: str
    crc_variant: str = crc_mod.STANDARD
    version: Any = None  # a ProtocolVersion (see versions.py)
    warnings: list[str] = field(default_factory=list)
    encrypted: bool = False  # the CP arrived SM4-encrypted (HJ 212-2025)

    @property
    def qn(self) -> str:
        return self.header.get("QN", "")

    @property
    def st(self) -> str:
        return self.header.get("ST", "")

    @property
    def cn(self) -> str:
        return self.header.get("CN", "")

    @property
    def pw(self) -> str:
        return self.header.get("PW", "")

    @property
    def mn(self) -> str:
        return self.header.get("MN", "")

    @cached_property  # decode() fills it in; asked for every answer
    def flag(self) -> int | None:
        value = self.header.get("Flag")
        return int(value) if value is not None else None

    @property
    def needs_ack(self) -> bool:
        flag = self.flag
        return flag is not None and bool(flag & 1)

    @property
    def is_split(self) -> bool:
        return "PNUM" in self.header and "PNO" in self.header

    @property
    def pnum(self) -> int:
        return int(self.header.get("PNUM", "1"))

    @property
    def pno(self) -> int:
        return int(self.header.get("PNO", "1"))

    @property
    def resent(self) -> bool:
        """Re-sent (补传) data: HJ 212-2025's RF=1."""
        return self.header.get("RF") == "1"

    @property
    def oversize(self) -> bool:
        return self.length > MAX_STANDARD_LENGTH

    @property
    def data_time(self) -> dt.datetime | None:
        if "_data_time" not in self.__dict__:
            self.__dict__["_data_time"] = parse_time(self.cp.get("DataTime", ""))
        return self.__dict__["_data_time"]

    def normalised_values(self) -> dict[str, dict[str, Any]]:
        """Values keyed by HJ 212-2017 pollutant codes, whatever the version."""
        if self.version is None or not self.version.renames_codes:
            return self.values
        return {self.version.normalise_code(code): v for code, v in self.values.items()}

    def as_json(self) -> dict[str, Any]:
        """The shape `manage.py hj212_decode` prints."""
        when = self.data_time
        return {
            "ok": True,
            "st": self.st,
            "cn": self.cn,
            "mn": self.mn,
            "flag": self.flag,
            "data_time": when.isoformat() if when else None,
            "values": self.values,
        }


def valid_mn(mn: str) -> bool:
    """An MN as the standard allows it: 1 to 32 letters, digits, "_" or "-"."""
    return 0 < len(mn) <= 32 and not mn.strip(_MN_CHARS)


def parse_time(text: str) -> dt.datetime | None:
    """YYYYMMDDhhmmss (local time of the site) -> naive datetime, or None.

    Real loggers also send YYYYMMDDhhmmsszzz, the QN format with milliseconds,
    as DataTime (see the tests): the milliseconds are dropped, the meaning is plain."""
    if len(text) == 17 and not text.strip(_DIGITS):
        text = text[:14]
    if len(text) != 14 or text.strip(_DIGITS):
        return None
    try:  # int slicing: several times faster than strptime, which the server would feel
        return dt.datetime(
            int(text[0:4]), int(text[4:6]), int(text[6:8]), int(text[8:10]), int(text[10:12]), int(text[12:14])
        )
    except ValueError:
        return None


def split_line(raw: bytes) -> tuple[bytes, str]:
    """Check the envelope and return (data segment bytes, received CRC text).

    An SM4-encrypted CP (``CP=&&{0x``) may declare the length of the *plain*
    segment (HJ 212-2025 Annex A.2 prints it so): its length is checked after
    decryption instead."""
    # The server hands over lines without their "\n"; other callers pass whole packets.
    if raw[-1:] == b"\n":
        raw = raw[:-1]
    if raw[-1:] == b"\r":
        raw = raw[:-1]
    if len(raw) < 10 or raw[:2] != HEADER:
        raise FrameError("bad header")
    length_text = raw[2:6]
    if not length_text.isdigit():  # bytes.isdigit: ASCII only
        raise FrameError("bad length")
    if len(raw) != int(length_text) + 10 and b"CP=&&{0x" not in raw:
        raise FrameError("bad length")
    crc_text = raw[-4:]
    if crc_text.strip(_HEX):
        raise FrameError("bad CRC")
    return raw[6:-4], crc_text.decode("ascii")


def parse_segment(segment: str) -> tuple[dict[str, str], dict[str, str], dict[str, dict[str, Any]]]:
    """Split the data segment into header fields, CP fields and pollutant values."""
    marker = segment.find("CP=&&")
    if marker < 0 or not segment.endswith("&&") or len(segment) < marker + 7:
        raise FrameError("malformed field: CP")
    header_text = segment[:marker]
    cp_text = segment[marker + 5 : -2]
    header: dict[str, str] = {}
    exact = _HEADER_EXACT
    for part in header_text.split(";"):
        key, sep, value = part.partition("=")
        name = exact.get(key)
        if name is not None and sep and value.strip() == value and value[-1:] != ",":
            header[name] = value  # the usual spelling, without padding
            continue
        part = part.strip().strip(",")
        if not part:
            continue
        if "=" not in part:
            raise FrameError(f"malformed field: {part[:20]}")
        key, value = part.split("=", 1)
        name = HEADER_KEYS.get(key.strip().lower())
        if name is None:
            continue  # vendor extensions in the header are tolerated and ignored
        header[name] = value.strip()
    cp, values = parse_cp(cp_text)
    return header, cp, values


def parse_cp(text: str) -> tuple[dict[str, str], dict[str, dict[str, Any]]]:
    cp: dict[str, str] = {}
    values: dict[str, dict[str, Any]] = {}
    numeric = NUMERIC_KEYS
    # ";" separates items and "," the fields of an item; both only separate fields here.
    parts = text.replace(",", ";").split(";")
    if " " not in text and text.isprintable():  # no whitespace anywhere: nothing to strip
        _parse_plain_fields(parts, cp, values)
        return cp, values
    for part in parts:
        name, sep, value = part.partition("=")
        if not sep:
            if part.strip():
                raise FrameError(f"malformed field: {part.strip()[:20]}")
            continue
        if name[:1] == " " or name[-1:] == " ":
            name = name.strip()
        if not name:
            raise FrameError("malformed field: empty name")
        code, dash, key = name.rpartition("-")
        if not dash:
            cp[name] = value.strip()
            continue
        if not code or not key:
            raise FrameError(f"malformed field: {name[:20]}")
        slot = values.get(code)
        if slot is None:
            slot = values[code] = {}
        if key in numeric:
            if not value or value.strip(_NUMBER_CHARS):
                raise FrameError(f"malformed field: {name[:20]}")
            try:
                number = float(value)
            except ValueError:
                raise FrameError(f"malformed field: {name[:20]}")
            if not -MAX_ABS_VALUE <= number <= MAX_ABS_VALUE:
                _refuse_number(number, name)
            slot[key] = number
        else:
            slot[key] = value.strip()
    return cp, values


def _parse_plain_fields(parts: list[str], cp: dict[str, str], values: dict[str, dict[str, Any]]) -> None:
    """`parse_cp` for CP text without whitespace (what devices send): the same
    checks, without the stripping. The server runs this for every field."""
    numeric = NUMERIC_KEYS
    for part in parts:
        name, sep, value = part.partition("=")
        if not sep:
            if part:
                raise FrameError(f"malformed field: {part[:20]}")
            continue
        code, dash, key = name.rpartition("-")
        if not dash:
            if not name:
                raise FrameError("malformed field: empty name")
            cp[name] = value
            continue
        if not code or not key:
            raise FrameError(f"malformed field: {name[:20]}")
        slot = values.get(code)
        if slot is None:
            slot = values[code] = {}
        if key in numeric:
            if not value or value.strip(_NUMBER_CHARS):
                raise FrameError(f"malformed field: {name[:20]}")
            try:
                number = float(value)
            except ValueError:
                raise FrameError(f"malformed field: {name[:20]}")
            if not -MAX_ABS_VALUE <= number <= MAX_ABS_VALUE:
                _refuse_number(number, name)
            slot[key] = number
        else:
            slot[key] = value


def _refuse_number(number: float, name: str) -> None:
    if not isfinite(number):  # "1e999"
        raise FrameError(f"malformed field: {name[:20]}")
    raise FrameError("value out of range")


_version_for_flag: Callable[[int | None], Any] | None = None


def decode(
    raw: bytes | str,
    *,
    crc_variants: Callable[[str], Iterable[str]] | None = None,
    sm4_key: Callable[[str], bytes | None] | None = None,
) -> Frame:
    """Decode one packet. `crc_variants(mn)` names the CRC variants tolerated for
    that device besides the standard one (the server looks them up per point);
    `sm4_key(mn)` gives the device's SM4 key when its CP is encrypted.

    Raises FrameError with reasons: "bad header", "bad length", "bad CRC",
    "bad CRC: <variant>" (the CRC is right under another known variant),
    "bad encoding", "non-ASCII text", "encrypted CP without key",
    "bad encryption", "malformed field: …", "missing field: …",
    "value out of range" (|value| > MAX_ABS_VALUE), "unsupported version". The error carries the device's MN whenever one can
    be read from the frame, so that every refusal is counted against the device.
    """
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    try:
        return _decode(raw, crc_variants, sm4_key)
    except FrameError as exc:
        if not exc.mn and exc.reason != "malformed field: MN":
            mn = _peek_mn(raw.decode("latin-1"))
            if valid_mn(mn):
                exc.mn = mn
        raise


def _decode(
    raw: bytes,
    crc_variants: Callable[[str], Iterable[str]] | None,
    sm4_key: Callable[[str], bytes | None] | None,
) -> Frame:
    global _version_for_flag
    if _version_for_flag is None:  # versions.py imports this module: bind on first use
        from relocation.monitoring.hj212.versions import version_for_flag as _version_for_flag
    seg_bytes, received = split_line(raw)
    try:
        segment = seg_bytes.decode("utf-8")
    except UnicodeDecodeError:
        raise FrameError("bad encoding")
    if not segment.isascii():
        # The data segment is ASCII by the standard; Chinese text in a flag or a note
        # ("Flag=正常", "Note=超标") would be stored as data nobody can evaluate.
        raise FrameError("non-ASCII text")
    declared = int(raw[2:6])
    encrypted = "CP=&&{0x" in segment
    if encrypted:
        sent_length = len(seg_bytes)
        segment, seg_bytes = _decrypted(segment, sm4_key)
        if declared not in (len(seg_bytes), sent_length):
            raise FrameError("bad length")
    variant = crc_mod.STANDARD
    if not crc_mod.matches(seg_bytes, received):
        # Only a device whose administrator tolerated a variant may pass.
        mn = _peek_mn(segment)
        tolerated = [v for v in (crc_variants(mn) if crc_variants and mn else ()) if v != crc_mod.STANDARD]
        for candidate in tolerated:
            if crc_mod.matches(seg_bytes, received, candidate):
                variant = candidate
                break
        else:
            # Name the known variant the device does use, so its point can be set to it.
            known = next((v for v in crc_mod.VARIANTS if crc_mod.matches(seg_bytes, received, v)), None)
            raise FrameError(f"bad CRC: {known}" if known else "bad CRC", mn=mn)
    header, cp, values = parse_segment(segment)
    for name in ("ST", "CN", "MN"):
        if not header.get(name):
            raise FrameError(f"missing field: {name}", mn=header.get("MN", ""), header=header)
    cn, st, mn = header["CN"], header["ST"], header["MN"]
    if len(cn) != 4 or cn.strip(_DIGITS):
        raise FrameError("malformed field: CN", mn=mn, header=header)
    if not 2 <= len(st) <= 3 or st.strip(_ALNUM):
        raise FrameError("malformed field: ST", mn=mn, header=header)
    if not valid_mn(mn):
        raise FrameError("malformed field: MN", header=header)
    qn = header.get("QN")
    if qn is not None and (not 14 <= len(qn) <= 20 or qn.strip(_DIGITS)):
        raise FrameError("malformed field: QN", mn=mn, header=header)
    flag_text = header.get("Flag")
    flag: int | None = None
    if flag_text is not None:
        if not (flag_text.isascii() and flag_text.isdigit()) or int(flag_text) > 255:
            raise FrameError("malformed field: Flag", mn=header["MN"], header=header)
        flag = int(flag_text)
    for name in ("PNUM", "PNO"):
        if name in header and not (header[name].isascii() and header[name].isdigit() and 0 < int(header[name]) <= 9999):
            raise FrameError(f"malformed field: {name}", mn=header["MN"], header=header)
    if ("PNUM" in header) != ("PNO" in header):
        raise FrameError("missing field: PNUM/PNO", mn=header["MN"], header=header)
    if "PNO" in header and int(header["PNO"]) > int(header["PNUM"]):
        raise FrameError("malformed field: PNO", mn=header["MN"], header=header)
    warnings: list[str] = []
    data_time = None
    if "DataTime" in cp:
        data_time = parse_time(cp["DataTime"])
        if data_time is None:
            raise FrameError("malformed field: DataTime", mn=header["MN"], header=header)
        if len(cp["DataTime"]) == 17:
            warnings.append("DataTime with milliseconds")
    elif cn in _PERIOD_CNS and values and "BeginTime" in cp:
        # Some loggers label an hour's or a day's values with the period they cover
        # (BeginTime/EndTime, as in the retrieval command) instead of DataTime; the
        # period's start is what DataTime would say.
        data_time = parse_time(cp["BeginTime"])
        end_time = parse_time(cp.get("EndTime", cp["BeginTime"]))
        if data_time is None or end_time is None or end_time < data_time:
            raise FrameError("malformed field: BeginTime", mn=header["MN"], header=header)
        cp["DataTime"] = data_time.strftime("%Y%m%d%H%M%S")
        warnings.append("BeginTime instead of DataTime")
    version = _version_for_flag(flag)
    if version is None:
        raise FrameError("unsupported version", mn=header["MN"], header=header)
    frame = Frame(
        raw_segment=segment,
        header=header,
        cp=cp,
        values=values,
        length=len(seg_bytes),
        crc=received,
        crc_variant=variant,
        version=version,
        warnings=warnings,
    )
    frame.__dict__["_data_time"] = data_time  # parsed above: the `data_time` property's cache
    frame.__dict__["flag"] = flag
    frame.encrypted = encrypted
    if frame.oversize:
        frame.warnings.append("length above 1024")
    if variant != crc_mod.STANDARD:
        frame.warnings.append(f"tolerated CRC variant {variant}")
    version.validate(frame)
    return frame


# Hour and day uploads: the ones that cover a period.
_PERIOD_CNS = frozenset({"2061", "2031"})


def _decrypted(segment: str, sm4_key: Callable[[str], bytes | None] | None) -> tuple[str, bytes]:
    from relocation.monitoring.hj212 import encryption

    mn = _peek_mn(segment)
    key = sm4_key(mn) if sm4_key and mn else None
    if not key:
        raise FrameError("encrypted CP without key", mn=mn)
    marker = segment.index("CP=&&")
    if not segment.endswith("&&") or len(segment) < marker + 7:
        raise FrameError("malformed field: CP", mn=mn)
    try:
        region = encryption.decrypt_region(segment[marker + 5 : -2], key)
    except encryption.EncryptionError:
        raise FrameError("bad encryption", mn=mn)
    plain = f"{segment[: marker + 5]}{region}&&"
    return plain, plain.encode("ascii")


def _peek_mn(segment: str) -> str:
    match = re.search(r"(?:^|;)MN=([^;]*)", segment, flags=re.IGNORECASE)
    return match.group(1).strip() if match else ""


def encode(segment: str, *, crc_variant: str = crc_mod.STANDARD, sm4_key: bytes | None = None) -> bytes:
    """Wrap a data segment into a packet. With `sm4_key`, the CP region is
    encrypted after the CRC was computed over the plain segment (HJ 212-2025
    Annex A.2); the length field then counts what is sent."""
    data = segment.encode("utf-8")
    if sm4_key is not None:
        from relocation.monitoring.hj212 import encryption

        check = crc_mod.crc_text(data, crc_variant).encode("ascii")
        marker = segment.index("CP=&&")
        sent = f"{segment[: marker + 5]}{encryption.encrypt_region(segment[marker + 5 : -2], sm4_key)}&&".encode()
        if len(sent) > MAX_LENGTH:
            raise FrameError("bad length")
        return b"##%04d" % len(sent) + sent + check + TRAILER
    if len(data) > MAX_LENGTH:
        raise FrameError("bad length")
    if crc_variant == crc_mod.STANDARD:
        return b"##%04d%s%04X\r\n" % (len(data), data, crc_mod.crc_annex_a(data))
    return b"##%04d" % len(data) + data + crc_mod.crc_text(data, crc_variant).encode("ascii") + TRAILER


def build_segment(header: dict[str, Any], cp: str) -> str:
    parts = [f"{key}={value}" for key, value in header.items() if value is not None and value != ""]
    return ";".join([*parts, f"CP=&&{cp}&&"])


def format_cp(
    data_time: dt.datetime | None, values: dict[str, dict[str, Any]], extra: dict[str, Any] | None = None
) -> str:
    """The CP text for a data upload: DataTime first, then one item per pollutant."""
    items = []
    if data_time is not None:
        items.append("DataTime=" + data_time.strftime("%Y%m%d%H%M%S"))
    for key, value in (extra or {}).items():
        items.append(f"{key}={value}")
    for code, fields in values.items():
        items.append(",".join(f"{code}-{k}={_fmt(v)}" for k, v in fields.items()))
    return ";".join(items)


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        text = f"{value:.4f}".rstrip("0").rstrip(".")
        return text or "0"
    return str(value)
