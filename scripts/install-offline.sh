#!/usr/bin/env bash
# Install Relocation HQ from the kit made by `make offline-bundle`, with no
# network: Python packages from ./wheelhouse, front-end packages from
# ./npm-cache. Then the usual steps of an installation or an upgrade
# (messages, static files, migrations). Run from the unpacked kit, as the app user,
# with the production environment loaded (docs/guide/*/deployment.md).
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3.11}
test -d wheelhouse || { echo "no ./wheelhouse: run this from a kit made by make offline-bundle" >&2; exit 2; }
test -x .venv/bin/python || "$python" -m venv .venv
.venv/bin/python -m pip install -q --no-index --find-links wheelhouse -r <(grep -v '^--' requirements.lock)
npm ci --offline --cache ./npm-cache --no-audit --no-fund --ignore-scripts >/dev/null
.venv/bin/python manage.py compilemessages -v0 --ignore=.venv --ignore=node_modules
.venv/bin/python manage.py collectstatic --noinput -v0
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py check --deploy --fail-level WARNING
echo "installed $(cat REVISION 2>/dev/null || echo 'this revision'); start: systemctl restart relocation-web relocation-worker relocation-hj212"
