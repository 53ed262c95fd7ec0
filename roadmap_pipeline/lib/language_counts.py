"""Counts per language: documents by the language of their titles and abstracts, valid families by
the language of their text, so that an analyst sees how much of the roadmap rests on Korean,
Japanese and Chinese text (a Korean roadmap lives on its KR-only families).

Read from the warehouse by the SQL files named below; shown in asset metadata, the terminal summary
of ``roadmap materialize`` and the report.
"""

from __future__ import annotations

import polars as pl

from roadmap_pipeline.lib.warehouse import load_sql

# Display order: English, then the languages of the KR, JP and CN offices; others alphabetically,
# then texts whose language no source stated.
LANGUAGE_ORDER = ("en", "ko", "ja", "zh")
UNKNOWN = "unknown"
LANGUAGE_NAMES = {"en": ("영어", "English"), "ko": ("한국어", "Korean"), "ja": ("일본어", "Japanese"),
                  "zh": ("중국어", "Chinese"), UNKNOWN: ("미상", "unknown")}


def language_rank(language: str) -> tuple[int, str]:
    """Sort key of a language code in the display order."""
    if language in LANGUAGE_ORDER:
        return LANGUAGE_ORDER.index(language), ""
    return (len(LANGUAGE_ORDER) + (language == UNKNOWN), language)


def ordered_languages(languages) -> list[str]:
    """Distinct language codes in display order."""
    return sorted(set(languages), key=language_rank)


def documents_per_language(conn) -> pl.DataFrame:
    """``language, titles, abstracts``: documents of core.documents with a title or an abstract in
    each language (``sql/documents_per_language.sql``), in display order."""
    frame = conn.sql(load_sql("documents_per_language")).pl()
    return _in_order(frame)


def valid_families_per_language(conn, subclass_key: str | None = None) -> pl.DataFrame:
    """``subclass_key, language, families``: valid families per subclass and text language
    (``sql/valid_families_per_language.sql``); one subclass when ``subclass_key`` is given."""
    frame = conn.execute(load_sql("valid_families_per_language"), {"subclass_key": subclass_key}).pl()
    return _in_order(frame, ("subclass_key",))


def families_by_language(counts: pl.DataFrame, index: str = "subclass_key") -> pl.DataFrame:
    """The long ``index, language, families`` counts as one row per ``index`` and one column per
    language (display order, zeros where none), plus ``total``."""
    languages = ordered_languages(counts["language"].to_list())
    if counts.is_empty():
        return pl.DataFrame(schema={index: pl.String, "total": pl.Int64})
    wide = counts.pivot("language", index=index, values="families", aggregate_function="sum").fill_null(0)
    return wide.select(index, *[pl.col(lang).cast(pl.Int64) for lang in languages],
                       pl.sum_horizontal(languages).cast(pl.Int64).alias("total"))


def _in_order(frame: pl.DataFrame, keys: tuple[str, ...] = ()) -> pl.DataFrame:
    rank = pl.col("language").map_elements(lambda code: language_rank(code)[0], return_dtype=pl.Int64)
    return frame.with_columns(rank.alias("_rank")).sort(*keys, "_rank", "language").drop("_rank")
