"""Tracking numbers and query codes.

The number (GZ-2022-000123) is sequential per year so that staff can read it
out on the phone; anyone could guess the next one, so a lookup also needs the
query code handed out once at submission. Only a keyed digest of the code is
stored: a leaked database does not give the codes away."""

from __future__ import annotations

import hmac
import secrets

from relocation.core import crypto
from relocation.core.documents import next_document_number

PREFIX = {"public": "GZ", "enterprise": "QY"}
# No 0/O, 1/I/L: the code is read aloud and typed from paper.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6


def next_number(channel: str, year: int) -> str:
    """Reserve the next number of the channel and year (inside the caller's transaction)."""
    prefix = PREFIX[channel]
    serial, _label = next_document_number(f"portal-{prefix}", year)
    return f"{prefix}-{year}-{serial:06d}"


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def digest(code: str) -> str:
    return crypto.blind_index(code.replace(" ", "").replace("-", ""))


def code_matches(code: str, stored_digest: str) -> bool:
    return hmac.compare_digest(digest(code), stored_digest)
