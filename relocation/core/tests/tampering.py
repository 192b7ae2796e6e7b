"""Tampering with the audit table as a database administrator would: the
triggers lifted for one transaction, then put back."""

from __future__ import annotations

import importlib

from django.db import connection, transaction

_triggers = importlib.import_module("relocation.core.migrations.0006_audit_append_only_everywhere")


def tamper(sql: str, params=()) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:
            for statement in _triggers.SQLITE_DROP:
                cursor.execute(statement)
        cursor.execute(sql, params)
        if connection.vendor == "sqlite":
            for statement in _triggers.SQLITE_CREATE:
                cursor.execute(statement)


def rehash(digest) -> None:
    """Recompute every hash (and the head) with `digest(prev, canonical_row)`:
    an unkeyed chain as written before the upgrade, or one under another key."""
    from relocation.core import audit
    from relocation.core.models import AuditEvent

    prev = audit.GENESIS
    for event in AuditEvent.objects.order_by("seq"):
        new = digest(prev, audit._canonical(audit._payload(event)))
        tamper("UPDATE core_auditevent SET prev_hash = %s, hash = %s WHERE id = %s", [prev, new, event.pk])
        prev = new
    tamper("UPDATE core_auditchainhead SET hash = %s", [prev])
