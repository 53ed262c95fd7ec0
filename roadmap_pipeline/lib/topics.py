"""Step 4 for one subclass: topic clusters, their labels, keyword trends, emergence and task themes.

Pure: takes the valid families (id, priority year, text) and their embeddings, returns frames that
the topics assets write. Each step is a function of lib/clustering or lib/keywords, so any of them
can be swapped (a different clusterer, other windows) without touching the rest.

Two ways to a membership, one description of it. `analyse_subclass` clusters every family anew
(reduce, then HDBSCAN); `extend_clustering` keeps an earlier membership and places the families
added since by a nearest-neighbour vote, which is what a monthly refresh of a few percent needs.
`plan_refresh` chooses between them, and both end in `describe_membership` (labels, trends,
emergence, themes), which is cheap once the tokens of the unchanged texts are reused.
`fingerprint` tells a caller that nothing at all changed, so that it can skip the subclass.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from roadmap_pipeline.lib.clustering import (
    DEFAULT_NEIGHBOURS,
    Clustering,
    Reducer,
    assign_to_clusters,
    cluster_embeddings,
    remove_language_offsets,
)
from roadmap_pipeline.lib.keywords import (
    by_language,
    cluster_labels,
    consecutive_windows,
    keyword_trends,
    rank_task_themes,
    term_emergence,
    text_language,
    tokenize,
    tokenize_many,
    top_terms,
    yearly_windows,
)

SUBCLASS_WIDE = -2  # cluster_id of emergence computed over the whole subclass
# Part of every clustering fingerprint: change it when the clustering steps or the tokens change, so
# that stored clusterings made the old way are not extended with their stored tokens. 2: Japanese and
# Chinese tokens, keywords weighed per language.
CLUSTERING_VERSION = "2"


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

    def clustering_key(self) -> dict[str, object]:
        """The settings a membership depends on, for `fingerprint`: a stored membership made with
        other values is not extended. The reducer counts by its repr, which names its parameters."""
        return {"version": CLUSTERING_VERSION, "reducer": repr(self.reducer),
                "min_cluster_size": self.min_cluster_size, "seed": self.seed}

    def description_key(self) -> dict[str, object]:
        """The settings the labels, trends and themes depend on, for `fingerprint`."""
        return {"last_year": self.last_year, "first_year": self.first_year,
                "window_years": self.window_years, "keywords_per_cluster": self.keywords_per_cluster}


@dataclass(frozen=True)
class TopicResult:
    """Frames of one subclass; the caller adds subclass_key."""

    clustering: Clustering
    members: pl.DataFrame  # family_id, cluster_id, probability
    clusters: pl.DataFrame  # cluster_id, size, label, keywords
    trends: pl.DataFrame  # cluster_id, window_start, window_end, keyword, weight, frequency, emergence
    sizes: pl.DataFrame  # cluster_id, window_start, window_end, n_documents
    emergence: pl.DataFrame  # cluster_id (SUBCLASS_WIDE = whole subclass), language, term, eligible, escore, …
    themes: pl.DataFrame  # cluster_id, growth, n_recent, n_before, top_emerging, label, rank
    last_year: int
    documents: pl.DataFrame  # family_id, cluster_id, year, language, tokens: what the description was computed from


def analyse_subclass(
    families: pl.DataFrame, vectors: np.ndarray, query: str = "", settings: TopicSettings = TopicSettings()
) -> TopicResult:
    """Cluster a subclass's valid families and follow their keywords.

    Args:
        families: One row per family: ``family_id``, ``year`` (priority year, may be null), ``text``,
            optionally ``language`` (the language the record declares for the text; each language's
            offset is taken out of the vectors before clustering, see `remove_language_offsets`); a
            ``tokens`` column, when present, is used instead of tokenizing ``text``.
        vectors: (n, d) normalized embeddings aligned with `families`.
        query: The subclass's search expression; its words are kept out of labels, as every member
            contains them.
        settings: Windows, cluster size, seed.
    """
    clustering = cluster_embeddings(
        _language_neutral(families, vectors), min_cluster_size=settings.min_cluster_size, seed=settings.seed,
        reducer=settings.reducer,
    )
    return describe_membership(families, clustering, query, settings)


def _language_neutral(families: pl.DataFrame, vectors: np.ndarray) -> np.ndarray:
    """`vectors` without each text language's offset, so that topics cluster across languages."""
    if "language" not in families.columns:
        return vectors
    return remove_language_offsets(vectors, families["language"].to_list())


