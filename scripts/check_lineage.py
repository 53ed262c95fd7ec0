"""Start `dagster dev`, check the report's lineage in its GraphQL API and UI, stop it.

Usage: python scripts/check_lineage.py [--port 3333] [--screenshots DIR]

The server runs in its own process group on 127.0.0.1 with a temporary DAGSTER_HOME (or the given
one) and is stopped by that group's id whatever happens. Checks, in the asset graph the API serves:
reports/roadmap_report's upstream lineage reaches the taxonomy file (the observable source asset
taxonomy/taxonomy_file) and every table of every raw source; the column lineage of
indicators/subclass_indicators.korea_competitiveness reaches the core/families columns it is
computed from. With Chromium present, the report's upstream lineage page and the overview of the
indicator table are rendered and saved as screenshots (DIR/report_lineage.png,
DIR/subclass_indicators_overview.png; default data/artifacts/lineage); the first must name the
taxonomy file and every raw source, the second korea_competitiveness among its columns and its
automation condition. The open-source UI draws no column lineage graph (a Dagster+ view), so the
column lineage is checked in the API only. Exit 0 when every check holds.
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

REPORT = "reports/roadmap_report"
TAXONOMY_FILE = "taxonomy/taxonomy_file"
RAW = {f"raw/{source.name}_documents" for source in SOURCES}
INDICATORS, COLUMN = "indicators/subclass_indicators", "korea_competitiveness"
# The core columns Korea competitiveness is computed from (RTA of first filings, PII, PFS, the window).
CORE_COLUMNS = {"core/families." + c for c in ("first_filing_country", "forward_citations", "family_size",
                                               "earliest_priority_date")}
_QUERY = """
{ assetNodes { assetKey { path } dependencyKeys { path }
    metadataEntries { label ... on TableColumnLineageMetadataEntry {
      lineage { columnName columnDeps { assetKey { path } columnName } } } } } }
"""


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


def column_upstream(nodes: list[dict], asset: str, column: str) -> set[str]:
    """Every `asset.column` that `column` of `asset` is computed from, transitively, from the API's column lineage."""
    deps = {}
    for node in nodes:
        name = "/".join(node["assetKey"]["path"])
        for entry in node.get("metadataEntries", []):
            for line in entry.get("lineage", []):
                deps[f"{name}.{line['columnName']}"] = [
                    "/".join(d["assetKey"]["path"]) + "." + d["columnName"] for d in line["columnDeps"]]
    seen, todo = set(), [f"{asset}.{column}"]
    while todo:
        for parent in deps.get(todo.pop(), []):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


async def _render(browser: str, pages: list[tuple[str, Path, str]], debug_port: int = 9333) -> list[str]:
    """Open each (url, screenshot, text to wait for) in headless Chromium over the DevTools protocol,
    dismiss the UI's welcome dialog, save a screenshot and return each page's text."""
    import base64

    import websockets

    with tempfile.TemporaryDirectory() as profile:
        chrome = subprocess.Popen(
            [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=2560,1600",
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

                texts = []
                for number, (url, screenshot, wait_for) in enumerate(pages):
                    await call("Page.navigate", url=url)
                    for _ in range(60):  # the UI is a single-page app: wait until the graph has drawn
                        await asyncio.sleep(1)
                        if await evaluate(f"document.body.innerText.includes({json.dumps(wait_for)})"):
                            break
                    for _ in range(10 if number == 0 else 2):  # the welcome dialog of a fresh instance may open late
                        closed = await evaluate(
                            "(() => { const b = [...document.querySelectorAll('button')]"
                            ".find(b => b.textContent.trim() === 'Skip'); if (b) { b.click(); return true; } return false; })()")
                        await asyncio.sleep(1)
                        if closed and not await evaluate("document.body.innerText.includes('Join the Dagster community')"):
                            break
                    await asyncio.sleep(2)  # the graph's layout settles after the dialog closes
                    shot = await call("Page.captureScreenshot", format="png")
                    screenshot.write_bytes(base64.b64decode(shot["data"]))
                    texts.append(await evaluate("document.body.innerText") or "")
                return texts
        finally:
            os.killpg(chrome.pid, signal.SIGKILL)


def check(port: int, screenshots: Path, home: Path) -> list[str]:
    """Problems found (empty: the lineage reaches the taxonomy file, every raw source and the core columns
    in the API, and the pages show them)."""
    problems = []
    with running_dagster_dev(home, port):
        nodes = graphql(port, _QUERY)["data"]["assetNodes"]
        reached = upstream(nodes, REPORT)
        missing = ({TAXONOMY_FILE} | RAW) - reached
        if missing:
            problems.append(f"lineage of {REPORT} misses {sorted(missing)}")
        columns = column_upstream(nodes, INDICATORS, COLUMN)
        if not CORE_COLUMNS <= columns:
            problems.append(f"column lineage of {INDICATORS}.{COLUMN} misses {sorted(CORE_COLUMNS - columns)}")
        print(f"{REPORT}: {len(reached)} upstream assets in the API, raw sources {sorted(RAW & reached)}, "
              f"taxonomy file {'reached' if TAXONOMY_FILE in reached else 'MISSING'}")
        print(f"{INDICATORS}.{COLUMN} from {sorted(c for c in columns if c.startswith('core/'))}")
        browser = next((p for name in ("chromium", "chromium-browser") if (p := shutil.which(name))), None)
        if browser:
            screenshots.mkdir(parents=True, exist_ok=True)
            report_page, column_page = asyncio.run(_render(browser, [
                (f"http://127.0.0.1:{port}/assets/{REPORT}?view=lineage&lineageScope=upstream&lineageDepth=20",
                 screenshots / "report_lineage.png", "kipo_documents"),
                (f"http://127.0.0.1:{port}/assets/{INDICATORS}?view=overview",
                 screenshots / "subclass_indicators_overview.png", COLUMN),
            ]))
            named = {name for name in {TAXONOMY_FILE} | RAW if name.split("/")[-1] in report_page}
            if named != {TAXONOMY_FILE} | RAW:  # the page names the key's last part
                problems.append(f"the report's lineage page does not name {sorted(({TAXONOMY_FILE} | RAW) - named)}")
            for text in (COLUMN, "after its dependencies"):
                if text not in column_page:
                    problems.append(f"the overview of {INDICATORS} does not show {text!r}")
            print(f"pages: report lineage names {len(named)} of {len(RAW) + 1} sources; screenshots in {screenshots}")
        else:
            print("chromium not found: the page checks and screenshots are skipped")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=3333)
    parser.add_argument("--screenshots", type=Path, default=ROOT / "data" / "artifacts" / "lineage")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as home:
        shutil.copy(ROOT / "dagster.yaml", Path(home) / "dagster.yaml")
        problems = check(args.port, args.screenshots, Path(home))
    for problem in problems:
        print(f"FAIL: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
