"""Protocol versions, chosen by the version bits of Flag (V5..V0 = Flag >> 2).

A version says how its frames differ: pollutant codes, which header fields
are mandatory, and how replies are written. The server only talks to
`ProtocolVersion`. HJ 212-2025 (in force 2026-01-01, version bits 000010, i.e.
Flag 8–11) is one such subclass; what it changes, and where each fact comes
from, is in docs/decisions/hj212-2025.md.

A frame without Flag is treated as HJ/T 212-2005 (many 2005-era loggers send
no Flag at all).
"""

from __future__ import annotations

from typing import Any

from relocation.monitoring.hj212 import codes
from relocation.monitoring.hj212.frame import Frame, FrameError, build_segment, encode


class ProtocolVersion:
    bits: int = -1
    name: str = ""
    # Whether normalise_code maps anything (set per subclass): frames of versions
    # that keep the codes skip the per-value renaming.
    renames_codes: bool = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.renames_codes = cls.normalise_code is not ProtocolVersion.normalise_code

    def normalise_code(self, code: str) -> str:
        return code

    def validate(self, frame: Frame) -> None:
        """Version-specific checks; raise FrameError."""
        _require_data_time(frame)

    def reply_flag(self, frame: Frame) -> int | None:
        return self.bits << 2

    def command_flag(self) -> int | None:
        """Flag of a command the upper computer sends: this version, answer requested."""
        return (self.bits << 2) | 1

    def command(
        self,
        *,
        qn: str,
        st: str,
        cn: str,
        pw: str,
        mn: str,
        cp_fields: dict[str, Any] | None = None,
        crc_variant: str = "hj212",
        sm4_key: bytes | None = None,
    ) -> bytes:
        """A request the server initiates (history retrieval, time calibration),
        written in this version and in the device's CRC variant."""
        from relocation.monitoring.hj212.encryption import needs_encryption

        flag = self.command_flag()
        cp = ";".join(f"{k}={v}" for k, v in (cp_fields or {}).items())
        segment = build_segment({"QN": qn, "ST": st, "CN": cn, "PW": pw, "MN": mn, "Flag": flag}, cp)
        key = sm4_key if sm4_key and needs_encryption(cn) else None
        return encode(segment, crc_variant=crc_variant, sm4_key=key)

    def reply(
        self, frame: Frame, cn: str, cp_fields: dict[str, Any] | None = None, *, crc_variant: str = "hj212"
    ) -> bytes:
        # build_segment() spelled out (empty fields left out): one answer per frame stored.
        header = frame.header
        qn, pw, mn = header.get("QN"), header.get("PW"), header.get("MN")
        flag = self.reply_flag(frame)
        cp = ";".join(f"{k}={v}" for k, v in cp_fields.items()) if cp_fields else ""
        return encode(
            f"{f'QN={qn};' if qn else ''}ST=91;CN={cn};{f'PW={pw};' if pw else ''}{f'MN={mn};' if mn else ''}"
            f"{'' if flag is None else f'Flag={flag};'}CP=&&{cp}&&",
            crc_variant=crc_variant,
        )


class Version2017(ProtocolVersion):
    """HJ 212-2017: QN in the header, replies carry Flag with version bits 000001."""

    bits = 1
    name = "HJ 212-2017"


class Version2005(ProtocolVersion):
    """HJ/T 212-2005: 3-character pollutant codes (mapped to the 2017 ones),
    uploads often without QN or Flag, and replies that carry the request's QN
    inside CP instead of the header."""

    bits = 0
    name = "HJ/T 212-2005"

    def normalise_code(self, code: str) -> str:
        return codes.CODES_2005.get(code, code)

    def command_flag(self) -> int | None:
        return 3  # the 2005 examples' retrieval commands: answer requested, no version bits

    def reply(
        self, frame: Frame, cn: str, cp_fields: dict[str, Any] | None = None, *, crc_variant: str = "hj212"
    ) -> bytes:
        header: dict[str, Any] = {"ST": "91", "CN": cn, "PW": frame.pw, "MN": frame.mn}
        fields: dict[str, Any] = {}
        if frame.qn:
            fields["QN"] = frame.qn
        fields.update(cp_fields or {})
        cp = ";".join(f"{k}={v}" for k, v in fields.items())
        return encode(build_segment(header, cp), crc_variant=crc_variant)


class Version2025(ProtocolVersion):
    """HJ 212-2025: the 2017 frame with version bits 000010 (Flag 8–11), a
    17-digit QN, the re-send flag RF=1 on back-filled data, a 9015 heartbeat
    and SM4 encryption of CP for devices given a key (handled by the decoder)."""

    bits = 2
    name = "HJ 212-2025"

    def validate(self, frame: Frame) -> None:
        rf = frame.header.get("RF")
        if rf is not None and rf != "1":  # the standard defines only RF=1; absent = not re-sent
            raise FrameError("malformed field: RF", mn=frame.mn, header=frame.header)
        _require_data_time(frame)


def _require_data_time(frame: Frame) -> None:
    """A data upload carrying values must say when they were measured. A data-free
    upload (empty CP, a logger with nothing to report) is accepted and stores nothing."""
    if (
        frame.cn in codes.DATA_CNS
        and frame.values
        and "DataTime" not in frame.cp
        and not (frame.is_split and frame.pno > 1)
    ):
        raise FrameError("missing field: DataTime", mn=frame.mn, header=frame.header)


_registry: dict[int, ProtocolVersion] = {}


def register(version: ProtocolVersion) -> None:
    _registry[version.bits] = version


def version_for_flag(flag: int | None) -> ProtocolVersion | None:
    if flag is None:
        return _registry.get(0)
    return _registry.get(flag >> 2)


def registered() -> list[ProtocolVersion]:
    return [_registry[k] for k in sorted(_registry)]


register(Version2005())
register(Version2017())
register(Version2025())

# The names a monitoring point may be set to (MonitoringPoint.protocol_version).
BY_NAME = {"2005": _registry[0], "2017": _registry[1], "2025": _registry[2]}
