"""Render the roadmap report in headless Chromium, save a screenshot, and check what the browser shows.

Usage: python scripts/check_report.py [REPORT_HTML] [--screenshot PNG]
(default: $ROADMAP_ARTIFACTS/reports/roadmap_report.html, screenshot beside it).

Checks, on the DOM after the page's scripts ran (Chromium's --dump-dom): the roadmap table with one
row per subclass and the seed's marks, and every plotly figure drawn (an SVG per figure, which only
exists when plotly.js ran offline from the page itself). Exit 0 when all hold, 1 otherwise, 2 when
Chromium is missing (`make report-check` installs Debian's chromium and a Korean font).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--virtual-time-budget=10000"]


def browser() -> str | None:
    """Path of a Chromium-family browser, or None."""
    return next((path for name in BROWSERS if (path := shutil.which(name))), None)


def _run(binary: str, *arguments: str) -> str:
    with tempfile.TemporaryDirectory() as profile:  # a fresh profile: no state between checks
        done = subprocess.run([binary, *_FLAGS, f"--user-data-dir={profile}", *arguments],
                              capture_output=True, text=True, timeout=180)
    return done.stdout


def check(html: Path, screenshot: Path) -> list[str]:
    """Problems found in the rendered report (empty: it shows the table and its charts)."""
    binary = browser()
    if binary is None:
        raise FileNotFoundError("no chromium found: run `make report-check` (installs Debian's chromium)")
    url = html.resolve().as_uri()
    dom = _run(binary, "--dump-dom", url)
    _run(binary, "--window-size=1400,2400", f"--screenshot={screenshot}", url)
    problems = []
    rows = re.findall(r'<tr [^>]*data-subclass=', dom)
    if not rows:
        problems.append("the roadmap table has no subclass row")
    if "출원점유율" not in dom or "Application share" not in dom:
        problems.append("the table headers are missing")
    figures = dom.count('class="plotly-graph-div')
    drawn = dom.count('class="main-svg"')
    if figures == 0 or drawn < figures:
        problems.append(f"{figures} plotly figures but {drawn} drawn SVGs: plotly.js did not run")
    if not screenshot.is_file() or screenshot.stat().st_size < 20_000:
        problems.append(f"screenshot {screenshot} missing or nearly empty")
    print(f"{html}: {len(rows)} subclass rows, {figures} figures, {drawn} SVG layers; screenshot {screenshot}")
    return problems


def main(argv: list[str] | None = None) -> int:
    from roadmap_pipeline import settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", nargs="?", type=Path,
                        default=settings.artifacts_dir() / "reports" / "roadmap_report.html")
    parser.add_argument("--screenshot", type=Path)
    args = parser.parse_args(argv)
    screenshot = args.screenshot or args.html.with_suffix(".png")
    try:
        problems = check(args.html, screenshot)
    except FileNotFoundError as error:
        print(error, file=sys.stderr)
        return 2
    for problem in problems:
        print(f"FAIL: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
