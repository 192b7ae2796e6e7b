#!/usr/bin/env bash
# Build the intranet install kit on a machine with access to the package
# registries: the committed source, a wheel of every package in
# requirements.lock and the npm cache of package-lock.json. On the intranet
# host, unpack it and run scripts/install-offline.sh: nothing is downloaded there.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-dist/relocation-offline}
python=${PYTHON:-python3.11}
rm -rf "$out"
mkdir -p "$out"
git archive --format=tar HEAD | tar -x -C "$out"
"$python" -m pip wheel -q -r requirements.lock -w "$out/wheelhouse"
(cd "$out" && npm ci --cache ./npm-cache --no-audit --no-fund --ignore-scripts >/dev/null && rm -rf node_modules)
git rev-parse HEAD > "$out/REVISION"
tar -czf "$out.tar.gz" -C "$(dirname "$out")" "$(basename "$out")"
echo "$out.tar.gz ($(du -h "$out.tar.gz" | cut -f1)): unpack on the intranet host and run scripts/install-offline.sh"
