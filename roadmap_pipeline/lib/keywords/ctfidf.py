"""Cluster keywords and labels by class-based TF-IDF (c-TF-IDF), as BERTopic defines it.

All documents of a cluster are joined into one; for term t and cluster c

    W(t, c) = tf(t, c) / sum_t' tf(t', c)  *  log(1 + A / f(t))

with tf the term's frequency in the cluster's documents, A the average number of words per
cluster and f(t) the term's frequency across all clusters. As in BERTopic's
``ClassTfidfTransformer``, A is truncated to an integer (``int(X.sum(axis=1).mean())``) and the
outlier cluster (-1) takes part in A and f(t) like any other cluster; it only gets no label.

Languages. A cluster of a five-office corpus mixes English, Korean, Japanese and Chinese texts,
whose vocabularies do not overlap. Fitted on all of them at once, the language with most words
would fill every label: a Korean term's tf is diluted by all the English words of its cluster.
So each language is its own c-TF-IDF model, as if its texts were a corpus of their own: tf is
normalized over the cluster's words in that language, A averages the words per cluster in that
language, and f(t) counts the term across clusters. A term's language is its script: Latin terms
(also those of a Korean or Chinese text: ``cnn``) are English; a Hangul term is Korean, a term with
kana Japanese, and a Han-only term takes its document's language (Japanese or Chinese). A cluster's
label joins the top terms of each language that enough of its documents are written in, English
first: ``predictive maintenance, vibration / 고장 예측, 진동``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import polars as pl

OUTLIER_CLUSTER = -1
ENGLISH = "en"
_CJK = ("ko", "ja", "zh")
_HANGUL = r"[\x{1100}-\x{11ff}\x{3130}-\x{318f}\x{ac00}-\x{d7a3}]"
_KANA = r"[\x{3040}-\x{30ff}\x{31f0}-\x{31ff}]"
_HAN = r"[\x{3400}-\x{4dbf}\x{4e00}-\x{9fff}\x{f900}-\x{faff}]"


def _document_language(tokens: pl.Expr) -> pl.Expr:
    """A document's language read from its tokens, for documents that do not state one."""
    joined = tokens.list.join(" ")
    return (
        pl.when(joined.str.contains(_HANGUL)).then(pl.lit("ko"))
        .when(joined.str.contains(_KANA)).then(pl.lit("ja"))
        .when(joined.str.contains(_HAN)).then(pl.lit("zh"))
        .otherwise(pl.lit(ENGLISH))
    )


def by_language(
    documents: pl.DataFrame, tokens: str = "tokens", language: str = "language"
) -> pl.DataFrame:
    """One row per document and language of its tokens, holding that language's tokens.

    Args:
        documents: One row per document with a token-list column and, optionally, a ``language``
            column (the text's language, as from ``text_language``; a null is read from the tokens).
        tokens: Name of the token-list column.
        language: Name of the document-language column.

    Returns:
        The documents' columns, with ``language`` now the tokens' language and ``tokens`` only the
        tokens of it; a document without tokens has no row. Rows keep the documents' order, the
        languages of one document in order of their first token.
    """
    stated = pl.col(language) if language in documents.columns else pl.lit(None, dtype=pl.String)
    term = pl.col(tokens)
    term_language = (
        pl.when(term.str.contains(r"^[\x00-\x7f]+$")).then(pl.lit(ENGLISH))
        .when(term.str.contains(_HANGUL)).then(pl.lit("ko"))
        .when(term.str.contains(_KANA)).then(pl.lit("ja"))
        .when(pl.col("_document_language").is_in(_CJK)).then(pl.col("_document_language"))
        .otherwise(pl.lit("zh"))
    )
    others = [c for c in documents.columns if c not in (tokens, language)]
    return (
        documents.with_row_index("_row")
        .with_columns(pl.coalesce(stated, _document_language(pl.col(tokens))).alias("_document_language"))
        .explode(tokens)
        .drop_nulls(tokens)
        .with_columns(term_language.alias(language))
        .group_by("_row", language, maintain_order=True)
        .agg(*[pl.col(c).first() for c in others], pl.col(tokens))
        .sort("_row", maintain_order=True)
        .select(*others, language, tokens)
    )


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


def class_idf(
    counts: pl.DataFrame, keys: Sequence[str] = ("cluster_id",), models: Sequence[str] = ()
) -> pl.DataFrame:
    """BERTopic's idf per term, ``log(1 + A / f(t))``, from term counts per class.

    Args:
        counts: Columns ``*keys, term, count`` (see :func:`cluster_term_counts`).
        keys: Columns that identify a class.
        models: Columns of ``keys`` that split the counts into separate models, each with its own
            A and f(t) (``("language",)``: one model per language).

    Returns:
        Columns ``*models, term, idf``.
    """
    models = list(models)
    class_sizes = counts.group_by(*keys).agg(pl.col("count").sum())
    # BERTopic truncates the average: int(X.sum(axis=1).mean()).
    average = pl.col("count").mean().cast(pl.Int64).alias("average_words")
    averages = class_sizes.group_by(*models).agg(average) if models else class_sizes.select(average)
    frequencies = counts.group_by(*models, "term").agg(pl.col("count").sum().alias("frequency"))
    joined = frequencies.join(averages, on=models) if models else frequencies.join(averages, how="cross")
    return joined.select(*models, "term", (1.0 + pl.col("average_words") / pl.col("frequency")).log().alias("idf"))


