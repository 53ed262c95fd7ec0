#!/usr/bin/env bash
# Debian's chromium and a Korean font, for the rendering checks of the report (scripts/check_report.py)
# and of the Dagster UI. Does nothing when chromium is already there; says so and carries on when it
# cannot install (no root, no apt): the checks that need a browser are then skipped.
set -u
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "chromium is not installed and cannot be installed here (needs root and apt-get); browser checks will be skipped" >&2
    exit 0
fi
echo "installing chromium and fonts-nanum (Debian packages) for the browser checks" >&2
timeout 300 apt-get install -y --no-install-recommends chromium fonts-nanum >/dev/null 2>&1 \
    || { timeout 300 apt-get update >/dev/null 2>&1 && timeout 300 apt-get install -y --no-install-recommends chromium fonts-nanum >/dev/null 2>&1; } \
    || echo "could not install chromium; browser checks will be skipped" >&2
exit 0
