"""`manage.py restore FILE` restores a backup into the configured database (or
a fresh one with --database-url) and the media root, then runs the restore
drill's checks: every table's row count, every file's hash, the audit chain."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from relocation.core import backup
from relocation.core.management.commands.backup import operator_key


class Command(BaseCommand):
    help = "Restore a backup archive, then verify row counts, file hashes and the audit chain (exit 1 if any differ)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument("--key-file", type=Path, help="file holding the key (default: BACKUP_KEY)")
        parser.add_argument("--database-url", help="restore into this (fresh, migrated or empty) database instead")
        parser.add_argument("--media-root", type=Path, help="restore the files here instead of MEDIA_ROOT")
        parser.add_argument("--force", action="store_true", help="replace a database that already holds data")

    def handle(self, *args: Any, **options: Any) -> None:
        key = operator_key(options["key_file"])
        if not options["archive"].is_file():
            raise CommandError(f"no such backup: {options['archive']}")
        try:
            report = backup.restore_backup(
                options["archive"],
                key,
                database_url=options["database_url"],
                media_root=options["media_root"],
                force=options["force"],
            )
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        m = report.manifest
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(problem)
            raise SystemExit(1)
        self.stdout.write(
            f"restored the backup of {m.created_at}: {len(m.tables)} tables and {len(m.files)} files match, "
            f"audit chain intact to #{m.audit['seq']}. The audit checkpoints written after this backup now "
            "report the entries lost since: archive them (audit_checkpoints.archive) once the restore is accepted."
        )
