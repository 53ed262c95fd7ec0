"""Start `dagster dev`, check the lineage of the indicator table in its GraphQL API and UI, stop it.

Usage: python scripts/check_lineage.py [--port 3333] [--screenshot PNG]

The server runs in its own process group on 127.0.0.1 with a temporary DAGSTER_HOME (or the given
one) and is stopped by that group's id whatever happens. Checks: the asset graph served by the API
leads from indicators/subclass_indicators back to the documents table of every raw source (raw/<source>_documents);
with Chromium present, the lineage page of the indicator table is rendered and saved as a
screenshot, and its DOM must name the indicator asset. Exit 0 when every check holds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dagster_dev import ROOT, graphql, running_dagster_dev  # noqa: E402  (a script's sibling module)
from roadmap_pipeline.lib.records import SOURCES  # noqa: E402

TARGET = "indicators/subclass_indicators"
RAW = {f"raw/{source.name}_documents" for source in SOURCES}
_QUERY = "{ assetNodes { assetKey { path } dependencyKeys { path } } }"


def upstream(nodes: list[dict], start: str) -> set[str]:
    """Every asset the `start` asset depends on, transitively, from the API's assetNodes."""
    deps = {"/".join(n["assetKey"]["path"]): ["/".join(d["path"]) for d in n["dependencyKeys"]] for n in nodes}
    seen, todo = set(), [start]
    while todo:
        for parent in deps.get(todo.pop(), []):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


async def _render(browser: str, url: str, screenshot: Path, debug_port: int = 9333) -> str:
    """Open `url` in headless Chromium over the DevTools protocol, dismiss the UI's welcome dialog,
    save a screenshot and return the page's HTML."""
    import base64

    import websockets

    with tempfile.TemporaryDirectory() as profile:
        chrome = subprocess.Popen(
            [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1600,1000",
             f"--remote-debugging-port={debug_port}", f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        try:
            for _ in range(60):
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{debug_port}/json/list", timeout=5) as r:
                        target = next(t for t in json.loads(r.read()) if t["type"] == "page")
                    break
                except (OSError, StopIteration):
                    await asyncio.sleep(0.5)
            async with websockets.connect(target["webSocketDebuggerUrl"], max_size=None) as ws:
                counter = 0

                async def call(method: str, **params):
                    nonlocal counter
                    counter += 1
                    await ws.send(json.dumps({"id": counter, "method": method, "params": params}))
                    while True:
                        message = json.loads(await ws.recv())
                        if message.get("id") == counter:
                            return message.get("result", {})

                async def evaluate(expression: str):
                    result = await call("Runtime.evaluate", expression=expression, returnByValue=True)
                    return result.get("result", {}).get("value")

                await call("Page.navigate", url=url)
                for _ in range(60):  # the UI is a single-page app: wait until the graph has drawn
                    await asyncio.sleep(1)
                    if await evaluate("document.body.innerText.includes('kipo_documents')"):
                        break
                for _ in range(10):  # the welcome dialog of a fresh instance may open late
                    closed = await evaluate(
                        "(() => { const b = [...document.querySelectorAll('button')]"
                        ".find(b => b.textContent.trim() === 'Skip'); if (b) { b.click(); return true; } return false; })()")
                    await asyncio.sleep(1)
                    if closed and not await evaluate("document.body.innerText.includes('Join the Dagster community')"):
                        break
                shot = await call("Page.captureScreenshot", format="png")
                screenshot.write_bytes(base64.b64decode(shot["data"]))
                return await evaluate("document.body.innerText") or ""
        finally:
            os.killpg(chrome.pid, signal.SIGKILL)


def check(port: int, screenshot: Path, home: Path) -> list[str]:
    """Problems found (empty: the lineage reaches every raw source in the API and the page shows it)."""
    problems = []
    with running_dagster_dev(home, port):
        nodes = graphql(port, _QUERY)["data"]["assetNodes"]
        reached = upstream(nodes, TARGET)
        missing = RAW - reached
        if missing:
            problems.append(f"lineage of {TARGET} misses {sorted(missing)}")
        print(f"{TARGET}: {len(reached)} upstream assets in the API, raw sources {sorted(RAW & reached)}")
        browser = next((p for name in ("chromium", "chromium-browser") if (p := shutil.which(name))), None)
        if browser:
            url = f"http://127.0.0.1:{port}/assets/{TARGET}?view=lineage&lineageScope=upstream&lineageDepth=10"
            dom = asyncio.run(_render(browser, url, screenshot))
            if "subclass_indicators" not in dom:
                problems.append("the lineage page does not name subclass_indicators")
            shown = sorted(name for name in RAW if name.split("/")[-1] in dom)  # the page names the key's last part
            if shown != sorted(RAW):
                problems.append(f"the lineage page names only {shown} of the raw assets")
            print(f"lineage page: raw assets named in the page {shown}; screenshot {screenshot}")
        else:
            print("chromium not found: the page check and screenshot are skipped")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=3333)
    parser.add_argument("--screenshot", type=Path, default=ROOT / "data" / "artifacts" / "lineage.png")
    args = parser.parse_args(argv)
    args.screenshot.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as home:
        shutil.copy(ROOT / "dagster.yaml", Path(home) / "dagster.yaml")
        problems = check(args.port, args.screenshot, Path(home))
    for problem in problems:
        print(f"FAIL: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
