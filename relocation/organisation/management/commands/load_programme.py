from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from relocation.core.errors import ServiceError
from relocation.organisation.services import programme_load

BUILTIN = Path(__file__).resolve().parents[2] / "programmes"


class Command(BaseCommand):
    help = "Load a programme (zone, phases, units, duties, leading bodies) from a JSON configuration file."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="path to the JSON file, or the name of a built-in one (humen_zone_b)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.exists():
            path = BUILTIN / f"{options['file']}.json"
        if not path.exists():
            raise CommandError(f"no such programme file: {options['file']}")
        try:
            config = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise CommandError(f"{path}: invalid JSON: {exc}") from exc
        try:
            programme = programme_load(actor=None, config=config)
        except KeyError as exc:
            raise CommandError(f"{path}: missing key {exc} (see docs/guide/en/organisation.md)") from exc
        except ServiceError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        except ValueError as exc:
            raise CommandError(f"{path}: invalid value: {exc}") from exc
        self.stdout.write(f"loaded programme {programme.code}: {programme.units.count()} units")
