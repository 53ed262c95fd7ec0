"""Lineage as Dagster shows it: every warehouse table is an asset, and the indicator and report columns
name the core and taxonomy columns they come from (`dagster/column_lineage`), in the definitions and in
the materializations of a small demo run."""

from fnmatch import fnmatch

import dagster as dg
import duckdb
import polars as pl
import pytest

from roadmap_pipeline.definitions import defs
from roadmap_pipeline.defs.indicators.assets import INDICATORS
from roadmap_pipeline.defs.indicators.lineage import INDICATOR_COLUMNS, INDICATOR_SOURCES, LINEAGE
from roadmap_pipeline.lib.indicators import SUBCLASS_SCHEMA

# Warehouse tables that are not assets, each pattern with its reason.
NOT_ASSETS: dict[str, str] = {}


def _lineage(node) -> dict[str, set[tuple[str, str]]]:
    lineage = node.metadata[LINEAGE]
    return {column: {(dep.asset_key.to_user_string(), dep.column_name) for dep in deps}
            for column, deps in lineage.deps_by_column.items()}


def _core_columns(graph, key: dg.AssetKey, column: str) -> set[tuple[str, str]]:
    """The columns of core and taxonomy assets that `column` of `key` comes from, following the lineage."""
    node = graph.get(key)
    if LINEAGE not in node.metadata:
        return {(key.to_user_string(), column)}
    return {found for dep in node.metadata[LINEAGE].deps_by_column[column]
            for found in _core_columns(graph, dep.asset_key, dep.column_name)}


def test_korea_competitiveness_comes_from_core_families_through_the_facts():
    graph = defs.resolve_asset_graph()
    assert _lineage(graph.get(INDICATORS))["korea_competitiveness"] == {
        ("indicators/subclass_facts", c)
        for c in ("family_id", "priority_year", "first_filing_country", "forward_citations", "family_size")}
    assert _core_columns(graph, INDICATORS, "korea_competitiveness") == {
        ("taxonomy/subclass_patents", "family_id"), ("taxonomy/subclass_patents", "is_valid"),
        ("core/families", "earliest_priority_date"), ("core/families", "first_filing_country"),
        ("core/families", "forward_citations"), ("core/families", "family_size")}
    # The report's printed column and its export follow the same column.
    assert _core_columns(graph, dg.AssetKey(["reports", "roadmap_report"]), "korea_competitiveness") \
        == _core_columns(graph, INDICATORS, "korea_competitiveness")
    assert ("core/families", "first_filing_country") not in _core_columns(graph, INDICATORS, "growth")


def test_every_indicator_column_has_its_lineage_and_each_dep_is_a_parent():
    assert list(INDICATOR_SOURCES) == list(SUBCLASS_SCHEMA)
    graph = defs.resolve_asset_graph()
    assert set(_lineage(graph.get(INDICATORS))) == set(INDICATOR_COLUMNS) - {"core_threshold", "strength_threshold"}
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        if LINEAGE in node.metadata:
            deps = {asset for columns in _lineage(node).values() for asset, _ in columns}
            assert deps <= {k.to_user_string() for k in node.parent_keys}, key


@pytest.fixture(scope="module")
def small_demo(tmp_path_factory, definitions_for):
    """A small synthetic corpus through every stage (hashing embedder): root, definitions, instance."""
    from roadmap_pipeline.demo.synthetic import generate_corpus
    from roadmap_pipeline.run import materialize_landing_zone

    root = tmp_path_factory.mktemp("lineage")
    generate_corpus(root / "raw", n_documents=600, seed=3)
    definitions = definitions_for(root, backend="hashing")
    instance = dg.DagsterInstance.ephemeral()
    assert materialize_landing_zone(instance=instance, definitions=definitions) == 0
    return root, definitions, instance


def test_every_warehouse_table_is_an_asset(small_demo):
    root, definitions, _ = small_demo
    keys = {key.to_user_string() for key in definitions.resolve_asset_graph().get_all_asset_keys()}
    with duckdb.connect(str(root / "wh.duckdb"), read_only=True) as conn:
        tables = {f"{s}.{t}" for s, t in conn.sql("SELECT table_schema, table_name FROM information_schema.tables").fetchall()}
    internal = {table for table in tables if any(fnmatch(table, pattern) for pattern in NOT_ASSETS)}
    assert {t for t in tables - internal if t.replace(".", "/") not in keys} == set()
    assert {"topics.cluster_windows", "topics.emerging_keywords", "topics.member_tokens", "topics.subclass_state",
            "indicators.yearly_counts", "raw.kipo_documents", "raw.exports_rejects", "core.document_citations",
            "core.rejected_records"} <= tables - internal
    assert all(any(fnmatch(t, pattern) for t in tables) for pattern in NOT_ASSETS)  # no stale entry


def test_materialized_lineage_names_columns_that_exist(small_demo):
    root, definitions, instance = small_demo
    graph = definitions.resolve_asset_graph()
    event = instance.get_latest_materialization_event(INDICATORS)
    assert event.asset_materialization.metadata[LINEAGE].value == graph.get(INDICATORS).metadata[LINEAGE]
    with duckdb.connect(str(root / "wh.duckdb"), read_only=True) as conn:
        columns = {f"{s}/{t}": set() for s, t in conn.sql("SELECT table_schema, table_name FROM information_schema.tables").fetchall()}
        for schema, table, column in conn.sql("SELECT table_schema, table_name, column_name FROM information_schema.columns").fetchall():
            columns[f"{schema}/{table}"].add(column)
    reports = root / "artifacts" / "reports"
    for stem in ("roadmap_indicators", "yearly_counts"):
        columns[f"reports/{stem}"] = set(pl.read_parquet_schema(reports / f"{stem}.parquet"))
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        if LINEAGE not in node.metadata:
            continue
        name = key.to_user_string()
        lineage = _lineage(node)
        if name in columns:  # a table: its lineage covers only its columns
            assert set(lineage) <= columns[name], name
        for asset, column in set().union(*lineage.values()):
            assert column in columns[asset], (name, asset, column)
