#!/usr/bin/env bash
# Debian packages the app needs: Chromium (browser tests, PNG export), CJK fonts
# (PDF documents: Noto CJK, AR PL UKai), gettext (translations), the PostgreSQL client (backup), Pango (WeasyPrint). Installs only
# what is missing, so a second run is quick and needs no network.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -q "Noto Sans CJK" || need+=(fonts-noto-cjk)
# 楷体 for PDFs (second-level headings); see docs/decisions/official-documents.md.
fc-list 2>/dev/null | grep -q "AR PL UKai" || need+=(fonts-arphic-ukai)
command -v msgfmt >/dev/null || need+=(gettext)
# pg_dump / pg_restore for manage.py backup and restore on PostgreSQL.
command -v pg_dump >/dev/null || need+=(postgresql-client)
ldconfig -p 2>/dev/null | grep -q libpangoft2 || need+=(libpango-1.0-0 libpangoft2-1.0-0)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "missing Debian packages: ${need[*]} — run: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
