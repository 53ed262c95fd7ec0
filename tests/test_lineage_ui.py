"""`dagster dev` started for real: the indicator table's lineage reaches every raw source in the API and on the page."""

import importlib.util
import shutil
from pathlib import Path

_spec = importlib.util.spec_from_file_location("check_lineage", Path(__file__).parents[1] / "scripts" / "check_lineage.py")
check_lineage = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_lineage)


def test_upstream_walks_the_api_graph():
    nodes = [
        {"assetKey": {"path": ["c"]}, "dependencyKeys": [{"path": ["b"]}]},
        {"assetKey": {"path": ["b"]}, "dependencyKeys": [{"path": ["a1"]}, {"path": ["a2"]}]},
        {"assetKey": {"path": ["a1"]}, "dependencyKeys": []},
        {"assetKey": {"path": ["x"]}, "dependencyKeys": [{"path": ["c"]}]},
    ]
    assert check_lineage.upstream(nodes, "c") == {"b", "a1", "a2"}


def test_lineage_in_a_running_dagster_dev(tmp_path):
    shutil.copy(Path(__file__).parents[1] / "dagster.yaml", tmp_path / "dagster.yaml")
    screenshot = tmp_path / "lineage.png"
    assert check_lineage.check(3337, screenshot, tmp_path) == []
    if shutil.which("chromium") or shutil.which("chromium-browser"):
        assert screenshot.stat().st_size > 20_000
