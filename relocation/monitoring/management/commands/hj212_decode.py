"""Decode HJ 212 frames read from standard input, one per line, and print one
JSON object per line: the decoded frame or {"ok": false, "error": reason}."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand

from relocation.monitoring.hj212.frame import FrameError, decode


def decode_line(line: bytes) -> dict:
    try:
        return decode(line).as_json()
    except FrameError as exc:
        return {"ok": False, "error": exc.reason}
    except Exception:  # noqa: BLE001 - the decoder must answer for every line
        return {"ok": False, "error": "malformed frame"}


class Command(BaseCommand):
    help = "Decode HJ 212 frames from standard input (one per line) into JSON lines."

    def handle(self, *args, **options) -> None:
        stream = sys.stdin.buffer
        out = self.stdout
        for line in stream:
            if not line.strip():
                continue
            if not line.endswith(b"\n"):
                line += b"\r\n"
            elif not line.endswith(b"\r\n"):
                line = line[:-1] + b"\r\n"
            out.write(json.dumps(decode_line(line), ensure_ascii=False))
