"""Indicators stage (seed step 3): per-subclass facts, then the cross-subclass indicator table."""

import dagster as dg
from dagster_duckdb import DuckDBResource
import polars as pl

from roadmap_pipeline.defs.indicators.lineage import (
    FACT_LINEAGE,
    FACTS,
    FAMILIES,
    INDICATOR_LINEAGE,
    LINEAGE,
    SUBCLASSES,
    SUBCLASS_PATENTS,
    YEARLY_LINEAGE,
)
from roadmap_pipeline.defs.metadata import table_schema
from roadmap_pipeline.defs.partitions import subclass_partitions
from roadmap_pipeline.defs.resources import TaxonomyFile
from roadmap_pipeline.defs.taxonomy.assets import TAXONOMY_FILE
from roadmap_pipeline.lib.indicators import IndicatorSettings, compute_indicators, mark
from roadmap_pipeline.lib.markdown import markdown_table
from roadmap_pipeline.lib.report import subclass_names
from roadmap_pipeline.lib.warehouse import run_sql

_INDICATOR_COLUMNS = [
    ("subclass_key", "string", "taxonomy subclass"),
    ("category", "string", "its category"),
    ("n_families", "int", "valid simple families in the window"),
    ("application_share", "float", "출원점유율: families / distinct families of the category"),
    ("korea_share", "float", "KR first-filed families / families"),
    ("growth", "float", "기술부상도: ln of the recent/base ratio relative to the whole taxonomy"),
    ("importance", "float", "기술중요도: mean z-score of ln N, growth, PII, PFS"),
    ("korea_competitiveness", "float", "한국경쟁력: mean of RSCA, PII_KR and PFS_KR indices, in [-1, 1]"),
    ("is_core", "bool", "핵심분야 (o): importance > threshold"),
    ("korea_strength", "string", "한국강약점: 强 if competitiveness > threshold else 弱"),
    ("is_focus", "bool", "중점분야 (V): core and 强"),
    ("core_threshold", "float", "threshold of is_core used"),
    ("strength_threshold", "float", "threshold of korea_strength used"),
]
INDICATORS = dg.AssetKey(["indicators", "subclass_indicators"])
YEARLY = dg.AssetKey(["indicators", "yearly_counts"])


class IndicatorConfig(dg.Config):
    """Window and thresholds of the indicators (DESIGN.md, "Indicators")."""

    first_year: int | None = None
    last_year: int | None = None
    window_years: int = 20
    incomplete_years: int = 2
    recent_years: int = 3
    core_threshold: float = 0.0
    strength_threshold: float = 0.0

    def settings(self) -> IndicatorSettings:
        return IndicatorSettings(
            first_year=self.first_year, last_year=self.last_year, window_years=self.window_years,
            incomplete_years=self.incomplete_years, recent_years=self.recent_years,
            core_threshold=self.core_threshold, strength_threshold=self.strength_threshold,
        )


