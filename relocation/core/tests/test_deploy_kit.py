"""The deployment kit (deploy/, scripts/*offline*.sh) agrees with the app: the
systemd units start commands that exist with the settings' environment file,
nginx replaces X-Forwarded-For so that one trusted proxy is the truth, logs are
kept at least six months, and every variable the example environment sets is
one the settings read."""

from __future__ import annotations

import configparser
import re
import shlex
from pathlib import Path

import pytest
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))


def _unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str
    parser.read_string(path.read_text())
    return parser


def test_there_is_a_unit_for_the_web_the_worker_and_the_hj212_server():
    assert {p.stem for p in UNITS} == {"relocation-web", "relocation-worker", "relocation-hj212"}


@pytest.mark.parametrize("path", UNITS, ids=lambda p: p.stem)
def test_each_unit_starts_a_command_of_the_app_unprivileged_and_confined(path):
    service = _unit(path)["Service"]
    argv = shlex.split(service["ExecStart"])
    if argv[0].endswith("gunicorn"):
        module, _, attr = argv[1].partition(":")
        assert (ROOT / (module.replace(".", "/") + ".py")).exists() and attr == "application"
        assert "127.0.0.1:8000" in argv  # only nginx reaches it
    else:
        assert argv[1] == "manage.py" and argv[2] in get_commands(), argv
    assert service["User"] == "relocation" and service["EnvironmentFile"] == "/etc/relocation/relocation.env"
    assert service["NoNewPrivileges"] == "yes" and service["ProtectSystem"] == "strict"


def test_the_web_unit_refuses_to_start_on_a_failing_deploy_check():
    pre = _unit(DEPLOY / "systemd" / "relocation-web.service")["Service"]["ExecStartPre"]
    assert "check --deploy --fail-level WARNING" in pre


def test_nginx_replaces_the_forwarded_address_and_hides_uploads():
    conf = (DEPLOY / "nginx" / "relocation.conf").read_text()
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in conf
    assert "$proxy_add_x_forwarded_for" not in conf  # a client-chosen address would be appended to
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in conf
    assert re.search(r"location /media/ \{\s*return 404;", conf)
    assert "ssl_protocols TLSv1.2 TLSv1.3;" in conf and "Strict-Transport-Security" in conf


def test_logs_are_kept_at_least_six_months():
    conf = (DEPLOY / "logrotate" / "relocation").read_text()
    assert "daily" in conf
    assert int(re.search(r"rotate (\d+)", conf).group(1)) >= 183
    assert int(re.search(r"maxage (\d+)", conf).group(1)) >= 183


def test_every_variable_of_the_example_environment_is_read_by_the_settings():
    read = set()
    for source in (ROOT / "config").glob("*.py"):
        read |= set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z0-9_]+)"', source.read_text()))
    example = {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    assert example - read == set()


def test_the_offline_install_uses_no_network():
    script = (ROOT / "scripts" / "install-offline.sh").read_text()
    assert "--no-index --find-links wheelhouse" in script and "npm ci --offline" in script
    bundle = (ROOT / "scripts" / "offline-bundle.sh").read_text()
    assert "pip wheel" in bundle and "npm ci --cache" in bundle
    assert "offline-bundle:" in (ROOT / "Makefile").read_text()
