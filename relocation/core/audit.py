"""Recording and verifying the hash-chained audit trail.

Every service calls `record()` inside its transaction, so the change and its
audit row commit or roll back together. Each row's hash is an HMAC, under
AUDIT_CHAIN_KEY (kept outside the database), of the previous hash and the row:
with SQL access alone a rewritten chain cannot be recomputed. A periodic job
writes signed checkpoints of the chain head outside the database
(`audit_checkpoints`), against which a cut-off tail shows up
(docs/decisions/audit-anchoring.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone

from relocation.core import crypto
from relocation.core.context import current_ip
from relocation.core.models import AuditChainHead, AuditEvent

if TYPE_CHECKING:
    from relocation.core.audit_checkpoints import Checkpoint

GENESIS = "0" * 64
MASK = "***"


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return str(value)


def _canonical(payload: dict[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, default=_json_default, separators=(",", ":"))


def _payload(event: AuditEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "created_at": event.created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "ip": event.ip,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "enterprise_id": event.enterprise_id,
        "summary": event.summary,
        # Round-trip through JSON so the hash is over exactly what is stored.
        "changes": json.loads(_canonical(event.changes or {})),
    }


def chain_key(purpose: bytes = b"audit-chain:", secret: str | None = None) -> bytes:
    """The HMAC key of one use (chain rows or checkpoints), derived from the
    operator's secret so one setting serves both without reusing a key."""
    from django.conf import settings

    return hashlib.sha256(purpose + (secret if secret is not None else settings.AUDIT_CHAIN_KEY).encode()).digest()


def digest(prev_hash: str, canonical_row: str, key: bytes | None = None) -> str:
    """The chained hash of a row already in canonical JSON."""
    return hmac.new(key or chain_key(), (prev_hash + canonical_row).encode(), hashlib.sha256).hexdigest()


def legacy_digest(prev_hash: str, canonical_row: str) -> str:
    """The unkeyed SHA-256 of chains written before the key existed; only
    `audit_rekey --from-legacy` still reads it."""
    return hashlib.sha256((prev_hash + canonical_row).encode()).hexdigest()


def compute_hash(prev_hash: str, event: AuditEvent, key: bytes | None = None) -> str:
    return digest(prev_hash, _canonical(_payload(event)), key)


def object_label(obj: models.Model) -> str:
    return obj._meta.label_lower


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The values of concrete fields, personal data masked (never in the log)."""
    result: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.name in {"created_at", "updated_at", "search_text"}:
            continue
        value = getattr(instance, field.attname)
        if getattr(field, "personal_data", False):
            # A keyed digest shows *that* it changed without revealing the value.
            value = f"{MASK}{crypto.blind_index(value)[:8]}" if value else ""
        result[field.name] = json.loads(_canonical({"v": value}))["v"]
    return result


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Field-level changes as {field: [old, new]}."""
    keys = set(before) | set(after)
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    summary: str = "",
    changes: dict[str, Any] | None = None,
    enterprise_id: int | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditEvent:
    """Append one event to the chain. Must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record() must be called inside transaction.atomic()")
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1, defaults={"seq": 0, "hash": GENESIS})
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    event = AuditEvent(
        seq=head.seq + 1,
        created_at=timezone.now(),
        actor=actor_obj,
        actor_name=(actor_obj.get_username() if actor_obj else (str(actor) if actor else "system")),
        ip=current_ip.get(),
        action=action,
        object_type=object_type or (object_label(obj) if obj is not None else ""),
        object_id=object_id or (str(obj.pk) if obj is not None else ""),
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:255],
        enterprise_id=enterprise_id,
        summary=str(summary)[:500],
        changes=changes or {},
        prev_hash=head.hash,
    )
    event.hash = compute_hash(head.hash, event)
    event.save()
    head.seq = event.seq
    head.hash = event.hash
    head.save(update_fields=["seq", "hash"])
    return event


@dataclass
class ChainProblem:
    seq: int
    reason: str


def verify_chain(
    batch_size: int = 5000, checkpoints: list[Checkpoint] | None = None, using: str = "default"
) -> Iterator[ChainProblem]:
    """Walk the chain in order; yield the first break (tampered, missing or
    reordered entry, or a rewrite without the key) and stop, since everything
    after it is unverifiable. Then compare with the signed checkpoints written
    outside the database: a checkpointed entry that is gone or differs means the
    tail was cut off or the chain rebuilt. `using` names the database (a
    restored copy is checked before it is put in service)."""
    from relocation.core import audit_checkpoints

    key = chain_key()
    prev_hash = GENESIS
    expected_seq = 1
    if checkpoints is None:
        checkpoints, bad_lines = audit_checkpoints.read()
        if bad_lines:
            yield ChainProblem(
                0, f"checkpoint file: {bad_lines} line(s) with a bad signature (checkpoints forged or edited)"
            )
            return
    anchored = {c.seq: c for c in checkpoints}
    qs = AuditEvent.objects.using(using).order_by("seq")
    last_seq = 0
    for event in qs.iterator(chunk_size=batch_size):
        if event.seq != expected_seq:
            yield ChainProblem(expected_seq, f"missing entry: expected #{expected_seq}, found #{event.seq}")
            return
        if event.prev_hash != prev_hash:
            yield ChainProblem(event.seq, "link to the previous entry is broken")
            return
        row = _canonical(_payload(event))
        if digest(prev_hash, row, key) != event.hash:
            if legacy_digest(prev_hash, row) == event.hash:
                reason = "entry is hashed without the audit key (written before keying, or rewritten): run audit_rekey"
            else:
                reason = "content does not match its hash (altered, or the chain key is wrong)"
            yield ChainProblem(event.seq, reason)
            return
        checkpoint = anchored.get(event.seq)
        if checkpoint is not None and checkpoint.hash != event.hash:
            yield ChainProblem(event.seq, f"differs from the checkpoint of {checkpoint.at} (chain rebuilt)")
            return
        prev_hash = event.hash
        expected_seq += 1
        last_seq = event.seq
    if checkpoints:
        latest = max(checkpoints, key=lambda c: c.seq)
        if latest.seq > last_seq:
            yield ChainProblem(
                last_seq + 1,
                f"missing entries: the checkpoint of {latest.at} saw #{latest.seq}, the table ends at #{last_seq}",
            )
            return
    head = AuditChainHead.objects.using(using).filter(id=1).first()
    if head is not None and head.seq != last_seq:
        yield ChainProblem(
            last_seq + 1, f"missing entries: the chain head is at #{head.seq}, the table ends at #{last_seq}"
        )