def describe_membership(
    families: pl.DataFrame, clustering: Clustering, query: str = "", settings: TopicSettings = TopicSettings()
) -> TopicResult:
    """Labels, keyword trends, emergence and themes of a given membership of the families.

    The part of the analysis after clustering, shared by a full clustering and an extended one.
    Keywords are weighed per language (lib/keywords): a family's English tokens count with the
    English texts, its Korean, Japanese or Chinese tokens with the texts of that language, in the
    labels, the trends and the emergence scores alike.

    Args:
        families: One row per family: ``family_id``, ``year`` (may be null), ``tokens`` (list of
            str) or ``text`` (tokenized here), and optionally ``text`` with ``language`` (the
            declared language) to tell Japanese from Chinese Han-only tokens.
        clustering: Cluster and probability per row of `families`.
        query: The subclass's search expression, whose words are kept out of labels and emergence.
        settings: Windows and keywords per cluster (the clustering settings are not used).
    """
    declared = families["language"].to_list() if "language" in families.columns else [None] * families.height
    texts = families["text"].fill_null("").to_list() if "text" in families.columns else None
    tokens = (
        families["tokens"].cast(pl.List(pl.String)) if "tokens" in families.columns
        else pl.Series("tokens", tokenize_many(texts, declared), dtype=pl.List(pl.String))
    )
    languages = (
        [text_language(text, language) for text, language in zip(texts, declared, strict=True)]
        if texts is not None else [None] * families.height  # read from the tokens (by_language)
    )
    documents = families.select(
        "family_id",
        pl.Series("cluster_id", clustering.labels, dtype=pl.Int64),
        pl.col("year").cast(pl.Int64),
        pl.Series("language", languages, dtype=pl.String),
        tokens.alias("tokens"),
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
    # Emergence per language: a term's documents are counted against the documents of its language.
    dated_by_language = by_language(dated)
    by_cluster = term_emergence(dated_by_language, last_year=last_year, keys=("cluster_id", "language"))
    whole = term_emergence(dated_by_language, last_year=last_year, keys=("language",)).with_columns(
        pl.lit(SUBCLASS_WIDE, pl.Int64).alias("cluster_id"))
    emergence = pl.concat([by_cluster, whole.select(by_cluster.columns)]).filter(~pl.col("term").is_in(list(query_terms)))
    trends = trends.join(
        by_cluster.select("cluster_id", "language", pl.col("term").alias("keyword"), pl.col("escore").alias("emergence")),
        on=["cluster_id", "language", "keyword"], how="left",
    )
    themes = rank_task_themes(
        sizes, by_cluster.filter(~pl.col("term").is_in(list(query_terms))), labels.select("cluster_id", "label"),
        last_year=last_year
    ) if sizes.filter(pl.col("window_start") == pl.col("window_end")).height else _empty_themes()
    return TopicResult(clustering, members, clusters, trends, sizes, emergence, themes, last_year, documents)


@dataclass(frozen=True)
class RefreshPlan:
    """How a refresh reaches the membership of one subclass.

    Attributes:
        extend: True: keep the stored membership and assign the added families
            (`extend_clustering`); False: cluster every family anew.
        reason: One sentence saying why, for lineage metadata.
        kept: Stored members still valid with the same text, with every column the stored
            membership had (at least ``family_id, cluster_id, probability, assigned``).
        added: Ids of the valid families that are not kept members (new, or their text changed).
        removed: Number of stored members no longer valid or whose text changed.
    """

    extend: bool
    reason: str
    kept: pl.DataFrame
    added: pl.Series
    removed: int


def plan_refresh(
    current: pl.DataFrame,
    previous: pl.DataFrame | None,
    clustered_families: int,
    recluster_share: float,
) -> RefreshPlan:
    """Chooses between extending the stored membership and clustering anew.

    Extending is allowed while the families assigned since the last full clustering (those
    assigned by earlier refreshes and still members, plus those added now) and the families of
    that clustering that are gone are each at most `recluster_share` of the current families.
    Counting from the last full clustering rather than from the last refresh keeps many small
    monthly additions from drifting away from a clustering that no longer fits them.

    Args:
        current: The valid families now: ``family_id``, ``text_hash``.
        previous: The stored membership: ``family_id``, ``text_hash``, ``cluster_id``,
            ``probability``, ``assigned`` (True when placed by a vote, not by the clustering);
            None or empty when there is none or its settings differ.
        clustered_families: Number of families the last full clustering clustered.
        recluster_share: Largest share of added, and of removed, families that may be assigned.
    """
    if previous is None or not previous.height:
        nothing = pl.DataFrame(schema={"family_id": pl.String})
        return RefreshPlan(False, "no stored clustering with these settings", nothing, current["family_id"], 0)
    kept = previous.join(current.select("family_id", "text_hash"), on=["family_id", "text_hash"], how="semi",
                         maintain_order="left")
    added = current.join(kept.select("family_id"), on="family_id", how="anti", maintain_order="left")["family_id"]
    removed = previous.height - kept.height
    earlier_assigned = int(kept["assigned"].sum())
    since_full_added = earlier_assigned + added.len()
    since_full_removed = clustered_families - (kept.height - earlier_assigned)
    limit = recluster_share * current.height
    counts = f"{added.len()} added and {removed} removed now; since the last full clustering of {clustered_families}"
    if not kept.height:
        return RefreshPlan(False, f"no stored member is still valid ({counts})", kept, added, removed)
    if since_full_added > limit or since_full_removed > limit:
        return RefreshPlan(
            False,
            f"{counts}, {since_full_added} added and {since_full_removed} removed: more than "
            f"{recluster_share:.0%} of the {current.height} valid families",
            kept, added, removed,
        )
    return RefreshPlan(
        True,
        f"{counts}, {since_full_added} added and {since_full_removed} removed: at most "
        f"{recluster_share:.0%} of the {current.height} valid families",
        kept, added, removed,
    )


def extend_clustering(
    families: pl.DataFrame, vectors: np.ndarray, kept: pl.DataFrame, k: int = DEFAULT_NEIGHBOURS
) -> Clustering:
    """A stored membership extended to new families: kept families keep their cluster, others are assigned.

    Each family of `families` absent from `kept` takes the cluster of most of its `k` nearest
    kept families by cosine similarity (`assign_to_clusters`; outliers vote too, so a family among
    outliers stays -1), with the vote share as probability. Cluster ids are not renumbered: a
    cluster keeps its id, though sizes may drift from the largest-first order of the clustering.

    Args:
        families: The valid families now, in the order of `vectors`: ``family_id``, optionally
            ``language`` (each language's offset is removed before the vote, as in `analyse_subclass`).
        vectors: (n, d) embeddings aligned with `families`.
        kept: Stored members still valid: ``family_id, cluster_id, probability``.
        k: Voters per new family.
    """
    n = families.height
    rows = (
        families.select("family_id").with_row_index("row")
        .join(kept.select("family_id", "cluster_id", "probability"), on="family_id", how="inner")
    )
    kept_rows = rows["row"].to_numpy().astype(np.int64)
    labels = np.full(n, -1, dtype=np.int64)
    probabilities = np.zeros(n, dtype=np.float64)
    labels[kept_rows] = rows["cluster_id"].to_numpy()
    probabilities[kept_rows] = rows["probability"].fill_null(0.0).to_numpy()
    is_new = np.ones(n, dtype=bool)
    is_new[kept_rows] = False
    new_rows = np.flatnonzero(is_new)
    if new_rows.size:
        neutral = _language_neutral(families, vectors)
        labels[new_rows], probabilities[new_rows] = assign_to_clusters(
            neutral[kept_rows], labels[kept_rows], neutral[new_rows], k=k
        )
    outliers = int(np.sum(labels[new_rows] < 0))
    note = (
        f"clusters of {kept_rows.size} stored members kept; {new_rows.size} families assigned by a "
        f"{min(k, max(kept_rows.size, 1))}-nearest-neighbour cosine vote ({outliers} of them outliers); "
        f"{int(np.sum(labels < 0))} of {n} rows ({float(np.mean(labels < 0)) if n else 0.0:.0%}) outliers (-1)"
    )
    return Clustering(labels=labels, probabilities=probabilities, note=note)


def fingerprint(settings: Mapping[str, object], rows: pl.DataFrame | None = None) -> str:
    """A digest of settings and of table rows: equal digests mean equal inputs.

    Args:
        settings: JSON-serializable values (keys sorted here).
        rows: Rows whose every value counts, in the caller's order (sort them); a null differs
            from an empty string.

    Returns:
        32 hex characters (blake2b, 16 bytes).
    """
    digest = hashlib.blake2b(json.dumps(settings, sort_keys=True, default=str).encode("utf-8"), digest_size=16)
    if rows is not None and rows.width:
        digest.update(json.dumps([rows.height, rows.columns]).encode("utf-8"))
        # Each value as "<length>:<value>" (null as "-"), so that no text can imitate a boundary.
        cells = [
            pl.when(pl.col(c).is_null()).then(pl.lit("-")).otherwise(
                pl.concat_str([pl.col(c).cast(pl.String).str.len_bytes().cast(pl.String), pl.lit(":"),
                               pl.col(c).cast(pl.String)])
            )
            for c in rows.columns
        ]
        encoded = rows.select(pl.concat_str(cells).alias("row"))["row"]
        digest.update("".join(encoded.to_list()).encode("utf-8"))
    return digest.hexdigest()


def _empty_themes() -> pl.DataFrame:
    return pl.DataFrame(schema={
        "cluster_id": pl.Int64, "growth": pl.Float64, "n_recent": pl.Int64, "n_before": pl.Int64,
        "top_emerging": pl.List(pl.String), "label": pl.String, "rank": pl.Int64,
    })
