"""`check --deploy` checks for the settings only an operator can supply."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def audit_chain_key_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """The demo key is published: with it anyone can recompute a rewritten audit chain."""
    key = settings.AUDIT_CHAIN_KEY
    if key == settings.AUDIT_CHAIN_KEY_DEMO_DEFAULT or len(key) < 32:
        return [
            checks.Warning(
                "AUDIT_CHAIN_KEY is the demo default or shorter than 32 characters.",
                hint="Set AUDIT_CHAIN_KEY in the environment to a long random secret kept outside the database "
                "(docs/guide/en/operations.md).",
                id="core.W201",
            )
        ]
    return []
