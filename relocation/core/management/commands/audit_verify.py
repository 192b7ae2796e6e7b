from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from relocation.core.audit import verify_chain
from relocation.core.models import AuditEvent


class Command(BaseCommand):
    help = "Verify the audit hash chain; report the first tampered or missing entry (exit 1 if any)."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = list(verify_chain())
        if problems:
            p = problems[0]
            self.stderr.write(f"audit chain broken at #{p.seq}: {p.reason}")
            raise SystemExit(1)
        self.stdout.write(f"audit chain intact: {AuditEvent.objects.count()} entries verified")
