"""`manage.py backup` writes an encrypted archive of the database and the
uploaded files (see relocation/core/backup.py); `--new-key` prints a key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from relocation.core import backup


def operator_key(key_file: Path | None) -> bytes:
    text = key_file.read_text() if key_file else settings.BACKUP_KEY
    try:
        return backup.load_key(text)
    except backup.BackupError as exc:
        raise CommandError(str(exc)) from exc


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one archive encrypted with BACKUP_KEY."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, help="archive to write (default BACKUP_DIR/rhq-<time>.rhqbak)")
        parser.add_argument("--key-file", type=Path, help="file holding the key (default: BACKUP_KEY)")
        parser.add_argument("--new-key", action="store_true", help="print a new random key and stop")
        parser.add_argument("--keep", type=int, help="then keep only this many archives in BACKUP_DIR")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new_key"]:
            self.stdout.write(backup.new_key())
            return
        key = operator_key(options["key_file"])
        output = options["output"] or Path(settings.BACKUP_DIR) / backup.backup_name()
        try:
            manifest = backup.create_backup(output, key)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest.tables.values())
        self.stdout.write(
            f"backup written: {output} ({manifest.vendor}, {len(manifest.tables)} tables, {rows} rows, "
            f"{len(manifest.files)} files, audit head #{manifest.audit['seq']})"
        )
        if options["keep"]:
            for old in backup.prune(output.parent, options["keep"]):
                self.stdout.write(f"removed old backup {old}")
