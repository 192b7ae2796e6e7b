"""`audit_rekey`: moving an existing chain to the keyed scheme, and rotating the key."""

from __future__ import annotations

import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from relocation.core import audit, audit_checkpoints
from relocation.core.models import AuditEvent
from relocation.core.tests.tampering import rehash, tamper


def _write(n):
    for i in range(n):
        with transaction.atomic():
            audit.record(actor=None, action="test.write", object_type="test", object_id=str(i))


@pytest.mark.django_db
def test_it_keys_a_chain_written_before_the_upgrade(capsys):
    _write(4)
    rehash(audit.legacy_digest)
    assert "run audit_rekey" in next(audit.verify_chain()).reason
    call_command("audit_rekey", "--from-legacy")
    assert list(audit.verify_chain()) == []
    assert AuditEvent.objects.order_by("-seq").first().action == "audit.rekeyed"
    # The re-keyed head is anchored at once.
    assert audit_checkpoints.read()[0][-1].seq == 5
    assert "4 of 5 entries rewritten" in capsys.readouterr().out


@pytest.mark.django_db
def test_it_refuses_to_launder_a_tampered_chain():
    _write(3)
    rehash(audit.legacy_digest)
    tamper("UPDATE core_auditevent SET summary = 'forged' WHERE seq = 2")
    before = list(AuditEvent.objects.order_by("seq").values_list("hash", flat=True))
    with pytest.raises(CommandError, match="#2"):
        call_command("audit_rekey", "--from-legacy")
    assert list(AuditEvent.objects.order_by("seq").values_list("hash", flat=True)) == before


@pytest.mark.django_db
def test_it_rotates_the_key(settings, tmp_path):
    settings.AUDIT_CHAIN_KEY = "the old key, long enough for production use 0001"
    _write(3)
    audit_checkpoints.write()
    old_file = tmp_path / "old.key"
    old_file.write_text(settings.AUDIT_CHAIN_KEY + "\n")
    settings.AUDIT_CHAIN_KEY = "the new key, long enough for production use 0002"
    assert list(audit.verify_chain(checkpoints=[]))[0].seq == 1
    call_command("audit_rekey", "--old-key-file", str(old_file))
    assert list(audit.verify_chain()) == []
    # The old anchors are kept aside, not lost.
    path = settings.AUDIT_CHECKPOINT_FILE
    assert len(list(path.parent.glob(f"{path.stem}.before-rekey-*"))) == 1


@pytest.mark.django_db
def test_it_needs_to_be_told_the_old_scheme():
    _write(1)
    with pytest.raises(CommandError, match="--from-legacy"):
        call_command("audit_rekey")


@pytest.mark.django_db
def test_a_role_that_does_not_own_the_table_can_neither_change_nor_unprotect_it():
    """The documented set-up on PostgreSQL (docs/guide/en/operations.md): the app
    role may read and append, but not update, delete or lift the triggers."""
    if connection.vendor != "postgresql":
        pytest.skip("roles and ownership are PostgreSQL's")
    _write(1)
    role = f"rhq_test_app_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
        cursor.execute(f"GRANT SELECT, INSERT ON core_auditevent TO {role}")
        cursor.execute(f"SET LOCAL ROLE {role}")
        for sql in (
            "ALTER TABLE core_auditevent DISABLE TRIGGER USER",
            "UPDATE core_auditevent SET summary = 'x'",
            "DELETE FROM core_auditevent",
            "TRUNCATE core_auditevent",
        ):
            with pytest.raises(DatabaseError), transaction.atomic():
                cursor.execute(sql)
        cursor.execute("RESET ROLE")
    # The rest of the test transaction (role included) rolls back.
