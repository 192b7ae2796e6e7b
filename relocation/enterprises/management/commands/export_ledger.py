"""python manage.py export_ledger FILE.xlsx — the whole ledger of the active
programme (or --programme CODE), in the template's columns, phones masked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from relocation.enterprises.ledger_export import export_ledger
from relocation.enterprises.models import Enterprise
from relocation.organisation.models import Programme
from relocation.organisation.selectors import active_programme


class Command(BaseCommand):
    help = "Export the enterprise ledger to an .xlsx workbook (same columns as the import template)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument("--programme", help="programme code; default: the active programme")

    def handle(self, *args: Any, **options: Any) -> None:
        programme = (
            Programme.objects.filter(code=options["programme"]).first() if options["programme"] else active_programme()
        )
        if programme is None:
            raise CommandError("no programme")
        qs = Enterprise.objects.filter(programme=programme).order_by("name", "id")
        Path(options["file"]).write_bytes(export_ledger(qs.iterator(chunk_size=2000)))
        self.stdout.write(self.style.SUCCESS(f"exported {qs.count()} enterprises to {options['file']}"))
