"""Cluster keywords and labels by class-based TF-IDF (c-TF-IDF), as BERTopic defines it.

All documents of a cluster are joined into one; for term t and cluster c

    W(t, c) = tf(t, c) / sum_t' tf(t', c)  *  log(1 + A / f(t))

with tf the term's frequency in the cluster's documents, A the average number of words per
cluster and f(t) the term's frequency across all clusters. As in BERTopic's
``ClassTfidfTransformer``, A is truncated to an integer (``int(X.sum(axis=1).mean())``) and the
outlier cluster (-1) takes part in A and f(t) like any other cluster; it only gets no label.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import polars as pl

OUTLIER_CLUSTER = -1


def cluster_term_counts(
    documents: pl.DataFrame,
    keys: Sequence[str] = ("cluster_id",),
    tokens: str = "tokens",
) -> pl.DataFrame:
    """Term frequencies per group of documents.

    Args:
        documents: One row per document with the ``keys`` columns and a list-of-strings column.
        keys: Columns that identify a group (a cluster; or a cluster and a time window).
        tokens: Name of the token-list column.

    Returns:
        Columns ``*keys, term, count``: occurrences of the term in the group's documents.
    """
    return (
        documents.select(*keys, pl.col(tokens).alias("term"))
        .explode("term")
        .drop_nulls("term")
        .group_by(*keys, "term")
        .agg(pl.len().cast(pl.Int64).alias("count"))
    )


def class_idf(counts: pl.DataFrame, keys: Sequence[str] = ("cluster_id",)) -> pl.DataFrame:
    """BERTopic's idf per term, ``log(1 + A / f(t))``, from term counts per class.

    Args:
        counts: Columns ``*keys, term, count`` (see :func:`cluster_term_counts`).
        keys: Columns that identify a class.

    Returns:
        Columns ``term, idf``.
    """
    class_sizes = counts.group_by(*keys).agg(pl.col("count").sum())
    average_words = int(class_sizes["count"].mean()) if class_sizes.height else 0
    return (
        counts.group_by("term")
        .agg(pl.col("count").sum().alias("frequency"))
        .select("term", (1.0 + average_words / pl.col("frequency")).log().alias("idf"))
    )


def ctfidf(
    counts: pl.DataFrame,
    keys: Sequence[str] = ("cluster_id",),
    idf: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """c-TF-IDF weight of every term of every class.

    Args:
        counts: Columns ``*keys, term, count``.
        keys: Columns that identify a class.
        idf: Columns ``term, idf`` fitted elsewhere (e.g. on whole clusters when the classes
            here are cluster-windows); by default fitted on ``counts`` itself.

    Returns:
        Columns ``*keys, term, count, weight``; a term missing from ``idf`` gets weight 0.
    """
    if idf is None:
        idf = class_idf(counts, keys)
    return (
        counts.join(idf, on="term", how="left")
        .with_columns(
            (
                pl.col("count") / pl.col("count").sum().over(*keys) * pl.col("idf").fill_null(0.0)
            ).alias("weight")
        )
        .drop("idf")
    )


def top_terms(
    documents: pl.DataFrame,
    n: int = 10,
    cluster: str = "cluster_id",
    tokens: str = "tokens",
    exclude_terms: Collection[str] = (),
) -> pl.DataFrame:
    """The ``n`` highest c-TF-IDF terms of each cluster except the outlier cluster.

    Args:
        documents: One row per document with its cluster id and token list; documents of the
            outlier cluster (-1) may be included and count in the idf.
        n: Terms kept per cluster.
        cluster: Name of the cluster id column.
        tokens: Name of the token-list column.
        exclude_terms: Terms never reported, though they still count in the weights; meant for
            the words of the subclass's own search expression, which every member contains.

    Returns:
        Columns ``cluster_id, rank, term, weight`` (rank 1 = highest weight; ties by term),
        sorted by cluster and rank. The cluster column keeps its input name.
    """
    weights = ctfidf(cluster_term_counts(documents, (cluster,), tokens), (cluster,))
    return (
        weights.filter(
            (pl.col(cluster) != OUTLIER_CLUSTER) & ~pl.col("term").is_in(list(exclude_terms))
        )
        .sort(cluster, "weight", "term", descending=[False, True, False])
        .with_columns(pl.int_range(1, pl.len() + 1).over(cluster).alias("rank"))
        .filter(pl.col("rank") <= n)
        .select(cluster, "rank", "term", "weight")
    )


def cluster_labels(terms: pl.DataFrame, n_terms: int = 4, cluster: str = "cluster_id") -> pl.DataFrame:
    """A label per cluster: its top terms joined with ", ".

    Args:
        terms: Output of :func:`top_terms`.
        n_terms: Terms in the label (3 or 4 read well).
        cluster: Name of the cluster id column.

    Returns:
        Columns ``cluster_id, label, keywords`` (keywords: all terms of ``terms`` in rank order).
    """
    return (
        terms.sort(cluster, "rank")
        .group_by(cluster, maintain_order=True)
        .agg(
            pl.col("term").head(n_terms).str.join(", ").alias("label"),
            pl.col("term").alias("keywords"),
        )
    )
