"""Density clustering (HDBSCAN) behind one small interface, and the topic-clustering entry point.

`cluster_embeddings` reduces the embeddings (`reduce.py`) and clusters the reduced points. Labels
follow HDBSCAN's convention (-1 = outlier) and are renumbered canonically, largest cluster first,
so that the same input gives the same labels whatever the backend's internal order.

Defaults, as measured by bench/clustering_bench.py (figures in its results):
- Reducer: UMAP to 5 dimensions when umap-learn is installed. On all-MiniLM-L6-v2 embeddings of
  3,522 neural-network patents, PCA(10) + HDBSCAN finds 2 clusters and calls 74% of the patents
  outliers, UMAP(5) + HDBSCAN finds 16 topics with 25% outliers; on 5,000 synthetic rows with
  40 planted topics the adjusted Rand index is 0.18 with PCA and 0.95 with UMAP. PCA remains the
  fallback (no optional dependency, seconds at 100k rows) and the choice for fast paths and tests.
- Clusterer: the hdbscan package. The three implementations give the same partition of planted
  topics; at 100k rows it clusters in 25 s against 29 s (fast_hdbscan, after numba compilation)
  and 118 s (scikit-learn), and on the real corpus it leaves the fewest outliers (25% against
  36% and 42%).
- Outliers stay -1 (a quarter of real patents with UMAP, as BERTopic typically sees); moving
  them into the nearest topic would blur the topics' keywords and is left to the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

import numpy as np

from roadmap_pipeline.lib.clustering.reduce import PCAReducer, Reducer, UMAPReducer, umap_available

HDBSCANBackend = Literal["hdbscan", "sklearn", "fast_hdbscan"]

# Measured in bench/clustering_bench.py: 1% of the rows, at least 5 (see default_min_cluster_size).
MIN_CLUSTER_SHARE = 0.01
MIN_CLUSTER_FLOOR = 5
# Below this many rows density estimates are meaningless; everything is one cluster.
MIN_ROWS = 10
# HDBSCAN's min_samples defaults to min_cluster_size, whose k-nearest-neighbour queries cost
# time and memory in proportion: at 100k rows (min_cluster_size 1000) capping it at 50 cut the
# clustering from 138 s and 3.8 GB to about 40 s and under 1 GB with the same partition.
MAX_DEFAULT_MIN_SAMPLES = 50


@runtime_checkable
class Clusterer(Protocol):
    """Assigns each row a cluster label (-1 = outlier) and a membership strength in [0, 1]."""

    def fit_predict(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Returns ``(labels, probabilities)``, both of length ``len(X)``."""
        ...


