"""The bulk side of writing a ledger import (ledger_import): batch assignments
through the lifecycle's service, and one audit event per enterprise appended
to the hash chain in one go instead of one by one."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from relocation.core import audit
from relocation.core.bulk_copy import copy_insert
from relocation.core.context import current_ip
from relocation.core.models import AuditChainHead, AuditEvent
from relocation.enterprises.models import Enterprise


def _current_batch_id(enterprise: Enterprise) -> int | None:
    try:
        return enterprise.relocation_plan.batch_id
    except ObjectDoesNotExist:
        return None


def _assign_batches(actor: Any, moves: list[tuple[Enterprise, Any]]) -> None:
    """批次 cells: through the lifecycle's own service (its audit, its timeline)."""
    from relocation.enterprises import batches

    by_batch: dict[int, tuple[Any, list[Enterprise]]] = {}
    for enterprise, batch in moves:
        by_batch.setdefault(batch.pk, (batch, []))[1].append(enterprise)
    for batch, members in by_batch.values():
        batches.batch_assign(actor=actor, batch=batch, enterprises=members)


def _fast_hash(prev_hash: str, event: AuditEvent, created_at: str, key: bytes) -> str:
    """audit.compute_hash without its JSON round trip of `changes`: our changes
    are already plain JSON values (checked against the reference on the first
    event of every import, see _record_events)."""
    payload = {
        "seq": event.seq,
        "created_at": created_at,
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "ip": event.ip,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "enterprise_id": event.enterprise_id,
        "summary": event.summary,
        "changes": event.changes or {},
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return audit.digest(prev_hash, text, key)


def _record_events(actor: Any, events: list[dict[str, Any]]) -> None:
    """Append many events to the audit chain in one go: the same chain and
    hashes as audit.record, one locked head update instead of one per event."""
    head, _created = AuditChainHead.objects.select_for_update().get_or_create(
        id=1, defaults={"seq": 0, "hash": audit.GENESIS}
    )
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    actor_name = actor_obj.get_username() if actor_obj else (str(actor) if actor else "system")
    now, ip = timezone.now(), current_ip.get()
    seq, prev = head.seq, head.hash
    rows = []
    stamp = now.astimezone(dt.UTC).isoformat(timespec="microseconds")
    fast = True
    key = audit.chain_key()
    for spec in events:
        seq += 1
        event = AuditEvent(
            seq=seq, created_at=now, actor=actor_obj, actor_name=actor_name, ip=ip, prev_hash=prev, **spec
        )
        if fast:
            event.hash = _fast_hash(prev, event, stamp, key)
            if len(rows) == 0 and event.hash != audit.compute_hash(prev, event, key):
                fast = False  # shapes differ from what core hashes: use the reference path
        if not fast:
            event.hash = audit.compute_hash(prev, event, key)
        prev = event.hash
        rows.append(event)
    copy_insert(AuditEvent, rows)
    head.seq, head.hash = seq, prev
    head.save(update_fields=["seq", "hash"])
