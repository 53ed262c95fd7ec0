"""The demo's indicator table and report tables against a copy stored before the pipeline's lineage and
orchestration were reworked: a refactoring of how the graph runs must not move a number.

The small synthetic corpus (600 documents, seed 3) runs through `roadmap materialize` with the hashing
embedder, the taxonomy stored beside the copy (so that an edit of the shipped taxonomy is not read as a
change of the pipeline) and no analyst labels. Rows are matched on their non-float columns, whatever
their order; floats agree within 1e-9 relative. After an intended change of the figures, regenerate with:
ROADMAP_UPDATE_SNAPSHOT=1 pytest tests/test_demo_snapshot.py
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest

SNAPSHOT = Path(__file__).parent / "snapshots" / "demo"
TAXONOMY = SNAPSHOT / "taxonomy.yaml"
# name -> where it comes from: a warehouse table, or a report export under ROADMAP_ARTIFACTS/reports.
TABLES = {
    "subclass_indicators": "indicators.subclass_indicators",
    "clusters": "topics.clusters",
    "task_themes": "topics.task_themes",
    "roadmap_indicators": "reports/roadmap_indicators.parquet",
    "yearly_counts": "reports/yearly_counts.parquet",
}


def demo_tables(warehouse: Path, artifacts: Path) -> dict[str, pl.DataFrame]:
    """The compared tables of a demo run, lists joined into strings so that they fit a CSV."""
    tables = {}
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        for name, source in TABLES.items():
            frame = (pl.read_parquet(artifacts / source) if source.startswith("reports/")
                     else conn.sql(f"SELECT * FROM {source}").pl())
            tables[name] = frame.with_columns(
                pl.col(c).list.join(" | ") for c, dtype in frame.schema.items() if isinstance(dtype, pl.List))
    return tables


def run_demo(root: Path) -> dict[str, pl.DataFrame]:
    """`roadmap generate` and `roadmap materialize` on a fresh landing zone under `root`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ROADMAP_", "DAGSTER_HOME"))}
    env.update(ROADMAP_RAW_DIR=str(root / "raw"), ROADMAP_WAREHOUSE=str(root / "wh.duckdb"),
               ROADMAP_ARTIFACTS=str(root / "artifacts"), ROADMAP_TAXONOMY=str(TAXONOMY),
               ROADMAP_LABELS_DIR=str(root / "labels"), ROADMAP_EMBEDDING_BACKEND="hashing")
    command = [sys.executable, "-c", "import sys; from roadmap_pipeline.cli import main; sys.exit(main())"]
    for args in (["generate", "--documents", "600", "--seed", "3"], ["materialize"]):
        done = subprocess.run(command + args, env=env, cwd=root, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, f"roadmap {args[0]} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return demo_tables(root / "wh.duckdb", root / "artifacts")


def _roundtrip(frame: pl.DataFrame, path: Path) -> pl.DataFrame:
    """The frame as its CSV reads back, so that both sides of a comparison went through the same reader."""
    frame.write_csv(path)
    return pl.read_csv(path, infer_schema_length=None)


def differences(name: str, stored: pl.DataFrame, current: pl.DataFrame, rel: float = 1e-9) -> list[str]:
    """Where `current` differs from `stored`, one line per column, missing or extra row."""
    if stored.columns != current.columns:
        return [f"{name}: columns {stored.columns} became {current.columns}"]
    floats = [c for c, dtype in stored.schema.items() if dtype.is_float() or current.schema[c].is_float()]
    keys = [c for c in stored.columns if c not in floats]
    found = []
    for frame, other, word in ((stored, current, "missing"), (current, stored, "extra")):
        for row in frame.join(other, on=keys, how="anti", nulls_equal=True).select(keys).iter_rows(named=True):
            found.append(f"{name}: {word} row {row}")
    if stored.select(keys).is_duplicated().any():
        found.append(f"{name}: rows not told apart by {keys}; compare them as a whole")
    joined = stored.join(current, on=keys, how="inner", nulls_equal=True, suffix="__current")
    for row in joined.iter_rows(named=True):
        for column in floats:
            before, after = row[column], row[f"{column}__current"]
            same = (before is None and after is None) or (
                before is not None and after is not None
                and (math.isclose(before, after, rel_tol=rel, abs_tol=1e-12)
                     or (math.isnan(before) and math.isnan(after))))
            if not same:
                found.append(f"{name}: row {dict((k, row[k]) for k in keys[:3])} column {column}: {before} became {after}")
    return found


@pytest.fixture(scope="module")
def current(tmp_path_factory) -> tuple[dict[str, pl.DataFrame], Path]:
    root = tmp_path_factory.mktemp("demo_snapshot")
    return run_demo(root), root


def test_demo_tables_match_the_stored_copy(current):
    tables, root = current
    if os.environ.get("ROADMAP_UPDATE_SNAPSHOT"):
        for name, frame in tables.items():
            frame.write_csv(SNAPSHOT / f"{name}.csv")
    found = []
    for name, frame in tables.items():
        stored = pl.read_csv(SNAPSHOT / f"{name}.csv", infer_schema_length=None)
        found += differences(name, stored, _roundtrip(frame, root / f"{name}.csv"))
    assert not found, "the demo's tables changed:\n" + "\n".join(found[:40])


def test_the_comparison_sees_a_moved_figure_a_lost_row_and_ignores_order():
    stored = pl.read_csv(SNAPSHOT / "subclass_indicators.csv", infer_schema_length=None)
    assert differences("t", stored, stored.reverse()) == []
    moved = stored.with_columns(
        pl.when(pl.col("subclass_key") == "health.monitoring").then(pl.col("importance") + 1e-6)
        .otherwise(pl.col("importance")).alias("importance"))
    assert differences("t", stored, moved) == [
        f"t: row {{'subclass_key': 'health.monitoring', 'category': 'health', 'n_families': "
        f"{stored.filter(pl.col('subclass_key') == 'health.monitoring')['n_families'][0]}}} column importance: "
        f"{stored.filter(pl.col('subclass_key') == 'health.monitoring')['importance'][0]} became "
        f"{moved.filter(pl.col('subclass_key') == 'health.monitoring')['importance'][0]}"]
    lost = differences("t", stored, stored.filter(pl.col("subclass_key") != "design.process_design"))
    assert len(lost) == 1 and lost[0].startswith("t: missing row {'subclass_key': 'design.process_design'")
