"""Tracking numbers and query codes.

The number (HMB-GZ-2022-000123: the programme's prefix, the channel, the year,
the serial) is sequential per programme, channel and year so that staff can
read it out on the phone and tell at once which programme it belongs to;
anyone could guess the next one, so a lookup also needs the query code handed
out once at submission. Only a keyed digest of the code is stored: a leaked
database does not give the codes away."""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from relocation.core import crypto
from relocation.core.documents import next_document_number

CHANNEL_MARK = {"public": "GZ", "enterprise": "QY"}
# No 0/O, 1/I/L: the code is read aloud and typed from paper.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6


def programme_prefix(programme: Any) -> str:
    """The programme's declared prefix (`tracking_prefix` in its file). A
    programme without one (made before prefixes existed, or by hand) numbers
    under P<id>, which no declared prefix can take (those are letters only),
    so its numbers stay its own."""
    return programme.tracking_prefix or f"P{programme.pk}"


def next_number(programme: Any, channel: str, year: int) -> str:
    """Reserve the programme's next number of the channel and year (inside the
    caller's transaction, so a failed submission gives its number back)."""
    prefix = f"{programme_prefix(programme)}-{CHANNEL_MARK[channel]}"
    serial, _label = next_document_number(f"portal-{prefix}", year)
    return f"{prefix}-{year}-{serial:06d}"


def example_number(programme: Any, year: int) -> str:
    """What a number of the programme looks like (the lookup form's hint)."""
    return f"{programme_prefix(programme)}-{CHANNEL_MARK['public']}-{year}-000123"


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def digest(code: str) -> str:
    return crypto.blind_index(code.replace(" ", "").replace("-", ""))


def code_matches(code: str, stored_digest: str) -> bool:
    return hmac.compare_digest(digest(code), stored_digest)
