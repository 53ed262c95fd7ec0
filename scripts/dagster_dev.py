"""`dagster dev` as the operational checks start it: own process group, 127.0.0.1, stopped by its group id."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def graphql(port: int, query: str, variables: dict | None = None) -> dict:
    """POST `query` to the server's GraphQL API and return the decoded answer."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql", data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def wait_for_server(port: int, process: subprocess.Popen, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dagster dev exited with {process.returncode}")
        try:
            if graphql(port, "{ version }").get("data"):
                return
        except OSError:
            pass
        time.sleep(2)
    raise TimeoutError(f"dagster dev did not answer on port {port} within {timeout:.0f} s")


@contextmanager
def running_dagster_dev(home: Path, port: int, env: dict[str, str] | None = None):
    """Run `dagster dev` (webserver and daemon) with DAGSTER_HOME `home` until the block ends.

    Its output goes to `home`/dagster_dev.log. The server has its own process group, so that the
    webserver, the daemon, the code servers and the runs they started are all stopped with it.
    """
    environment = {**os.environ, **(env or {}), "DAGSTER_HOME": str(home)}
    log = open(home / "dagster_dev.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "dagster", "dev", "-h", "127.0.0.1", "-p", str(port), "-w", str(ROOT / "workspace.yaml")],
        cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        wait_for_server(port, process)
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()