@dg.asset(
    key=FACTS,
    group_name="indicators",
    partitions_def=subclass_partitions,
    deps=[SUBCLASS_PATENTS, SUBCLASSES, FAMILIES],
    pool="duckdb",
    kinds={"duckdb"},
    code_version="1",
    metadata={LINEAGE: FACT_LINEAGE},
)
def subclass_facts(context: dg.AssetExecutionContext, warehouse: DuckDBResource) -> dg.MaterializeResult:
    """One row per valid family of a subclass: priority year, first-filing country, forward citations and family size — what the indicators count.

    Partitioned by subclass, so a new subclass adds its facts without recounting the others; the
    indicator table itself needs every subclass (z-scores) and is computed from all facts.
    """
    key = context.partition_key
    with warehouse.get_connection() as conn:
        run_sql(conn, "indicators_schema")
        conn.execute("BEGIN")
        run_sql(conn, "subclass_facts", {"subclass_key": key})
        conn.execute("COMMIT")
        per_year = conn.execute(
            "SELECT priority_year, count(*), count(*) FILTER (WHERE first_filing_country = 'KR')"
            " FROM indicators.subclass_facts WHERE subclass_key = ? GROUP BY 1 ORDER BY 1", [key]
        ).fetchall()
    total = sum(n for _, n, _ in per_year)
    return dg.MaterializeResult(metadata={
        "dagster/row_count": total,
        LINEAGE: FACT_LINEAGE,
        "KR first-filed families": sum(k for _, _, k in per_year),
        "families per priority year": dg.MetadataValue.md(markdown_table(["year", "families", "KR"], per_year)),
    })


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            INDICATORS, group_name="indicators", deps=[FACTS, TAXONOMY_FILE], kinds={"duckdb", "polars"},
            description="One row per taxonomy subclass: application share, growth, importance, Korea competitiveness "
            "and the seed's marks (핵심분야 o, 한국강약점 强/弱, 중점분야 V), with every component.\n\n"
            "Not partitioned: importance is a z-score across all subclasses. Only subclasses of the current "
            "taxonomy file count.",
            metadata={LINEAGE: INDICATOR_LINEAGE, "dagster/column_schema": table_schema(_INDICATOR_COLUMNS)},
        ),
        dg.AssetSpec(
            YEARLY, group_name="indicators", deps=[FACTS, TAXONOMY_FILE], kinds={"duckdb", "polars"},
            description="One row per (subclass, priority year of the window): valid families and KR first-filed "
            "families, and whether the year is base, recent or incomplete — the growth chart's lines.",
            metadata={LINEAGE: YEARLY_LINEAGE},
        ),
    ],
    pool="duckdb",
    code_version="1",
)
def subclass_indicators(
    context: dg.AssetExecutionContext, config: IndicatorConfig, warehouse: DuckDBResource, taxonomy_file: TaxonomyFile
):
    """The indicator table and the yearly counts behind it, from every subclass's facts (one computation, one window)."""
    taxonomy = taxonomy_file.load()
    names = subclass_names(taxonomy)
    with warehouse.get_connection() as conn:
        facts = conn.execute(
            "SELECT * FROM indicators.subclass_facts WHERE list_contains($keys, subclass_key)",
            {"keys": taxonomy.subclass_keys},
        ).pl()
    missing = sorted(set(taxonomy.subclass_keys) - set(facts["subclass_key"].unique().to_list()))
    if missing:
        context.log.warning(f"subclasses without facts (not screened yet, or no valid family): {', '.join(missing)}")
    tables = compute_indicators(facts, config.settings(), names.select("subclass_key", "category"))
    indicators = tables.subclasses.with_columns(
        pl.lit(config.core_threshold).alias("core_threshold"), pl.lit(config.strength_threshold).alias("strength_threshold")
    )
    with warehouse.get_connection() as conn:
        conn.execute("BEGIN")
        for table, frame in (("subclass_indicators", indicators), ("yearly_counts", tables.yearly_counts)):
            conn.register("indicator_rows", frame.to_arrow())
            conn.execute(f"CREATE OR REPLACE TABLE indicators.{table} AS SELECT * FROM indicator_rows")  # fixed names
            conn.unregister("indicator_rows")
        conn.execute("COMMIT")
    rows = tables.subclasses.join(names.select("subclass_key", "name_ko"), on="subclass_key", how="left")
    table = markdown_table(
        ["세부기술", "families", "share", "growth", "importance", "KR comp.", "o", "强/弱", "V"],
        [(r["name_ko"], r["n_families"], _fmt(r["application_share"], pct=True), _fmt(r["growth"]),
          _fmt(r["importance"]), _fmt(r["korea_competitiveness"]), *_marks(r, config))
         for r in rows.iter_rows(named=True)],
    )
    window = tables.window
    yield dg.MaterializeResult(asset_key=YEARLY, metadata={
        "dagster/row_count": tables.yearly_counts.height, LINEAGE: YEARLY_LINEAGE,
    })
    yield dg.MaterializeResult(asset_key=INDICATORS, metadata={
        "dagster/row_count": tables.subclasses.height,
        "dagster/column_schema": table_schema(_INDICATOR_COLUMNS),
        LINEAGE: INDICATOR_LINEAGE,
        "roadmap table": dg.MetadataValue.md(table),
        "window": f"{window.first_year}-{window.last_year}, R = {window.recent_first_year}-{window.recent_last_year}" if window else "no data",
        "focus subclasses": ", ".join(rows.filter(pl.col("is_focus"))["name_ko"].to_list()) or "none",
        "subclasses without facts": ", ".join(missing) or "none",
    })


def _fmt(value, pct: bool = False) -> str:
    if value is None:
        return "–"
    return f"{value:.1%}" if pct else f"{value:.2f}"


def _marks(row: dict, config: IndicatorConfig) -> tuple[str, str, str]:
    if row["importance"] is None or row["korea_competitiveness"] is None:
        return ("", "", "")
    return mark(row["importance"], row["korea_competitiveness"], config.settings()).symbols()
