"""Signed checkpoints of the audit chain head, kept outside the database.

A periodic job (core.tasks.checkpoint_audit_chain) appends one JSON line per
run to AUDIT_CHECKPOINT_FILE and writes the same line to the log, which the
deployment ships off the host. Each line carries an HMAC under a key derived
from AUDIT_CHAIN_KEY, so a checkpoint cannot be forged with database or file
access alone. `audit.verify_chain` compares the table with them: entries cut
off the end, or a chain rebuilt since, no longer match what was anchored.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

log = logging.getLogger("relocation.audit.checkpoint")

PURPOSE = b"audit-checkpoint:"


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str  # ISO time the head was read


def _path() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_FILE)


def _signature(seq: int, hash_: str, at: str) -> str:
    from relocation.core.audit import chain_key

    message = f"{seq}|{hash_}|{at}".encode()
    return hmac.new(chain_key(PURPOSE), message, hashlib.sha256).hexdigest()


def line_for(checkpoint: Checkpoint) -> str:
    return json.dumps({**asdict(checkpoint), "sig": _signature(checkpoint.seq, checkpoint.hash, checkpoint.at)})


def write() -> Checkpoint | None:
    """Anchor the current head: append a signed line to the file and the log.
    Nothing to anchor while the chain is empty."""
    from relocation.core.models import AuditChainHead

    head = AuditChainHead.objects.filter(id=1).first()
    if head is None or head.seq == 0:
        return None
    checkpoint = Checkpoint(seq=head.seq, hash=head.hash, at=timezone.now().isoformat(timespec="seconds"))
    line = line_for(checkpoint)
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Append-only and flushed to disk: a crash never leaves half a line behind a good one.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, (line + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    log.info("audit checkpoint %s", line)
    return checkpoint


def read(path: Path | None = None) -> tuple[list[Checkpoint], int]:
    """The checkpoints whose signature is valid, and how many lines are not."""
    path = path or _path()
    if not path.exists():
        return [], 0
    good: list[Checkpoint] = []
    bad = 0
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
            checkpoint = Checkpoint(seq=int(data["seq"]), hash=str(data["hash"]), at=str(data["at"]))
            valid = hmac.compare_digest(str(data["sig"]), _signature(checkpoint.seq, checkpoint.hash, checkpoint.at))
        except (ValueError, KeyError, TypeError):
            valid = False
        if valid:
            good.append(checkpoint)
        else:
            bad += 1
    return good, bad


def archive(path: Path | None = None) -> Path | None:
    """Set the file aside after a re-key: its hashes no longer exist in the
    chain. The old file stays as the record of what was anchored before."""
    path = path or _path()
    if not path.exists():
        return None
    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    target = path.with_name(f"{path.stem}.before-rekey-{stamp}{path.suffix}")
    path.rename(target)
    return target