class HDBSCANClusterer:
    """HDBSCAN with excess-of-mass cluster selection, from one of three implementations.

    Args:
        min_cluster_size: Smallest group HDBSCAN reports as a cluster.
        min_samples: Neighbours defining a core point; None means ``min_cluster_size`` capped
            at 50 (`MAX_DEFAULT_MIN_SAMPLES`).
        backend: ``"hdbscan"`` (the hdbscan package, the default), ``"sklearn"``
            (`sklearn.cluster.HDBSCAN`) or ``"fast_hdbscan"`` (optional package, compiled with
            numba on first use in a process).
    """

    def __init__(
        self,
        min_cluster_size: int = 10,
        min_samples: int | None = None,
        backend: HDBSCANBackend = "hdbscan",
    ) -> None:
        if min_cluster_size < 2:
            raise ValueError(f"min_cluster_size must be at least 2, got {min_cluster_size}")
        self.min_cluster_size = min_cluster_size
        self.min_samples = min_samples or min(min_cluster_size, MAX_DEFAULT_MIN_SAMPLES)
        self.backend = backend

    def fit_predict(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Clusters the rows of ``X`` (already reduced to a few dimensions)."""
        X = np.ascontiguousarray(X, dtype=np.float64)
        if self.backend == "hdbscan":
            import hdbscan

            model = hdbscan.HDBSCAN(
                min_cluster_size=self.min_cluster_size,
                min_samples=self.min_samples,
                cluster_selection_method="eom",
            )
        elif self.backend == "sklearn":
            from sklearn.cluster import HDBSCAN

            model = HDBSCAN(
                min_cluster_size=self.min_cluster_size,
                min_samples=self.min_samples,
                cluster_selection_method="eom",
                copy=True,
            )
        elif self.backend == "fast_hdbscan":
            import fast_hdbscan

            model = fast_hdbscan.HDBSCAN(
                min_cluster_size=self.min_cluster_size,
                min_samples=self.min_samples,
                cluster_selection_method="eom",
            )
        else:
            raise ValueError(f"unknown HDBSCAN backend {self.backend!r}")
        model.fit(X)
        labels = np.asarray(model.labels_, dtype=np.int64)
        probabilities = np.asarray(model.probabilities_, dtype=np.float64)
        return labels, probabilities

    def __repr__(self) -> str:
        return (
            f"HDBSCANClusterer(min_cluster_size={self.min_cluster_size}, "
            f"min_samples={self.min_samples}, backend={self.backend!r})"
        )


@dataclass(frozen=True)
class Clustering:
    """The topic clusters of one set of embeddings.

    Attributes:
        labels: Cluster per row, 0 = the largest cluster, -1 = outlier; int64.
        probabilities: HDBSCAN membership strength per row in [0, 1] (0 for outliers); float64.
        note: One sentence saying how the labels were obtained, for lineage metadata.
    """

    labels: np.ndarray
    probabilities: np.ndarray
    note: str

    @property
    def n_clusters(self) -> int:
        """Number of clusters, outliers not counted."""
        return int(np.unique(self.labels[self.labels >= 0]).size)

    @property
    def outlier_share(self) -> float:
        """Share of rows labelled -1 (0 for an empty input)."""
        return float(np.mean(self.labels < 0)) if self.labels.size else 0.0


def default_min_cluster_size(n_rows: int) -> int:
    """HDBSCAN's smallest cluster for ``n_rows`` embeddings: 1% of the rows, at least 5.

    A fixed size gives a number of topics that grows with the corpus; a share keeps it readable.
    Measured with UMAP on 3,522 real patents: 0.5% gives 29 topics and 33% outliers, 1% gives 16
    topics and 25% outliers, 2% gives 8 topics and 40% outliers. On planted topics, 1% recovers
    those of at least 1% of the rows (ARI 0.95 with 40 Zipf-sized topics, the smallest 0.8%).
    """
    return max(MIN_CLUSTER_FLOOR, round(n_rows * MIN_CLUSTER_SHARE))


def default_reducer(seed: int = 0) -> Reducer:
    """UMAP (5 dimensions, BERTopic's settings) when umap-learn is installed, else PCA (10).

    Fast paths (tests, demos) should pass ``PCAReducer`` explicitly: UMAP compiles with numba for
    30 s or more in each new process and runs single-threaded when seeded.
    """
    return UMAPReducer(n_components=5, seed=seed) if umap_available() else PCAReducer(10, seed=seed)


def cluster_embeddings(
    X: np.ndarray,
    *,
    min_cluster_size: int | None = None,
    seed: int = 0,
    reducer: Reducer | None = None,
    clusterer: Clusterer | None = None,
) -> Clustering:
    """Clusters embeddings into topics: reduce (PCA by default), then HDBSCAN.

    Args:
        X: (n, d) embeddings, normalized for cosine geometry (sentence-transformers output).
        min_cluster_size: Smallest topic; None means `default_min_cluster_size`. Configures the
            default clusterer and the small-input rule.
        seed: Seed of the default reducer.
        reducer: Replaces `default_reducer` (UMAP when installed, else PCA).
        clusterer: Replaces the default ``HDBSCANClusterer(min_cluster_size)``.

    Returns:
        The `Clustering`. Fewer than ``max(10, 2 * min_cluster_size)`` rows give one cluster
        (label 0 for every row); so does an input in which HDBSCAN finds no dense region. The
        note says which case applied.

    Raises:
        ValueError: When ``X`` is not a finite 2-D array.
    """
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"embeddings must be a 2-D array, got shape {X.shape}")
    if not np.isfinite(X).all():
        raise ValueError("embeddings contain NaN or infinite values")
    n_rows = X.shape[0]
    size = min_cluster_size if min_cluster_size is not None else default_min_cluster_size(n_rows)
    if n_rows < max(MIN_ROWS, 2 * size):
        return _one_cluster(
            n_rows,
            f"{n_rows} rows are fewer than max({MIN_ROWS}, 2 x min_cluster_size {size}): "
            "all rows form one cluster",
        )
    default_used = reducer is None
    reducer = reducer or default_reducer(seed)
    clusterer = clusterer or HDBSCANClusterer(min_cluster_size=size)
    reduced = reducer.fit_transform(X)
    raw_labels, probabilities = clusterer.fit_predict(reduced)
    labels = _renumber_by_size(raw_labels)
    n_clusters = int(labels.max()) + 1 if labels.size else 0
    if n_clusters == 0:
        return _one_cluster(
            n_rows, f"{clusterer!r} found no dense cluster in {n_rows} rows: all rows form one cluster"
        )
    outliers = int(np.sum(labels < 0))
    note = (
        f"{reducer!r} then {clusterer!r}: {n_clusters} clusters, "
        f"{outliers} of {n_rows} rows ({outliers / n_rows:.0%}) outliers (-1)"
    )
    if default_used and isinstance(reducer, PCAReducer):
        note += "; umap-learn is not installed, and PCA finds far fewer topics in real embeddings"
    return Clustering(labels=labels, probabilities=np.clip(probabilities, 0.0, 1.0), note=note)


def _one_cluster(n_rows: int, note: str) -> Clustering:
    return Clustering(
        labels=np.zeros(n_rows, dtype=np.int64),
        probabilities=np.ones(n_rows, dtype=np.float64),
        note=note,
    )


def _renumber_by_size(labels: np.ndarray) -> np.ndarray:
    """Renumbers clusters 0, 1, ... by decreasing size, ties by first row; -1 stays."""
    labels = np.asarray(labels, dtype=np.int64)
    clustered = labels >= 0
    if not clustered.any():
        return labels.copy()
    values, first_row, counts = np.unique(labels[clustered], return_index=True, return_counts=True)
    order = np.lexsort((first_row, -counts))
    mapping = np.empty(values.size, dtype=np.int64)
    mapping[order] = np.arange(values.size)
    renumbered = np.full(labels.shape, -1, dtype=np.int64)
    renumbered[clustered] = mapping[np.searchsorted(values, labels[clustered])]
    return renumbered
