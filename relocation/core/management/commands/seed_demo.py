"""Create the demo programme: each app contributes its own part through a
`demo.py` module with `seed(scale, out)`, called in floor order (the order of
INSTALLED_APPS), so that this command never imports a higher app by name.

Every part is idempotent: running the command twice changes nothing."""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load the Zone B demo data (--scale city for benchmark-size data)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--scale", choices=["demo", "city"], default="demo")

    def handle(self, *args: Any, **options: Any) -> None:
        for config in apps.get_app_configs():
            if not config.name.startswith("relocation."):
                continue
            module_name = f"{config.name}.demo"
            if importlib.util.find_spec(module_name) is None:
                continue
            module = importlib.import_module(module_name)
            self.stdout.write(f"· {config.label}")
            module.seed(scale=options["scale"], out=self.stdout)
        self.stdout.write(self.style.SUCCESS("demo data ready"))
