"""The warehouse connection: DuckDB's memory limit from ROADMAP_DUCKDB_MEMORY, 4 GB by default."""

from __future__ import annotations

import pytest

from roadmap_pipeline.lib.warehouse import connect


def _limit(path) -> str:
    with connect(path) as conn:
        return conn.sql("SELECT current_setting('memory_limit')").fetchone()[0]


def test_the_default_limit_is_4gb_and_the_variable_overrides_it(tmp_path, monkeypatch):
    monkeypatch.delenv("ROADMAP_DUCKDB_MEMORY", raising=False)
    assert _limit(tmp_path / "w.duckdb") == "3.7 GiB"  # 4 GB in DuckDB's 1024-based display
    monkeypatch.setenv("ROADMAP_DUCKDB_MEMORY", "1GiB")
    assert _limit(tmp_path / "w.duckdb") == "1.0 GiB"


def test_a_limit_that_is_not_a_size_names_the_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("ROADMAP_DUCKDB_MEMORY", "80%")
    with pytest.raises(ValueError, match=r"ROADMAP_DUCKDB_MEMORY='80%' is not a memory size such as 4GB"):
        _limit(tmp_path / "w.duckdb")
