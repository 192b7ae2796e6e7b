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
        settled = settle_inboxes()
        self.stdout.write(f"· inboxes: {settled} notifications older than {INBOX_UNREAD_DAYS} days marked read")
        self.stdout.write(self.style.SUCCESS("demo data ready"))


# The demo shows a programme under way: its people have read what they were told
# before the last week, so a first login lands on this week's news, not on 200
# items of the past year.
INBOX_UNREAD_DAYS = 7


def settle_inboxes() -> int:
    import datetime as dt

    from django.db.models import F
    from django.utils import timezone

    from relocation.core.models import Notification

    cutoff = timezone.now() - dt.timedelta(days=INBOX_UNREAD_DAYS)
    return Notification.objects.filter(read_at__isnull=True, created_at__lt=cutoff).update(
        read_at=F("created_at") + dt.timedelta(days=1)
    )
