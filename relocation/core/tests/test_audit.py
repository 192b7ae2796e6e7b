from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import transaction

from relocation.core import audit
from relocation.core.models import AppendOnlyError, AuditEvent
from relocation.core.tests.tampering import tamper


def _write(n, actor=None):
    for i in range(n):
        with transaction.atomic():
            audit.record(
                actor=actor, action="test.write", object_type="test", object_id=str(i), changes={"v": [i, i + 1]}
            )


@pytest.mark.django_db
def test_it_chains_events_and_verifies(capsys):
    _write(5)
    assert list(audit.verify_chain()) == []
    call_command("audit_verify")
    assert "5 entries verified" in capsys.readouterr().out


@pytest.mark.django_db
def test_it_reports_the_first_tampered_entry(capsys):
    _write(5)
    target = AuditEvent.objects.get(seq=3)
    # Tamper behind the application's back (a DBA with SQL access).
    tamper("UPDATE core_auditevent SET summary = 'forged' WHERE id = %s", [target.pk])
    problems = list(audit.verify_chain())
    assert problems[0].seq == 3
    with pytest.raises(SystemExit):
        call_command("audit_verify")
    assert "#3" in capsys.readouterr().err


@pytest.mark.django_db
def test_it_reports_a_missing_entry():
    _write(4)
    tamper("DELETE FROM core_auditevent WHERE seq = 2")
    problems = list(audit.verify_chain())
    assert problems and problems[0].seq == 2 and "missing" in problems[0].reason


@pytest.mark.django_db
def test_it_refuses_changes_through_the_orm():
    _write(1)
    event = AuditEvent.objects.get()
    event.summary = "x"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


@pytest.mark.django_db(transaction=True)
def test_it_must_run_inside_a_transaction():
    with pytest.raises(RuntimeError):
        audit.record(actor=None, action="x")


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_still_empties_the_audit_table_afterwards():
    """The test flush lifts the triggers (relocation/conftest.py); the next test starts empty."""
    _write(1)
