"""python manage.py import_ledger FILE.xlsx [--dry-run] [--user USERNAME]

Exit status 0 only when the file is accepted (and, without --dry-run, written);
each error is printed on its own line with its row number."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from relocation.core.errors import ServiceError
from relocation.enterprises.ledger_import import MAX_UPLOAD_BYTES, import_ledger
from relocation.organisation.models import Programme, User
from relocation.organisation.selectors import active_programme


class Command(BaseCommand):
    help = "Import (or with --dry-run only check) an enterprise ledger workbook, all or nothing."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument("--user", help="username recorded as the actor (an HQ editor); default: system")
        parser.add_argument("--programme", help="programme code; default: the active programme")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        if path.stat().st_size > MAX_UPLOAD_BYTES:
            raise CommandError(f"file too large: {path.stat().st_size} bytes (limit {MAX_UPLOAD_BYTES})")
        programme = (
            Programme.objects.filter(code=options["programme"]).first() if options["programme"] else active_programme()
        )
        if programme is None:
            raise CommandError("no programme: run migrate and seed_demo, or pass --programme")
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"no such user: {options['user']}")
        try:
            report = import_ledger(
                actor=actor,
                programme=programme,
                content=path.read_bytes(),
                file_name=path.name,
                dry_run=options["dry_run"],
            )
        except ServiceError as exc:
            raise CommandError(exc.message)
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning}")
        for line in report.error_lines():
            self.stderr.write(line)
        counts = report.as_dict()["counts"]
        summary = "created={created} updated={updated} unchanged={unchanged} errors={errors}".format(**counts)
        if report.errors:
            raise CommandError(f"file rejected, nothing written ({summary})")
        verb = "checked (dry run, nothing written)" if options["dry_run"] else "imported"
        self.stdout.write(self.style.SUCCESS(f"{verb}: {summary}"))
