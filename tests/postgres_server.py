"""A throwaway PostgreSQL server for tests: initdb, start, one database, stop.

The server listens on a unix socket in its own directory only (no TCP port, trust authentication),
with durability switched off for speed: nothing in it outlives the test.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DATABASE = "dagster"
SUPERUSER = "postgres"
PORT = 5432  # names the socket file only; no TCP listener
_BIN_ROOT = Path("/usr/lib/postgresql")
_START_SECONDS = 30
_LOG_TAIL_LINES = 30
# A unix socket path must fit in 107 bytes (sun_path), so the server directory is kept short.
_MAX_SOCKET_DIR = 80


def postgres_binaries() -> Path | None:
    """The bin folder of the newest PostgreSQL under /usr/lib/postgresql holding initdb and pg_ctl, or None."""
    if not _BIN_ROOT.is_dir():
        return None
    candidates = [
        folder / "bin" for folder in _BIN_ROOT.iterdir()
        if re.fullmatch(r"\d+(\.\d+)?", folder.name)
        and (folder / "bin" / "initdb").is_file() and (folder / "bin" / "pg_ctl").is_file()
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda path: tuple(int(part) for part in path.parent.name.split(".")))


def dagster_pg_url(url: str) -> str:
    """`url` with the psycopg2 driver named, as DAGSTER_PG_URL needs it.

    SQLAlchemy 2.1 (which dagster-postgres connects through) maps a bare ``postgresql://`` to
    psycopg 3, which is not installed; dagster-postgres depends on psycopg2. libpq, on the other
    hand, refuses the ``postgresql+psycopg2://`` form, so the two URLs differ in the scheme only.
    """
    return url.replace("postgresql://", "postgresql+psycopg2://", 1)


class PostgresNotStarted(RuntimeError):
    """The server could not be initialized or did not come up."""


@contextmanager
def running_postgres(root: Path) -> Iterator[str]:
    """Run a PostgreSQL server with its files in `root` and a database `dagster`; stop it on exit.

    As root, the server runs as user `postgres` (PostgreSQL refuses to run as root), which then
    owns the server folder. When that user cannot reach `root` (pytest's temporary folders are
    private to their owner) or its path is too long for a socket, the server lives in a fresh
    folder under the system temporary folder instead, removed on exit.

    Args:
        root: a folder for the server's data, socket and log; created when missing.

    Yields:
        A libpq URL, as psycopg2 takes it:
        ``postgresql://postgres@/dagster?host=<socket folder>&port=5432``; `dagster_pg_url` turns
        it into the form dagster-postgres needs.

    Raises:
        PostgresNotStarted: when no binaries are installed, or initdb, the start or createdb fails
            (with the end of the server log).
    """
    binaries = postgres_binaries()
    if binaries is None:
        raise PostgresNotStarted(f"no PostgreSQL binaries (initdb, pg_ctl) under {_BIN_ROOT}/*/bin")
    folder, owned = _server_folder(Path(root))
    data, log = folder / "data", folder / "server.log"
    started = False
    try:
        _run(binaries / "initdb", "-D", data, "-U", SUPERUSER, "--auth=trust", "--encoding=UTF8",
             "--locale=C", "--no-sync", what="initdb", log=log)
        options = (f"-c listen_addresses='' -c unix_socket_directories='{folder}' -p {PORT}"
                   " -c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        started = True  # from here on a half-started server must be stopped too
        _run(binaries / "pg_ctl", "-D", data, "-l", log, "-w", "-t", str(_START_SECONDS), "-o", options, "start",
             what="pg_ctl start", log=log)
        _run(binaries / "createdb", "-h", folder, "-p", str(PORT), "-U", SUPERUSER, DATABASE,
             what="createdb", log=log)
        yield f"postgresql://{SUPERUSER}@/{DATABASE}?host={folder}&port={PORT}"
    finally:
        if started:
            subprocess.run(_as_server_user([binaries / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop"]),
                           capture_output=True, timeout=60)
        if owned:
            shutil.rmtree(folder, ignore_errors=True)


def _server_folder(root: Path) -> tuple[Path, bool]:
    """The folder the server may use, and whether it was made here (and is to be removed)."""
    root.mkdir(parents=True, exist_ok=True)
    as_root = os.geteuid() == 0
    if as_root:
        try:
            pwd.getpwnam(SUPERUSER)
        except KeyError:
            raise PostgresNotStarted(f"running as root, but there is no user {SUPERUSER!r} to run the server as") from None
    folder, owned = root, False
    if len(str(root)) > _MAX_SOCKET_DIR or (as_root and not _server_user_can_enter(root.parent)):
        folder, owned = Path(tempfile.mkdtemp(prefix="pg-")), True
    if not as_root:
        return folder, owned
    shutil.chown(folder, user=SUPERUSER, group=SUPERUSER)
    folder.chmod(0o700)
    return folder, owned


def _server_user_can_enter(folder: Path) -> bool:
    return subprocess.run(_as_server_user(["test", "-x", folder]), capture_output=True).returncode == 0


def _as_server_user(command: list) -> list[str]:
    command = [str(part) for part in command]
    return ["runuser", "-u", SUPERUSER, "--", *command] if os.geteuid() == 0 else command


def _run(*command, what: str, log: Path) -> None:
    result = subprocess.run(_as_server_user(list(command)), capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise PostgresNotStarted(
            f"{what} failed (exit {result.returncode}): {(result.stderr or result.stdout).strip()}\n"
            f"server log tail ({log}):\n{_tail(log)}"
        )


def _tail(log: Path) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-_LOG_TAIL_LINES:]) or "(empty)"
    except OSError:
        return "(no log: the server did not start writing one)"
