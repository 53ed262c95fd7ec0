"""Tests of roadmap_pipeline.lib.clustering: reducers, HDBSCAN clusterers and cluster_embeddings.

Planted blobs have a known partition; small hand-made label vectors have known renumberings.
UMAP and fast_hdbscan compile with numba (tens of seconds per process), so their tests run only
when ROADMAP_TEST_UMAP=1.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from roadmap_pipeline.lib.clustering import (
    Clusterer,
    Clustering,
    HDBSCANClusterer,
    PCAReducer,
    Reducer,
    UMAPReducer,
    cluster_embeddings,
    default_min_cluster_size,
    remove_language_offsets,
)

slow_numba = pytest.mark.skipif(
    os.environ.get("ROADMAP_TEST_UMAP") != "1", reason="numba compilation; set ROADMAP_TEST_UMAP=1"
)


def planted_blobs(sizes: list[int], dim: int = 384, spread: float = 0.03, seed: int = 0):
    """Normalized rows around mutually orthogonal centres (cosine to the centre about 0.75)."""
    rng = np.random.default_rng(seed)
    centres = np.linalg.qr(rng.standard_normal((dim, len(sizes))))[0].T
    truth = np.repeat(np.arange(len(sizes)), sizes)
    X = centres[truth] + spread * rng.standard_normal((truth.size, dim))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    order = rng.permutation(truth.size)
    return X[order].astype(np.float32), truth[order]


class FixedClusterer:
    """A clusterer that returns given labels, to test what cluster_embeddings does with them."""

    def __init__(self, labels: list[int]) -> None:
        self.labels = np.array(labels)

    def fit_predict(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        assert len(X) == len(self.labels)
        return self.labels.copy(), np.where(self.labels >= 0, 0.9, 0.0)

    def __repr__(self) -> str:
        return "FixedClusterer()"


def test_planted_blobs_are_recovered_with_pca_and_each_hdbscan_backend():
    X, truth = planted_blobs([90, 70, 50, 40])
    for backend in ("hdbscan", "sklearn"):
        result = cluster_embeddings(
            X, reducer=PCAReducer(10), clusterer=HDBSCANClusterer(15, backend=backend)
        )
        assert adjusted_rand_score(truth, result.labels) >= 0.95, backend
        assert result.n_clusters == 4
        assert "4 clusters" in result.note


def test_default_clusterer_uses_the_scaled_min_cluster_size():
    X, truth = planted_blobs([90, 70, 50, 40])
    result = cluster_embeddings(X, reducer=PCAReducer(10))
    assert adjusted_rand_score(truth, result.labels) >= 0.95
    assert "min_cluster_size=5" in result.note  # 250 rows: 1% is 2.5, the floor of 5 applies


def test_labels_are_numbered_by_decreasing_cluster_size():
    X, truth = planted_blobs([40, 100, 60])
    result = cluster_embeddings(X, reducer=PCAReducer(10), clusterer=HDBSCANClusterer(15))
    # The 100-row blob (planted as 1) must be cluster 0, the 60-row blob 1, the 40-row blob 2.
    for planted, expected in ((1, 0), (2, 1), (0, 2)):
        labels = result.labels[truth == planted]
        assert np.mean(labels == expected) >= 0.95


def test_same_input_gives_the_same_output():
    X, _ = planted_blobs([60, 60, 60], spread=0.06)
    first = cluster_embeddings(X, reducer=PCAReducer(10, seed=3), clusterer=HDBSCANClusterer(10))
    second = cluster_embeddings(X.copy(), reducer=PCAReducer(10, seed=3), clusterer=HDBSCANClusterer(10))
    np.testing.assert_array_equal(first.labels, second.labels)
    np.testing.assert_array_equal(first.probabilities, second.probabilities)
    assert first.note == second.note


def test_tiny_input_is_one_cluster_with_a_note():
    X, _ = planted_blobs([4, 4])
    result = cluster_embeddings(X)
    np.testing.assert_array_equal(result.labels, np.zeros(8, dtype=np.int64))
    assert result.n_clusters == 1 and result.outlier_share == 0.0
    assert "8 rows" in result.note and "one cluster" in result.note


def test_input_below_twice_min_cluster_size_is_one_cluster():
    X, _ = planted_blobs([20, 19])
    result = cluster_embeddings(X, min_cluster_size=20)
    assert set(result.labels.tolist()) == {0}
    assert "min_cluster_size 20" in result.note


def test_empty_input_gives_empty_labels():
    result = cluster_embeddings(np.empty((0, 384), dtype=np.float32))
    assert result.labels.shape == (0,) and result.n_clusters == 0


def test_cluster_embeddings_renumbers_a_custom_clusterers_labels():
    raw = [7, 7, -1, 3, 3, 3, 7, 9, -1, 3, 9, 9]  # sizes: 3 -> 4 rows, 7 -> 3, 9 -> 3 (later)
    X = np.random.default_rng(1).standard_normal((len(raw), 8))
    result = cluster_embeddings(X, min_cluster_size=2, reducer=PCAReducer(3), clusterer=FixedClusterer(raw))
    assert result.labels.tolist() == [1, 1, -1, 0, 0, 0, 1, 2, -1, 0, 2, 2]
    assert result.outlier_share == pytest.approx(2 / 12)
    assert "FixedClusterer()" in result.note and "3 clusters" in result.note


def test_no_dense_cluster_gives_one_cluster_with_a_note():
    X = np.random.default_rng(2).standard_normal((12, 8))
    result = cluster_embeddings(
        X, min_cluster_size=3, reducer=PCAReducer(3), clusterer=FixedClusterer([-1] * 12)
    )
    assert result.labels.tolist() == [0] * 12
    assert "no dense cluster" in result.note


def test_default_min_cluster_size_is_one_percent_with_a_floor_of_five():
    assert default_min_cluster_size(100) == 5
    assert default_min_cluster_size(3522) == 35
    assert default_min_cluster_size(100_000) == 1000


def test_invalid_embeddings_are_rejected():
    with pytest.raises(ValueError, match="2-D"):
        cluster_embeddings(np.zeros(10))
    bad = np.ones((20, 4))
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        cluster_embeddings(bad)
    with pytest.raises(ValueError, match="at least 2"):
        HDBSCANClusterer(1)


def test_pca_reducer_caps_components_and_keeps_the_planted_direction():
    rng = np.random.default_rng(4)
    X = np.zeros((50, 6))
    X[:, 2] = np.linspace(-5, 5, 50)  # all variance along one axis
    X[:, 4] = 0.01 * rng.standard_normal(50)
    reduced = PCAReducer(n_components=10).fit_transform(X)
    assert reduced.shape == (50, 6)  # capped at the number of features
    np.testing.assert_allclose(np.abs(reduced[:, 0]), np.abs(X[:, 2]), atol=1e-6)
    assert PCAReducer(10).fit_transform(rng.standard_normal((5, 384))).shape == (5, 4)


def test_implementations_satisfy_the_protocols():
    assert isinstance(PCAReducer(), Reducer) and isinstance(UMAPReducer(), Reducer)
    assert isinstance(HDBSCANClusterer(), Clusterer) and isinstance(FixedClusterer([0]), Clusterer)
    assert isinstance(cluster_embeddings(np.zeros((3, 4))), Clustering)


@slow_numba
def test_umap_reducer_recovers_blobs_deterministically():
    pytest.importorskip("umap")
    X, truth = planted_blobs([90, 70, 50, 40])
    first = cluster_embeddings(X, reducer=UMAPReducer(seed=1), clusterer=HDBSCANClusterer(15))
    second = cluster_embeddings(X, reducer=UMAPReducer(seed=1), clusterer=HDBSCANClusterer(15))
    assert adjusted_rand_score(truth, first.labels) >= 0.95
    np.testing.assert_array_equal(first.labels, second.labels)


@slow_numba
def test_fast_hdbscan_backend_recovers_blobs():
    pytest.importorskip("fast_hdbscan")
    X, truth = planted_blobs([90, 70, 50, 40])
    clusterer = HDBSCANClusterer(15, backend="fast_hdbscan")
    result = cluster_embeddings(X, reducer=PCAReducer(10), clusterer=clusterer)
    assert adjusted_rand_score(truth, result.labels) >= 0.95


def test_default_reducer_is_umap_when_installed_and_pca_otherwise(monkeypatch):
    from roadmap_pipeline.lib.clustering import cluster

    monkeypatch.setattr(cluster, "umap_available", lambda: True)
    assert isinstance(cluster.default_reducer(seed=4), UMAPReducer)
    monkeypatch.setattr(cluster, "umap_available", lambda: False)
    assert isinstance(cluster.default_reducer(), PCAReducer)
    X, truth = planted_blobs([90, 70, 50, 40])
    result = cluster_embeddings(X)
    assert adjusted_rand_score(truth, result.labels) >= 0.95
    assert result.note.startswith("PCAReducer(") and "umap-learn is not installed" in result.note


# --- languages ------------------------------------------------------------------------------------


def test_language_offsets_hide_topics_until_they_are_removed():
    # Three planted topics written in two languages; the Korean rows share a language direction as
    # long as the topic spread (a multilingual model's own-language pull), so PCA + HDBSCAN split
    # by language first. Removing each language's offset recovers the topics.
    rng = np.random.default_rng(1)
    dim = 64
    centres = np.linalg.qr(rng.standard_normal((dim, 4)))[0].T
    topics = np.repeat(np.arange(3), 60)
    korean = np.tile(np.arange(60) % 3 == 0, 3)  # a third of every topic
    X = centres[topics] + 0.9 * korean[:, None] * centres[3] + 0.08 * rng.standard_normal((topics.size, dim))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    languages = np.where(korean, "ko", "en").tolist()
    plain = cluster_embeddings(X, reducer=PCAReducer(5), clusterer=HDBSCANClusterer(10)).labels
    fair = cluster_embeddings(remove_language_offsets(X, languages), reducer=PCAReducer(5),
                              clusterer=HDBSCANClusterer(10)).labels
    assert adjusted_rand_score(topics, plain) < 0.7
    assert adjusted_rand_score(topics, fair) >= 0.95


def test_language_offsets_by_hand():
    # en (rows 0, 1) and ko (rows 2, 3) tie at 2 rows: en, first in sorted order, is the reference.
    # en mean (0.5, 0.5), ko mean (1, 0): ko's offset (0.5, -0.5); with prior 2 it moves by half.
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 0.0]], dtype=np.float32)
    out = remove_language_offsets(X, ["en", "en", "ko", "ko"], prior=2)
    np.testing.assert_array_equal(out[:2], X[:2])  # the reference language stays as it is
    np.testing.assert_allclose(out[2:], np.tile(np.array([0.75, 0.25]) / np.hypot(0.75, 0.25), (2, 1)), atol=1e-6)
    # Without shrinkage ko's mean lands on en's.
    exact = remove_language_offsets(X, ["en", "en", "ko", "ko"], prior=0)
    np.testing.assert_allclose(exact[2:], np.full((2, 2), np.sqrt(0.5)), atol=1e-6)
    # The most frequent language is the reference whatever its name: three ko rows against one en.
    majority = remove_language_offsets(X[[1, 0, 2, 3]], ["en", "ko", "ko", "ko"], prior=0)
    np.testing.assert_array_equal(majority[1:], X[[0, 2, 3]])
    np.testing.assert_allclose(majority[0], [1.0, 0.0], atol=1e-6)


def test_one_language_or_none_is_left_alone_and_lengths_must_match():
    X, _ = planted_blobs([20, 20])
    np.testing.assert_array_equal(remove_language_offsets(X, ["en"] * 40), X)
    np.testing.assert_array_equal(remove_language_offsets(X, [None] * 40), X)
    with pytest.raises(ValueError, match="3 languages given for 40 rows"):
        remove_language_offsets(X, ["en", "ko", "ja"])
