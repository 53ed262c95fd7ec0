"""The warehouse connection (dagster-duckdb's resource): DuckDB's memory limit from ROADMAP_DUCKDB_MEMORY,
4 GB by default; the SQL files' statements and identifiers."""

from __future__ import annotations

import subprocess
import sys

import pytest

from roadmap_pipeline.defs.resources import connect, warehouse_resource
from roadmap_pipeline.lib.warehouse import statements


def _limit(path) -> str:
    with connect(path) as conn:
        return conn.sql("SELECT current_setting('memory_limit')").fetchone()[0]


def test_the_default_limit_is_4gb_and_the_variable_overrides_it(tmp_path, monkeypatch):
    monkeypatch.delenv("ROADMAP_DUCKDB_MEMORY", raising=False)
    assert _limit(tmp_path / "w.duckdb") == "3.7 GiB"  # 4 GB in DuckDB's 1024-based display
    monkeypatch.setenv("ROADMAP_DUCKDB_MEMORY", "1GiB")
    assert _limit(tmp_path / "w.duckdb") == "1.0 GiB"


def test_a_limit_that_is_not_a_size_names_the_variable_when_the_resource_is_made(tmp_path, monkeypatch):
    monkeypatch.setenv("ROADMAP_DUCKDB_MEMORY", "80%")
    with pytest.raises(ValueError, match=r"ROADMAP_DUCKDB_MEMORY='80%' is not a memory size such as 4GB"):
        warehouse_resource(tmp_path / "w.duckdb")
    with pytest.raises(ValueError, match=r"ROADMAP_DUCKDB_MEMORY='80%'"):
        _limit(tmp_path / "w.duckdb")


def test_the_resource_creates_the_folder_and_an_error_does_not_keep_the_file_locked(tmp_path, monkeypatch):
    monkeypatch.delenv("ROADMAP_DUCKDB_MEMORY", raising=False)
    path = tmp_path / "new" / "folder" / "w.duckdb"
    assert warehouse_resource(path).database == str(path) and path.parent.is_dir()
    with pytest.raises(RuntimeError, match="inside") as raised:
        with connect(path) as conn:
            conn.execute("CREATE TABLE t AS SELECT 1 AS x")
            raise RuntimeError("inside")
    # The traceback still references the connection; another process may write all the same.
    assert raised.traceback
    other = subprocess.run([sys.executable, "-c", "import duckdb, sys; print(duckdb.connect(sys.argv[1]).sql("
                            "'SELECT x FROM t').fetchall())", str(path)], capture_output=True, text=True)
    assert other.stdout.strip() == "[(1,)]", other.stderr


@pytest.mark.parametrize("identifiers", [
    {"source": "kipo; DROP TABLE x", "kinds": ["documents"]},
    {"source": "kipo", "kinds": ["documents", "rejects WHERE true"]},
    {"source": "kipo", "tables": {"documents": [{"name": "doc_id", "type": "varchar) --", "not_null": True}]}},
])
def test_a_template_takes_only_identifiers(identifiers):
    name = "raw_schema" if "tables" in identifiers else "raw_clear"
    with pytest.raises(ValueError, match="not a safe SQL identifier"):
        statements(name, identifiers)


def test_a_template_gives_a_statement_per_listed_table():
    assert statements("raw_clear", {"source": "epo", "kinds": ["documents", "rejects"]}) == [
        f"DELETE FROM raw.epo_{kind} WHERE partition_month BETWEEN $first_month AND $last_month"
        for kind in ("documents", "rejects")]


def test_a_broken_taxonomy_file_fails_the_step_with_its_reason(tmp_path):
    import dagster as dg

    from roadmap_pipeline.defs.resources import TaxonomyFile

    broken = tmp_path / "taxonomy.yaml"
    broken.write_text("categories: [\n", encoding="utf-8")
    with pytest.raises(dg.Failure) as failure:
        TaxonomyFile(path=str(broken)).load_or_fail()
    assert failure.value.description.startswith("the taxonomy file cannot be used: ")
    assert str(broken) in failure.value.description
