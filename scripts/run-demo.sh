#!/usr/bin/env bash
# Start the demo: the web server, the huey worker and the HJ 212 server side by
# side; Ctrl-C stops them all.
set -euo pipefail
host=${1:-127.0.0.1}; port=${2:-8000}
cd "$(dirname "$0")/.."
PY=.venv/bin/python
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; }
trap cleanup EXIT INT TERM
$PY manage.py run_huey --quiet &
pids+=($!)
if $PY manage.py help hj212_serve >/dev/null 2>&1; then
  $PY manage.py hj212_serve --host 127.0.0.1 --port 2121 &
  pids+=($!)
fi
.venv/bin/gunicorn config.wsgi:application --bind "$host:$port" --workers 2 --threads 4 --access-logfile - --log-level warning &
pids+=($!)
wait -n "${pids[@]}"