def ctfidf(
    counts: pl.DataFrame,
    keys: Sequence[str] = ("cluster_id",),
    idf: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """c-TF-IDF weight of every term of every class.

    Args:
        counts: Columns ``*keys, term, count``.
        keys: Columns that identify a class.
        idf: Columns ``term, idf`` (and the columns of ``keys`` that split models, such as
            ``language``) fitted elsewhere (e.g. on whole clusters when the classes here are
            cluster-windows); by default fitted on ``counts`` itself, as one model.

    Returns:
        Columns ``*keys, term, count, weight``; a term missing from ``idf`` gets weight 0.
    """
    if idf is None:
        idf = class_idf(counts, keys)
    return (
        counts.join(idf, on=[c for c in idf.columns if c != "idf"], how="left")
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
    """The ``n`` highest c-TF-IDF terms of each cluster and language, except the outlier cluster.

    Each language is its own c-TF-IDF model (see the module docstring).

    Args:
        documents: One row per document with its cluster id and token list, and optionally its
            ``language`` (see :func:`by_language`); documents of the outlier cluster (-1) may be
            included and count in the idf.
        n: Terms kept per cluster and language.
        cluster: Name of the cluster id column.
        tokens: Name of the token-list column.
        exclude_terms: Terms never reported, though they still count in the weights; meant for
            the words of the subclass's own search expression, which every member contains.

    Returns:
        Columns ``cluster_id, language, share, rank, term, weight``: ``share`` is the fraction of
        the cluster's documents that have tokens in the language; rank 1 = highest weight within
        the cluster and language (ties by term). Sorted by cluster, language and rank. The cluster
        column keeps its input name.
    """
    keys = (cluster, "language")
    split = by_language(documents.select(cluster, tokens, *[c for c in ("language",) if c in documents.columns]), tokens)
    counts = cluster_term_counts(split, keys, tokens)
    weights = ctfidf(counts, keys, class_idf(counts, keys, models=("language",)))
    shares = split.group_by(keys).agg(pl.len().alias("documents")).join(
        documents.group_by(cluster).agg(pl.len().alias("size")), on=cluster
    ).select(*keys, (pl.col("documents") / pl.col("size")).alias("share"))
    return (
        weights.filter(
            (pl.col(cluster) != OUTLIER_CLUSTER) & ~pl.col("term").is_in(list(exclude_terms))
        )
        .join(shares, on=list(keys))
        .sort(cluster, "language", "weight", "term", descending=[False, False, True, False])
        .with_columns(pl.int_range(1, pl.len() + 1).over(keys).alias("rank"))
        .filter(pl.col("rank") <= n)
        .select(cluster, "language", "share", "rank", "term", "weight")
    )


def cluster_labels(
    terms: pl.DataFrame,
    n_terms: int = 4,
    cluster: str = "cluster_id",
    min_share: float = 0.1,
    terms_per_language: int = 2,
) -> pl.DataFrame:
    """A label per cluster: the top terms of each of its languages, readable in each of them.

    A language is shown when at least ``min_share`` of the cluster's documents have tokens in it
    (the cluster's main language always is), English first, then by share. One language gives
    ``n_terms`` terms joined with ", "; several give ``terms_per_language`` each, the languages
    joined with " / " (``predictive maintenance, vibration / 고장 예측, 진동``).

    Args:
        terms: Output of :func:`top_terms`.
        n_terms: Terms in a one-language label (3 or 4 read well).
        cluster: Name of the cluster id column.
        min_share: Smallest share of the cluster's documents for a language to be shown.
        terms_per_language: Terms per language in a label of several languages.

    Returns:
        Columns ``cluster_id, label, keywords`` (keywords: the terms of the shown languages, in
        the label's language order and each language's rank order).
    """
    languages = (
        terms.select(cluster, "language", "share").unique()
        .with_columns(pl.col("share").max().over(cluster).alias("top_share"))
        .filter((pl.col("share") >= min_share) | (pl.col("share") == pl.col("top_share")))
        .with_columns(
            (pl.col("language") != ENGLISH).alias("_not_english"),
            pl.len().over(cluster).alias("_languages"),
        )
    )
    per_language = pl.when(pl.col("_languages") == 1).then(n_terms).otherwise(terms_per_language)
    parts = (
        terms.join(languages, on=[cluster, "language"])
        .sort(cluster, "_not_english", "share", "language", "rank", descending=[False, False, True, False, False])
        .group_by(cluster, "language", maintain_order=True)
        .agg(
            pl.col("term").head(per_language.first()).str.join(", ").alias("part"),
            pl.col("term").alias("keywords"),
        )
    )
    return (
        parts.group_by(cluster, maintain_order=True)
        .agg(pl.col("part").str.join(" / ").alias("label"), pl.col("keywords").list.explode(keep_nulls=False, empty_as_null=False))
        .sort(cluster)
    )
