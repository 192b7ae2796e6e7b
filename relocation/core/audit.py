"""Recording and verifying the hash-chained audit trail.

Every service calls `record()` inside its transaction, so the change and its
audit row commit or roll back together.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from relocation.core import crypto
from relocation.core.context import current_ip
from relocation.core.models import AuditChainHead, AuditEvent

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


def compute_hash(prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256((prev_hash + _canonical(_payload(event))).encode()).hexdigest()


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


def verify_chain(batch_size: int = 5000) -> Iterator[ChainProblem]:
    """Walk the chain in order; yield the first break (tampered, missing or
    reordered entry) and stop, since everything after it is unverifiable."""
    prev_hash = GENESIS
    expected_seq = 1
    qs = AuditEvent.objects.order_by("seq")
    last_seq = 0
    for event in qs.iterator(chunk_size=batch_size):
        if event.seq != expected_seq:
            yield ChainProblem(expected_seq, f"missing entry: expected #{expected_seq}, found #{event.seq}")
            return
        if event.prev_hash != prev_hash:
            yield ChainProblem(event.seq, "link to the previous entry is broken")
            return
        if compute_hash(prev_hash, event) != event.hash:
            yield ChainProblem(event.seq, "content does not match its hash (altered)")
            return
        prev_hash = event.hash
        expected_seq += 1
        last_seq = event.seq
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and head.seq != last_seq:
        yield ChainProblem(
            last_seq + 1, f"missing entries: the chain head is at #{head.seq}, the table ends at #{last_seq}"
        )
