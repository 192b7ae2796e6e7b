"""The restore drill, on the database the suite runs on (SQLite or PostgreSQL):
back up, restore into a fresh database and a fresh media root, and find every
table's row count, every file's hash and the audit chain as they were. A wrong
key, an altered or cut-off archive, and a restore over live data are refused."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from relocation.core import audit, backup
from relocation.core.models import AuditEvent


@pytest.fixture
def installation(tmp_path, settings, hq_staff, make_enterprise):
    """Some rows with an audit trail, and two uploaded files."""
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "ledger").mkdir(parents=True)
    (settings.MEDIA_ROOT / "ledger" / "台账.xlsx").write_bytes(b"PK\x03\x04 workbook")
    (settings.MEDIA_ROOT / "letter.pdf").write_bytes(b"%PDF-1.7 signed letter")
    settings.BACKUP_KEY = backup.new_key()
    enterprise = make_enterprise()
    with transaction.atomic():
        for n in range(3):
            audit.record(actor=hq_staff, action="test.backup", obj=enterprise, summary=f"entry {n}")
    return tmp_path


@pytest.fixture
def fresh_database(tmp_path):
    """A URL of an empty database of the suite's kind, dropped afterwards."""
    conf = connection.settings_dict
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg

    name = f"rhq_restore_{uuid.uuid4().hex[:8]}"
    params = {"host": conf["HOST"] or None, "port": conf["PORT"] or None, "user": conf["USER"] or None}
    params = {k: v for k, v in params.items() if v}
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    auth = f"{conf['USER']}@" if conf["USER"] else ""
    yield f"postgres://{auth}{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _rows_in(url: str, table: str) -> int:
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            return db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608 (a model's table name)
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://")) as db:
        return db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608 (a model's table name)


@pytest.mark.django_db(transaction=True)
def test_the_restore_drill_finds_rows_files_and_the_audit_chain_as_they_were(installation, fresh_database, capsys):
    archive = installation / "nightly.rhqbak"
    call_command("backup", output=archive)
    assert archive.is_file() and b"workbook" not in archive.read_bytes()  # encrypted, not just packed
    restored_media = installation / "restored-media"

    call_command("restore", str(archive), database_url=fresh_database, media_root=restored_media)

    out = capsys.readouterr().out
    assert "audit chain intact" in out
    events = AuditEvent.objects.count()
    assert events >= 3 and _rows_in(fresh_database, AuditEvent._meta.db_table) == events
    assert (restored_media / "ledger" / "台账.xlsx").read_bytes() == b"PK\x03\x04 workbook"
    assert (restored_media / "letter.pdf").read_bytes() == b"%PDF-1.7 signed letter"


@pytest.mark.django_db(transaction=True)
def test_a_wrong_key_an_altered_or_a_cut_off_archive_is_refused(installation, fresh_database, settings):
    archive = installation / "b.rhqbak"
    call_command("backup", output=archive)
    data = archive.read_bytes()
    key = settings.BACKUP_KEY

    settings.BACKUP_KEY = backup.new_key()
    with pytest.raises(CommandError, match="wrong backup key"):
        call_command("restore", str(archive), database_url=fresh_database)
    settings.BACKUP_KEY = key

    altered = installation / "altered.rhqbak"
    altered.write_bytes(data[:100] + bytes([data[100] ^ 1]) + data[101:])
    with pytest.raises(CommandError, match="altered"):
        call_command("restore", str(altered), database_url=fresh_database)

    cut = installation / "cut.rhqbak"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(CommandError, match="cut off|altered"):
        call_command("restore", str(cut), database_url=fresh_database)

    assert _tables_in(fresh_database) == 0  # nothing half-restored


def _tables_in(url: str) -> int:
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if not path.exists():
            return 0
        with sqlite3.connect(path) as db:
            return db.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://")) as db:
        return db.execute("SELECT count(*) FROM pg_tables WHERE schemaname='public'").fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_a_restore_over_live_data_needs_force(installation):
    archive = installation / "b.rhqbak"
    call_command("backup", output=archive)
    with pytest.raises(CommandError, match="already holds data"):
        call_command("restore", str(archive))


@pytest.mark.django_db
def test_the_drill_reports_what_differs(installation, settings):
    manifest = backup.Manifest(
        created_at="2022-05-16T00:00:00+08:00",
        vendor=connection.vendor,
        tables={AuditEvent._meta.db_table: AuditEvent.objects.count() + 1},
        files={"letter.pdf": "0" * 64, "gone.pdf": "0" * 64},
        audit={"seq": 0, "hash": ""},
        database_file="",
    )
    problems = backup.verify_restored(manifest, "default", Path(settings.MEDIA_ROOT))
    assert any("rows, the backup had" in p for p in problems)
    assert "file letter.pdf differs from the backup" in problems and "file gone.pdf is missing" in problems


def test_without_a_key_there_is_no_backup(settings):
    settings.BACKUP_KEY = ""
    with pytest.raises(CommandError, match="no backup key"):
        call_command("backup")


def test_old_archives_are_pruned(tmp_path):
    for day in range(1, 6):
        (tmp_path / f"rhq-2022050{day}-023000.rhqbak").write_bytes(b"x")
    removed = backup.prune(tmp_path, 2)
    assert [p.name for p in removed] == [f"rhq-2022050{d}-023000.rhqbak" for d in (1, 2, 3)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rhq-20220504-023000.rhqbak", "rhq-20220505-023000.rhqbak"]
