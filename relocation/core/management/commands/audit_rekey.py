"""Re-key the audit chain: after an upgrade from the unkeyed SHA-256 chain
(`--from-legacy`), or to rotate AUDIT_CHAIN_KEY (`--old-key-file`).

Every entry is first checked under the old scheme (or already under the new key),
so a chain that was tampered with is refused, not laundered; then all hashes are
recomputed under the current AUDIT_CHAIN_KEY in one transaction. The database
triggers are lifted only inside that transaction; on PostgreSQL that takes the
role owning the table (run with that role's DATABASE_URL). The old checkpoint
file is set aside and a new checkpoint anchors the re-keyed head.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connection, transaction

from relocation.core import audit, audit_checkpoints
from relocation.core.models import AuditChainHead, AuditEvent

BATCH = 2000


def _lift_triggers(cursor: Any) -> list[str]:
    """Statements that put the triggers back; run before the transaction ends."""
    if connection.vendor == "sqlite":
        triggers = importlib.import_module("relocation.core.migrations.0006_audit_append_only_everywhere")
        for sql in triggers.SQLITE_DROP:
            cursor.execute(sql)
        return triggers.SQLITE_CREATE
    if connection.vendor == "postgresql":
        # Run deferred constraint checks now: ALTER TABLE refuses a table with pending trigger events.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
        return ["ALTER TABLE core_auditevent ENABLE TRIGGER USER"]
    return []


class Command(BaseCommand):
    help = "Recompute the audit chain under the current AUDIT_CHAIN_KEY after checking it under the old scheme."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from-legacy", action="store_true", help="accept entries hashed without a key (before the upgrade)"
        )
        parser.add_argument("--old-key-file", type=Path, help="file holding the previous AUDIT_CHAIN_KEY (rotation)")
        parser.add_argument("--actor", default="system", help="name recorded on the audit entry of the re-key")

    def handle(self, *args: Any, **options: Any) -> None:
        new_key = audit.chain_key()
        accepted = [lambda prev, row: audit.digest(prev, row, new_key)]
        if options["old_key_file"]:
            old_secret = options["old_key_file"].read_text(encoding="utf-8").strip()
            if not old_secret:
                raise CommandError(f"{options['old_key_file']} is empty")
            old_key = audit.chain_key(secret=old_secret)
            accepted.append(lambda prev, row: audit.digest(prev, row, old_key))
        if options["from_legacy"]:
            accepted.append(audit.legacy_digest)
        if len(accepted) == 1:
            raise CommandError("say what the chain was hashed with: --from-legacy and/or --old-key-file")
        anchored = {c.seq: c.hash for c in audit_checkpoints.read()[0]}

        try:
            with transaction.atomic():
                head = AuditChainHead.objects.select_for_update().filter(id=1).first()
                changed = self._rekey(accepted, anchored, new_key, head)
                audit.record(actor=options["actor"], action="audit.rekeyed", summary=f"{changed} entries re-keyed")
        except DatabaseError as exc:
            raise CommandError(
                f"the database refused the re-key ({exc}); on PostgreSQL run it as the role that owns core_auditevent"
            ) from exc
        archived = audit_checkpoints.archive()
        audit_checkpoints.write()
        note = f"; old checkpoints kept in {archived}" if archived else ""
        self.stdout.write(f"audit chain re-keyed: {changed} of {AuditEvent.objects.count()} entries rewritten{note}")

    def _rekey(self, accepted: list[Any], anchored: dict[int, str], new_key: bytes, head: Any) -> int:
        old_prev, new_prev = audit.GENESIS, audit.GENESIS
        expected, changed = 1, 0
        pending: list[tuple[str, str, int]] = []
        with connection.cursor() as cursor:
            restore = _lift_triggers(cursor)
            for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=BATCH):
                if event.seq != expected or event.prev_hash != old_prev:
                    raise CommandError(f"entry #{expected} is missing or out of order: fix the chain first")
                row = audit._canonical(audit._payload(event))
                if not any(scheme(old_prev, row) == event.hash for scheme in accepted):
                    raise CommandError(f"entry #{event.seq} does not match its hash under any given scheme: refused")
                if event.seq in anchored and anchored[event.seq] != event.hash:
                    raise CommandError(f"entry #{event.seq} differs from its checkpoint: refused")
                new_hash = audit.digest(new_prev, row, new_key)
                if (new_hash, new_prev) != (event.hash, event.prev_hash):
                    pending.append((new_prev, new_hash, event.pk))
                    changed += 1
                old_prev, new_prev = event.hash, new_hash
                expected += 1
                if len(pending) >= BATCH:
                    cursor.executemany("UPDATE core_auditevent SET prev_hash = %s, hash = %s WHERE id = %s", pending)
                    pending = []
            if pending:
                cursor.executemany("UPDATE core_auditevent SET prev_hash = %s, hash = %s WHERE id = %s", pending)
            for sql in restore:
                cursor.execute(sql)
        if head is not None:
            if head.seq != expected - 1:
                raise CommandError(f"the chain head is at #{head.seq}, the table ends at #{expected - 1}: refused")
            head.hash = new_prev
            head.save(update_fields=["hash"])
        return changed
