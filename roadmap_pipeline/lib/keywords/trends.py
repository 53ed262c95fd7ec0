"""Keyword trends per cluster and time window.

The weight of keyword t in window w of cluster c is a c-TF-IDF weight whose classes are the
(cluster, window) pairs but whose idf is fitted once on whole clusters:

    weight(c, w, t) = tf(t, c, w) / sum_t' tf(t', c, w)  *  log(1 + A / f(t))

This is how BERTopic's ``topics_over_time`` weighs a topic's words per timestamp. Because the idf
is the same in every window, a keyword's weights across the windows of a cluster move only with
its share of the cluster's words in each window: the trend line is comparable from window to
window, while the idf still ranks distinctive keywords above generic ones.

The keywords followed in a cluster are its top c-TF-IDF terms over all years; each is reported in
every window, with weight 0 where it does not occur, so that a trend line has no gaps.

Each language is its own model, as for labels (see ``ctfidf``): a keyword's tf in a window is its
share of the window's words in its language, and each language of a cluster has its own followed
keywords, so that a Korean keyword's trend is not flattened by the English words around it.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from roadmap_pipeline.lib.keywords.ctfidf import OUTLIER_CLUSTER, by_language, class_idf, cluster_term_counts

Window = tuple[int, int]


def yearly_windows(first_year: int, last_year: int) -> list[Window]:
    """One window per year, ``(year, year)``."""
    return [(year, year) for year in range(first_year, last_year + 1)]


def sliding_windows(first_year: int, last_year: int, length: int, step: int = 1) -> list[Window]:
    """Windows of ``length`` years starting every ``step`` years, all inside the range.

    Example: 2015..2020, length 3 -> (2015, 2017), (2016, 2018), (2017, 2019), (2018, 2020).
    """
    if length < 1 or step < 1:
        raise ValueError("window length and step must be at least 1")
    return [(start, start + length - 1) for start in range(first_year, last_year - length + 2, step)]


def consecutive_windows(first_year: int, last_year: int, length: int) -> list[Window]:
    """Non-overlapping windows of ``length`` years, aligned so that the last ends at ``last_year``.

    The first window is shorter when the range does not divide evenly, because the recent end of a
    trend matters more than its oldest years. Example: 2011..2020, length 3 -> (2011, 2011),
    (2012, 2014), (2015, 2017), (2018, 2020).
    """
    if length < 1:
        raise ValueError("window length must be at least 1")
    windows = []
    end = last_year
    while end >= first_year:
        windows.append((max(first_year, end - length + 1), end))
        end -= length
    return windows[::-1]


def _year_windows(windows: Sequence[Window]) -> pl.DataFrame:
    """One row per (year, window containing it)."""
    rows = [(year, start, end) for start, end in windows for year in range(start, end + 1)]
    return pl.DataFrame(
        rows, schema={"year": pl.Int64, "window_start": pl.Int64, "window_end": pl.Int64}, orient="row"
    )


def keyword_trends(
    documents: pl.DataFrame,
    windows: Sequence[Window],
    keywords_per_cluster: int = 20,
    include_outliers: bool = False,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Keyword weights and document counts per cluster and time window.

    Args:
        documents: One row per document: ``cluster_id`` (int), ``year`` (int), ``tokens``
            (list of str) and optionally ``language`` (see ``by_language``). Outlier documents
            (cluster -1) count in the idf.
        windows: ``(window_start, window_end)`` year pairs, inclusive; they may overlap.
        keywords_per_cluster: How many of a cluster's top c-TF-IDF terms to follow per language.
        include_outliers: Whether to report the outlier cluster too.

    Returns:
        ``(trends, sizes)``. ``trends``: columns ``cluster_id, window_start, window_end, keyword,
        language, weight, frequency`` (frequency: occurrences in the window), one row per followed
        keyword and window. ``sizes``: columns ``cluster_id, window_start, window_end,
        n_documents``, one row per cluster and window. Both sorted by cluster and window; trends
        then by weight.
    """
    docs = documents.select(
        pl.col("cluster_id").cast(pl.Int64), pl.col("year").cast(pl.Int64), "tokens",
        *[c for c in ("language",) if c in documents.columns],
    )
    year_windows = _year_windows(windows)
    window_keys = ("cluster_id", "window_start", "window_end")

    # Terms of different languages are counted apart: "language" is part of every key below.
    yearly_counts = cluster_term_counts(by_language(docs), ("cluster_id", "language", "year"))
    cluster_counts = yearly_counts.group_by("cluster_id", "language", "term").agg(pl.col("count").sum())
    idf = class_idf(cluster_counts, ("cluster_id", "language"), models=("language",))

    reported = docs.lazy().select("cluster_id").unique()
    if not include_outliers:
        reported = reported.filter(pl.col("cluster_id") != OUTLIER_CLUSTER)
    window_pairs = year_windows.lazy().select("window_start", "window_end").unique()
    followed = (
        cluster_counts.lazy()
        .join(reported, on="cluster_id")
        .join(idf.lazy(), on=["language", "term"])
        .with_columns((pl.col("count") / pl.col("count").sum().over("cluster_id", "language")).alias("tf"))
        .with_columns((pl.col("tf") * pl.col("idf")).alias("cluster_weight"))
        .sort("cluster_id", "language", "cluster_weight", "term", descending=[False, False, True, False])
        .group_by("cluster_id", "language", maintain_order=True)
        .head(keywords_per_cluster)
        .select("cluster_id", "language", "term", "idf")
    )

    # Windows are joined only after reducing to (cluster, year) totals and followed keywords:
    # the per-year counts are the largest frame here.
    window_totals = (
        yearly_counts.lazy()
        .group_by("cluster_id", "language", "year")
        .agg(pl.col("count").sum().alias("total"))
        .join(year_windows.lazy(), on="year")
        .group_by(*window_keys, "language")
        .agg(pl.col("total").sum())
    )
    followed_counts = (
        yearly_counts.lazy()
        .join(followed.select("cluster_id", "language", "term"), on=["cluster_id", "language", "term"], how="semi")
        .join(year_windows.lazy(), on="year")
        .group_by(*window_keys, "language", "term")
        .agg(pl.col("count").sum().alias("frequency"))
    )
    trends = (
        followed.join(window_pairs, how="cross")
        .join(followed_counts, on=[*window_keys, "language", "term"], how="left")
        .join(window_totals, on=[*window_keys, "language"], how="left")
        .with_columns(pl.col("frequency").fill_null(0))
        .select(
            *window_keys,
            pl.col("term").alias("keyword"),
            "language",
            pl.when(pl.col("total") > 0)
            .then(pl.col("frequency") / pl.col("total") * pl.col("idf"))
            .otherwise(0.0)
            .alias("weight"),
            "frequency",
        )
        .sort(*window_keys, "weight", "keyword", descending=[False, False, False, True, False])
    )

    documents_per_window = (
        docs.lazy()
        .group_by("cluster_id", "year")
        .agg(pl.len().cast(pl.Int64).alias("n"))
        .join(year_windows.lazy(), on="year")
        .group_by(*window_keys)
        .agg(pl.col("n").sum().alias("n_documents"))
    )
    sizes = (
        reported.join(window_pairs, how="cross")
        .join(documents_per_window, on=list(window_keys), how="left")
        .with_columns(pl.col("n_documents").fill_null(0))
        .sort(*window_keys)
    )
    trends_frame, sizes_frame = pl.collect_all([trends, sizes])
    return trends_frame, sizes_frame
