"""`check --deploy --fail-level WARNING` is clean on production settings (the
web unit runs it before starting), and fails on the keys published in the demo
or in .env.example, so the service refuses to start with them."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _production_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "RHQ_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(48),
        FIELD_ENCRYPTION_KEYS=secrets.token_urlsafe(32),
        AUDIT_CHAIN_KEY=secrets.token_urlsafe(32),
        BACKUP_KEY="6G2UQqpd8UQqrIs_1Z8nxfgiHnrmsTowKG5OiSYRcog=",
        ALLOWED_HOSTS="relocation.example.gov.cn",
        CSRF_TRUSTED_ORIGINS="https://relocation.example.gov.cn",
        BEHIND_PROXY="1",
        TRUSTED_PROXY_COUNT="1",
        SECURE_COOKIES="1",
    )
    env.update(overrides)
    return env


def _deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check():
    result = _deploy_check(_production_env())
    assert result.returncode == 0, result.stderr


def test_the_published_keys_fail_it():
    result = _deploy_check(
        _production_env(
            SECRET_KEY="change-me-to-a-long-random-string", FIELD_ENCRYPTION_KEYS="demo-field-key-change-me"
        )
    )
    assert result.returncode != 0
    assert "core.E202" in result.stderr and "core.E203" in result.stderr
    no_backup = _deploy_check(_production_env(BACKUP_KEY=""))
    assert no_backup.returncode != 0 and "core.W204" in no_backup.stderr
