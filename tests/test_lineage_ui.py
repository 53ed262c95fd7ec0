"""`dagster dev` started for real: the report's lineage reaches the taxonomy file and every raw source, and
korea_competitiveness's column lineage the core columns, in the API; the pages show them (scripts/check_lineage.py)."""

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


def test_column_upstream_follows_each_hop():
    def lineage(column, *deps):
        return {"columnName": column, "columnDeps": [{"assetKey": {"path": a.split("/")}, "columnName": c} for a, c in deps]}

    nodes = [
        {"assetKey": {"path": ["i", "ind"]}, "metadataEntries": [{"label": "dagster/column_lineage", "lineage": [
            lineage("score", ("i/facts", "kr"), ("i/facts", "n")), lineage("other", ("i/facts", "m"))]}]},
        {"assetKey": {"path": ["i", "facts"]}, "metadataEntries": [{"label": "x"}, {"lineage": [
            lineage("kr", ("core/fam", "country")), lineage("m", ("core/fam", "size"))]}]},
    ]
    assert check_lineage.column_upstream(nodes, "i/ind", "score") == {"i/facts.kr", "i/facts.n", "core/fam.country"}


def test_lineage_in_a_running_dagster_dev(tmp_path):
    shutil.copy(Path(__file__).parents[1] / "dagster.yaml", tmp_path / "dagster.yaml")
    screenshots = tmp_path / "lineage"
    assert check_lineage.check(3353, screenshots, tmp_path) == []
    if shutil.which("chromium") or shutil.which("chromium-browser"):
        assert (screenshots / "report_lineage.png").stat().st_size > 20_000
        assert (screenshots / "subclass_indicators_overview.png").stat().st_size > 20_000
