"""The chain carries a secret and is anchored outside the database: someone with
SQL access alone can neither edit, rebuild nor truncate it unseen."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from relocation.core import audit, audit_checkpoints
from relocation.core.models import AppendOnlyError, AuditChainHead, AuditEvent
from relocation.core.tests.tampering import rehash, tamper


def _write(n):
    for i in range(n):
        with transaction.atomic():
            audit.record(actor=None, action="test.write", object_type="test", object_id=str(i), changes={"v": i})


def _verify_fails(capsys, *words):
    with pytest.raises(SystemExit):
        call_command("audit_verify")
    err = capsys.readouterr().err
    for word in words:
        assert word in err, err
    return err


@pytest.mark.django_db
def test_it_keys_the_hash_with_the_audit_key(settings):
    _write(1)
    event = AuditEvent.objects.get()
    row = audit._canonical(audit._payload(event))
    assert event.hash != hashlib.sha256((audit.GENESIS + row).encode()).hexdigest()
    settings.AUDIT_CHAIN_KEY = "another key entirely, as an intruder would guess it"
    assert list(audit.verify_chain())[0].seq == 1


@pytest.mark.django_db
def test_it_refuses_bulk_update_and_delete_through_the_orm():
    _write(2)
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(seq=1).update(summary="forged")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(summary="forged").count() == 0
    assert AuditEvent.objects.count() == 2


@pytest.mark.django_db
def test_the_database_refuses_update_and_delete():
    _write(2)
    for sql in ("UPDATE core_auditevent SET summary = 'x'", "DELETE FROM core_auditevent"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as c:
            c.execute(sql)
    assert AuditEvent.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_truncate_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    _write(1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as c:
        c.execute("TRUNCATE core_auditevent CASCADE")


@pytest.mark.django_db
def test_audit_verify_detects_an_edited_row(capsys):
    _write(4)
    tamper("UPDATE core_auditevent SET summary = 'forged' WHERE seq = 2")
    _verify_fails(capsys, "#2", "altered")


@pytest.mark.django_db
def test_audit_verify_detects_a_chain_recomputed_without_the_key(capsys):
    """The intruder edits a row and recomputes every hash after it, the head too,
    as the unkeyed chain allowed."""
    _write(4)
    tamper("UPDATE core_auditevent SET summary = 'forged' WHERE seq = 2")
    rehash(audit.legacy_digest)
    _verify_fails(capsys, "#1", "without the audit key")


@pytest.mark.django_db
def test_audit_verify_detects_a_truncated_tail_against_the_checkpoint(capsys):
    _write(5)
    audit_checkpoints.write()
    # Cut the last two entries and move the head back, so the table alone looks whole.
    tamper("DELETE FROM core_auditevent WHERE seq > 3")
    head_hash = AuditEvent.objects.get(seq=3).hash
    tamper("UPDATE core_auditchainhead SET seq = 3, hash = %s", [head_hash])
    _verify_fails(capsys, "#4", "checkpoint", "#5")


@pytest.mark.django_db
def test_audit_verify_detects_a_rebuilt_chain_against_the_checkpoint(settings, capsys):
    """Even with the key (a stolen server), a chain rebuilt after a checkpoint
    differs from what was anchored."""
    _write(3)
    audit_checkpoints.write()
    tamper("UPDATE core_auditevent SET summary = 'forged' WHERE seq = 3")
    event = AuditEvent.objects.get(seq=3)
    tamper("UPDATE core_auditevent SET hash = %s WHERE seq = 3", [audit.compute_hash(event.prev_hash, event)])
    _verify_fails(capsys, "#3", "checkpoint")


@pytest.mark.django_db
def test_audit_verify_refuses_a_forged_checkpoint(settings, capsys):
    _write(2)
    audit_checkpoints.write()
    path = settings.AUDIT_CHECKPOINT_FILE
    data = json.loads(path.read_text().splitlines()[0])
    data["seq"] = 1
    path.write_text(json.dumps(data) + "\n")
    _verify_fails(capsys, "bad signature")


@pytest.mark.django_db
def test_the_periodic_job_writes_a_signed_checkpoint_to_the_file_and_the_log(settings, caplog, capsys):
    from relocation.core.tasks import checkpoint_audit_chain

    _write(3)
    with caplog.at_level("INFO", logger="relocation.audit.checkpoint"):
        checkpoint_audit_chain.call_local()
    checkpoints, bad = audit_checkpoints.read()
    assert bad == 0
    assert [(c.seq, c.hash) for c in checkpoints] == [(3, AuditChainHead.objects.get().hash)]
    assert '"seq": 3' in caplog.text
    call_command("audit_verify", "--require-checkpoint")
    assert "last checkpoint #3" in capsys.readouterr().out


@pytest.mark.django_db
def test_audit_verify_can_require_a_checkpoint(capsys):
    _write(1)
    with pytest.raises(SystemExit):
        call_command("audit_verify", "--require-checkpoint")
    assert "no checkpoint" in capsys.readouterr().err
