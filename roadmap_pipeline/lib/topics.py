"""Step 4 for one subclass: topic clusters, their labels, keyword trends, emergence and task themes.

Pure: takes the valid families (id, priority year, text) and their embeddings, returns frames that
the topics assets write. Each step is a function of lib/clustering or lib/keywords, so any of them
can be swapped (a different clusterer, other windows) without touching the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from roadmap_pipeline.lib.clustering import Clustering, Reducer, cluster_embeddings
from roadmap_pipeline.lib.keywords import (
    cluster_labels,
    consecutive_windows,
    keyword_trends,
    rank_task_themes,
    term_emergence,
    tokenize,
    tokenize_many,
    top_terms,
    yearly_windows,
)

SUBCLASS_WIDE = -2  # cluster_id of emergence computed over the whole subclass


@dataclass(frozen=True)
class TopicSettings:
    """How one subclass is analysed.

    Attributes:
        last_year: Last complete priority year (the last two calendar years lack unpublished
            filings); trends and emergence stop there. None: the data's last year minus 2.
        first_year: First year of the trend windows; None: last_year - 19.
        window_years: Length of the multi-year windows (consecutive, ending at last_year).
        min_cluster_size: HDBSCAN's smallest cluster; None: lib/clustering's default.
        keywords_per_cluster: c-TF-IDF keywords followed per cluster.
        seed: Seed of the reducer.
    """

    last_year: int | None = None
    first_year: int | None = None
    window_years: int = 3
    min_cluster_size: int | None = None
    keywords_per_cluster: int = 15
    seed: int = 0
    reducer: Reducer | None = field(default=None, compare=False)


@dataclass(frozen=True)
class TopicResult:
    """Frames of one subclass; the caller adds subclass_key."""

    clustering: Clustering
    members: pl.DataFrame  # family_id, cluster_id, probability
    clusters: pl.DataFrame  # cluster_id, size, label, keywords
    trends: pl.DataFrame  # cluster_id, window_start, window_end, keyword, weight, frequency, emergence
    sizes: pl.DataFrame  # cluster_id, window_start, window_end, n_documents
    emergence: pl.DataFrame  # cluster_id (SUBCLASS_WIDE = whole subclass), term, eligible, escore, …
    themes: pl.DataFrame  # cluster_id, growth, n_recent, n_before, top_emerging, label, rank
    last_year: int


def analyse_subclass(
    families: pl.DataFrame, vectors: np.ndarray, query: str = "", settings: TopicSettings = TopicSettings()
) -> TopicResult:
    """Cluster a subclass's valid families and follow their keywords.

    Args:
        families: One row per family: ``family_id``, ``year`` (priority year, may be null), ``text``.
        vectors: (n, d) normalized embeddings aligned with `families`.
        query: The subclass's search expression; its words are kept out of labels, as every member
            contains them.
        settings: Windows, cluster size, seed.
    """
    clustering = cluster_embeddings(
        vectors, min_cluster_size=settings.min_cluster_size, seed=settings.seed, reducer=settings.reducer
    )
    documents = families.select(
        "family_id",
        pl.Series("cluster_id", clustering.labels, dtype=pl.Int64),
        pl.col("year").cast(pl.Int64),
        pl.Series("tokens", tokenize_many(families["text"].fill_null("").to_list()), dtype=pl.List(pl.String)),
    )
    members = documents.select(
        "family_id", "cluster_id", pl.Series("probability", clustering.probabilities, dtype=pl.Float64)
    )
    query_terms = set(tokenize(query.replace('"', " "))) if query else set()
    terms = top_terms(documents, n=settings.keywords_per_cluster, exclude_terms=query_terms)
    labels = cluster_labels(terms)
    clusters = (
        documents.group_by("cluster_id").agg(pl.len().alias("size"))
        .join(labels, on="cluster_id", how="left")
        .with_columns(pl.col("label").fill_null("(outliers)"))
        .sort("cluster_id")
    )

    dated = documents.filter(pl.col("year").is_not_null())
    data_last = int(dated["year"].max()) if dated.height else 0
    last_year = settings.last_year if settings.last_year is not None else data_last - 2
    first_year = settings.first_year if settings.first_year is not None else last_year - 19
    windows = yearly_windows(first_year, last_year) + [
        w for w in consecutive_windows(first_year, last_year, settings.window_years) if w[0] != w[1]
    ]
    in_range = dated.filter(pl.col("year").is_between(first_year, last_year))
    trends, sizes = keyword_trends(in_range, windows, keywords_per_cluster=settings.keywords_per_cluster)
    by_cluster = term_emergence(dated, last_year=last_year, keys=("cluster_id",))
    whole = term_emergence(dated, last_year=last_year).with_columns(pl.lit(SUBCLASS_WIDE, pl.Int64).alias("cluster_id"))
    emergence = pl.concat([by_cluster, whole.select(by_cluster.columns)]).filter(~pl.col("term").is_in(list(query_terms)))
    trends = trends.join(
        by_cluster.select("cluster_id", pl.col("term").alias("keyword"), pl.col("escore").alias("emergence")),
        on=["cluster_id", "keyword"], how="left",
    )
    themes = rank_task_themes(
        sizes, by_cluster.filter(~pl.col("term").is_in(list(query_terms))), labels.select("cluster_id", "label"),
        last_year=last_year
    ) if sizes.filter(pl.col("window_start") == pl.col("window_end")).height else _empty_themes()
    return TopicResult(clustering, members, clusters, trends, sizes, emergence, themes, last_year)


def _empty_themes() -> pl.DataFrame:
    return pl.DataFrame(schema={
        "cluster_id": pl.Int64, "growth": pl.Float64, "n_recent": pl.Int64, "n_before": pl.Int64,
        "top_emerging": pl.List(pl.String), "label": pl.String, "rank": pl.Int64,
    })
