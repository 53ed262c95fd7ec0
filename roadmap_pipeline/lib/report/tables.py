"""The seed's roadmap table (유망기술 도출 표) and the topic tables, as rows ready to print.

One function builds the rows (names joined to indicators, in taxonomy order) and one formats a
cell, so that the HTML page, the workbook and the Markdown preview show the same figures.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from roadmap_pipeline.lib.indicators import Marks
from roadmap_pipeline.lib.language_counts import LANGUAGE_NAMES, families_by_language
from roadmap_pipeline.lib.markdown import markdown_table as _markdown
from roadmap_pipeline.lib.report.inputs import NAME_SCHEMA, ReportInputs

MISSING = "–"


@dataclass(frozen=True)
class Column:
    """A printed column: key, Korean and English header."""

    key: str
    ko: str
    en: str

    @property
    def bilingual(self) -> str:
        return f"{self.ko} {self.en}"


# The seed's eight columns in its order, then the two counts behind them.
ROADMAP_COLUMNS = (
    Column("category", "기술분류", "Category"),
    Column("subclass", "세부기술", "Sub-technology"),
    Column("application_share", "출원점유율", "Application share"),
    Column("importance", "기술중요도", "Importance"),
    Column("korea_competitiveness", "한국경쟁력", "Korea competitiveness"),
    Column("core", "핵심분야", "Core"),
    Column("korea_strength", "한국강약점", "Korea strength"),
    Column("focus", "중점분야", "Focus"),
    Column("n_families", "패밀리 수", "Families"),
    Column("growth", "기술부상도", "Growth"),
)
CLUSTER_TABLE = (
    Column("cluster_id", "군집", "Cluster"), Column("size", "특허 수", "Size"),
    Column("label", "이름", "Label"), Column("keywords", "핵심어", "Keywords"),
    Column("share_recent", "최근 비중", "Recent share"),
)
THEME_TABLE = (
    Column("rank", "순위", "Rank"), Column("cluster_id", "군집", "Cluster"),
    Column("label", "과제 후보 (군집 이름)", "Task theme (cluster label)"),
    Column("growth", "부상도", "Growth"), Column("n_recent", "최근 R", "Recent (R)"),
    Column("n_before", "이전 B", "Before (B)"), Column("top_emerging", "부상 핵심어", "Emerging keywords"),
)
EMERGING_TABLE = (
    Column("keyword", "핵심어", "Keyword"), Column("escore", "부상 점수", "EScore"),
    Column("cluster_id", "군집", "Cluster"),
)


def roadmap_frame(inputs: ReportInputs) -> pl.DataFrame:
    """One row per subclass of the indicators, names joined to all their columns, grouped by category.

    Categories follow the first position of their subclasses, subclasses their position; a
    subclass without names (or without a position) follows the named ones, by key, and shows its
    key as its name.
    """
    names = _names(inputs)
    category_names = names.filter(pl.col("category").is_not_null()).group_by("category").agg(
        pl.col("category_name_ko").drop_nulls().first(), pl.col("category_name_en").drop_nulls().first())
    # the names frame has the last word on names, even where the indicators carry some
    shadowed = [c for c in NAME_SCHEMA if c not in ("subclass_key", "category") and c in inputs.indicators.columns]
    frame = (
        inputs.indicators.drop(shadowed)
        .join(names.drop("category", "category_name_ko", "category_name_en"), on="subclass_key", how="left")
        .join(category_names, on="category", how="left")
    )
    frame = frame.with_columns(
        pl.col("position").fill_null(pl.col("position").max().fill_null(-1) + 1),
        pl.coalesce("name_ko", "name_en", "subclass_key").alias("name_ko"),
        pl.coalesce("name_en", "name_ko", "subclass_key").alias("name_en"),
        pl.coalesce("category_name_ko", "category_name_en", "category").alias("category_name_ko"),
        pl.coalesce("category_name_en", "category_name_ko", "category").alias("category_name_en"),
    )
    leading = list(NAME_SCHEMA)
    return (frame.with_columns(pl.col("position").min().over("category").alias("_category_order"))
            .sort("_category_order", "category", "position", "subclass_key")
            .select(*leading, pl.exclude(*leading, "_category_order")))


def language_table(inputs: ReportInputs) -> tuple[list[Column], pl.DataFrame] | None:
    """Valid families per subclass and text language: columns and rows in the roadmap's order.

    Returns:
        ``(columns, frame)``: subclass names, one column per language present (display order),
        the total; None when the inputs carry no language counts.
    """
    if inputs.languages is None:
        return None
    wide = families_by_language(inputs.languages)
    languages = [c for c in wide.columns if c not in ("subclass_key", "total")]
    frame = (
        roadmap_frame(inputs)
        .select("subclass_key", pl.concat_str("name_ko", "name_en", separator=" ").alias("subclass"))
        .join(wide, on="subclass_key", how="left", maintain_order="left")
        .with_columns(pl.col(*languages, "total").fill_null(0))
    )
    columns = [Column("subclass", "세부기술", "Sub-technology")]
    columns += [Column(code, *LANGUAGE_NAMES.get(code, (code, code))) for code in languages]
    columns.append(Column("total", "계", "Total"))
    return columns, frame


def roadmap_cells(row: dict) -> dict[str, str]:
    """The printed cells of one row of :func:`roadmap_frame`, keyed by ``ROADMAP_COLUMNS``."""
    core, strength, focus = Marks(bool(row["is_core"]), row["korea_strength"], bool(row["is_focus"])).symbols()
    return {
        "category": row["category_name_ko"],
        "subclass": row["name_ko"],
        "application_share": percent(row["application_share"]),
        "importance": decimal(row["importance"]),
        "korea_competitiveness": decimal(row["korea_competitiveness"]),
        "core": core,
        "korea_strength": strength,
        "focus": focus,
        "n_families": count(row["n_families"]),
        "growth": decimal(row["growth"]),
    }


def markdown_table(inputs: ReportInputs) -> str:
    """The roadmap table in Markdown (bilingual headers), one row per subclass, for asset metadata.

    As in the seed, a category's name is printed on its first row only.
    """
    rows, previous = [], None
    for row in roadmap_frame(inputs).iter_rows(named=True):
        cells = roadmap_cells(row)
        if row["name_en"] != row["name_ko"]:
            cells["subclass"] = f"{row['name_ko']} ({row['name_en']})"
        if row["category"] == previous:
            cells["category"] = ""
        previous = row["category"]
        rows.append([cells[column.key] for column in ROADMAP_COLUMNS])
    return _markdown([column.bilingual for column in ROADMAP_COLUMNS], rows)


def cluster_rows(clusters: pl.DataFrame) -> pl.DataFrame:
    """Clusters by size (largest first) with ``CLUSTER_TABLE`` columns; keywords joined by commas."""
    frame = _with_optional(clusters, {"keywords": pl.String, "share_recent": pl.Float64})
    return joined(frame, "keywords").sort(
        ["size", "cluster_id"], descending=[True, False]).select([c.key for c in CLUSTER_TABLE])


def theme_rows(themes: pl.DataFrame) -> pl.DataFrame:
    """Task themes by rank with ``THEME_TABLE`` columns; emerging keywords joined by commas."""
    frame = _with_optional(themes, {"n_recent": pl.Int64, "n_before": pl.Int64, "top_emerging": pl.String})
    return joined(frame, "top_emerging").sort("rank", "cluster_id").select(
        [c.key for c in THEME_TABLE])


def emerging_rows(emerging: pl.DataFrame, top_n: int = 20) -> pl.DataFrame:
    """The ``top_n`` eligible keywords by EScore (all of them when ``eligible`` is absent)."""
    frame = _with_optional(emerging, {"cluster_id": pl.Int64})
    if "eligible" in frame.columns:
        frame = frame.filter(pl.col("eligible").fill_null(False))
    return (frame.sort(["escore", "keyword"], descending=[True, False], nulls_last=True)
            .head(top_n).select([c.key for c in EMERGING_TABLE]))


def shown_columns(columns: Sequence[Column], frame: pl.DataFrame) -> list[Column]:
    """The columns that hold a value in some row: optional columns left empty are not printed."""
    return [c for c in columns if frame.height == 0 or frame[c.key].null_count() < frame.height]


def joined(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """``frame`` with a list-of-strings column made one comma-separated string (text is kept)."""
    if isinstance(frame.schema[column], pl.List):
        return frame.with_columns(pl.col(column).list.join(", "))
    return frame.with_columns(pl.col(column).cast(pl.String))


def percent(value: float | None) -> str:
    """A share as the seed prints it: 0.065 -> '6.5%'."""
    return MISSING if _unknown(value) else f"{value * 100:.1f}%"


def decimal(value: float | None, places: int = 2) -> str:
    """A signed number with ``places`` decimals; -0.00 prints as 0.00."""
    if _unknown(value):
        return MISSING
    text = f"{value:.{places}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def count(value: int | None) -> str:
    """A count with thousands separators: 8608 -> '8,608'."""
    return MISSING if value is None else f"{value:,}"


def _unknown(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _names(inputs: ReportInputs) -> pl.DataFrame:
    """The names frame with every ``NAME_SCHEMA`` column (missing ones null), one row per key."""
    if inputs.subclasses is None:
        keys = inputs.indicators.select("subclass_key", "category")
        keys = keys.with_row_index("position").with_columns(pl.col("position").cast(pl.Int64))
        return _with_optional(keys, NAME_SCHEMA).select(list(NAME_SCHEMA))
    names = _with_optional(inputs.subclasses, NAME_SCHEMA)
    return names.select([pl.col(c).cast(t) for c, t in NAME_SCHEMA.items()]).unique(
        subset=["subclass_key"], keep="first", maintain_order=True)


def _with_optional(frame: pl.DataFrame, columns: dict[str, pl.DataType]) -> pl.DataFrame:
    """``frame`` with each missing column of ``columns`` added as nulls of its type."""
    return frame.with_columns(
        [pl.lit(None, dtype=dtype).alias(name) for name, dtype in columns.items() if name not in frame.columns])


def header_rows(columns: Sequence[Column]) -> tuple[list[str], list[str]]:
    """Korean and English header rows of a table."""
    return [c.ko for c in columns], [c.en for c in columns]
