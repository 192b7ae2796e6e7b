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


# Values published in the code or in .env.example: with one of them the app must not go into service.
EXAMPLE_VALUES = {"change-me-to-a-long-random-string", "change-me-field-key", "change-me"}


@checks.register(checks.Tags.security, deploy=True)
def published_keys_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """The demo's and the example file's keys are public. `check --deploy` runs before the
    web service starts (deploy/systemd), so with one of these the service refuses to start."""
    problems = []
    if settings.SECRET_KEY in EXAMPLE_VALUES | {settings.SECRET_KEY_DEMO_DEFAULT}:
        problems.append(
            checks.Error(
                "SECRET_KEY is the demo default or the example file's value.",
                hint="Set SECRET_KEY to a long random secret (python -c 'import secrets; print(secrets.token_urlsafe(48))').",
                id="core.E202",
            )
        )
    public = EXAMPLE_VALUES | {settings.FIELD_ENCRYPTION_KEY_DEMO_DEFAULT}
    if any(key in public for key in settings.FIELD_ENCRYPTION_KEYS):
        problems.append(
            checks.Error(
                "FIELD_ENCRYPTION_KEYS holds the demo or the example key: personal data would be readable by anyone.",
                hint="Set FIELD_ENCRYPTION_KEYS to your own random key (docs/guide/en/deployment.md).",
                id="core.E203",
            )
        )
    if not settings.BACKUP_KEY:
        problems.append(
            checks.Warning(
                "BACKUP_KEY is not set: the nightly backup does not run.",
                hint="python manage.py backup --new-key, keep the key off the host (docs/guide/en/backup.md).",
                id="core.W204",
            )
        )
    return problems
