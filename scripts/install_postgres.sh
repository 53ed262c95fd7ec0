#!/usr/bin/env bash
# Debian's PostgreSQL server binaries, for tests/test_postgres_instance.py (the shared-deployment
# instance, deploy/postgres/dagster.yaml, on a real server that the test starts and stops itself).
# Does nothing when initdb is already under /usr/lib/postgresql/*/bin; says so and carries on when it
# cannot install (no root, no apt): the PostgreSQL tests are then skipped.
set -u
if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
    exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "PostgreSQL is not installed and cannot be installed here (needs root and apt-get); PostgreSQL tests will be skipped" >&2
    exit 0
fi
echo "installing postgresql (Debian package) for the PostgreSQL instance tests" >&2
# The package's own cluster (main) is not used: the tests initialize and run a server of their own.
timeout 300 apt-get install -y --no-install-recommends postgresql >/dev/null 2>&1 \
    || { timeout 300 apt-get update >/dev/null 2>&1 && timeout 300 apt-get install -y --no-install-recommends postgresql >/dev/null 2>&1; } \
    || echo "could not install postgresql; PostgreSQL tests will be skipped" >&2
exit 0
