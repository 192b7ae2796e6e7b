"""Reassembly of split packets (Flag bit D = 1, PNUM/PNO).

Parts of one message share MN, CN and PNUM (the standard's example gives
each part its own QN). When all parts have arrived, their CP contents are
joined in PNO order into one frame; parts that never complete expire.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from relocation.monitoring.hj212.frame import Frame, parse_cp


@dataclass
class _Pending:
    parts: dict[int, Frame] = field(default_factory=dict)
    started: float = 0.0


class Reassembler:
    def __init__(self, *, timeout: float = 120.0, max_pending: int = 1000) -> None:
        self.timeout = timeout
        self.max_pending = max_pending
        self._pending: dict[tuple[str, str, int], _Pending] = {}

    def feed(self, frame: Frame, now: float | None = None) -> tuple[Frame, list[Frame]] | None:
        """Add a part; returns (the whole message, its parts) when complete."""
        if not frame.is_split:
            return frame, [frame]
        now = time.monotonic() if now is None else now
        self.expire(now)
        key = (frame.mn, frame.cn, frame.pnum)
        pending = self._pending.get(key)
        if pending is None:
            if len(self._pending) >= self.max_pending:
                oldest = min(self._pending, key=lambda k: self._pending[k].started)
                del self._pending[oldest]
            pending = self._pending[key] = _Pending(started=now)
        pending.parts[frame.pno] = frame
        if len(pending.parts) < frame.pnum:
            return None
        del self._pending[key]
        parts = [pending.parts[i] for i in sorted(pending.parts)]
        return merge(parts), parts

    def expire(self, now: float) -> int:
        stale = [k for k, p in self._pending.items() if now - p.started > self.timeout]
        for key in stale:
            del self._pending[key]
        return len(stale)

    def __len__(self) -> int:
        return len(self._pending)


def merge(parts: list[Frame]) -> Frame:
    first = parts[0]
    cp_texts = []
    for part in parts:
        seg = part.raw_segment
        cp_texts.append(seg[seg.find("CP=&&") + 5 : -2])
    cp, values = parse_cp(";".join(t for t in cp_texts if t))
    header = {k: v for k, v in first.header.items() if k not in {"PNUM", "PNO"}}
    return Frame(
        raw_segment=first.raw_segment,
        header=header,
        cp=cp,
        values=values,
        length=sum(p.length for p in parts),
        crc=first.crc,
        crc_variant=first.crc_variant,
        version=first.version,
        warnings=[w for p in parts for w in p.warnings],
    )
