from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from relocation.core import audit_checkpoints
from relocation.core.audit import verify_chain
from relocation.core.models import AuditEvent


class Command(BaseCommand):
    help = (
        "Verify the audit chain under AUDIT_CHAIN_KEY and against the signed checkpoints; "
        "report the first tampered, missing or rewritten entry (exit 1 if any)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--checkpoints",
            type=Path,
            help="checkpoint file to compare with (default AUDIT_CHECKPOINT_FILE), e.g. the copy kept off the host",
        )
        parser.add_argument(
            "--require-checkpoint",
            action="store_true",
            help="fail when there is no checkpoint at all (a deleted checkpoint file hides a cut-off tail)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        checkpoints, bad = audit_checkpoints.read(options["checkpoints"])
        if bad:
            self.stderr.write(f"checkpoint file: {bad} line(s) with a bad signature (forged or edited)")
            raise SystemExit(1)
        if not checkpoints and options["require_checkpoint"]:
            self.stderr.write("no checkpoint found: cannot tell whether entries were cut off the end")
            raise SystemExit(1)
        problems = list(verify_chain(checkpoints=checkpoints))
        if problems:
            p = problems[0]
            self.stderr.write(f"audit chain broken at #{p.seq}: {p.reason}")
            raise SystemExit(1)
        anchored = f", last checkpoint #{max(c.seq for c in checkpoints)}" if checkpoints else ", no checkpoint yet"
        self.stdout.write(f"audit chain intact: {AuditEvent.objects.count()} entries verified{anchored}")
