"""The demo's report rendered in headless Chromium: the table and every chart show, offline."""

import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("check_report", Path(__file__).parents[1] / "scripts" / "check_report.py")
check_report = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_report)

pytestmark = pytest.mark.skipif(check_report.browser() is None, reason="chromium is not installed (scripts/install_browser.sh)")


def test_report_shows_table_and_charts(demo_pipeline, tmp_path):
    root, _, _ = demo_pipeline
    html = root / "artifacts" / "reports" / "roadmap_report.html"
    assert check_report.check(html, tmp_path / "report.png") == []


def test_a_report_whose_plotly_cannot_run_is_caught(demo_pipeline, tmp_path):
    root, _, _ = demo_pipeline
    text = (root / "artifacts" / "reports" / "roadmap_report.html").read_text(encoding="utf-8")
    broken = tmp_path / "broken.html"
    broken.write_text(text.replace("Plotly.newPlot", "Plotly.missingFunction"), encoding="utf-8")
    problems = check_report.check(broken, tmp_path / "broken.png")
    assert any("plotly.js did not run" in p for p in problems)
