"""Dimension reduction of embeddings before density clustering, behind one small interface.

HDBSCAN's density estimates degrade in high dimensions (distances concentrate) and its spatial
trees only help in a few dimensions, so embeddings are reduced first, as BERTopic does.
`PCAReducer` is the default: it is deterministic, needs no compilation and takes seconds at 100k
rows. `UMAPReducer` is the alternative BERTopic uses; it needs the optional `umap-learn` package,
compiles with numba on first use in each process (tens of seconds) and runs single-threaded when
seeded, so it is never used unless asked for.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Reducer(Protocol):
    """Maps an (n, d) matrix to an (n, k) matrix with k much smaller than d."""

    def fit_transform(self, X: np.ndarray) -> np.ndarray:
        """Fits on ``X`` and returns its reduced coordinates, one row per input row."""
        ...


class PCAReducer:
    """Principal components of the embeddings (scikit-learn `PCA`).

    Args:
        n_components: Number of components kept; capped at ``min(n_rows - 1, n_features)``.
        seed: Random state passed to the solver (only randomized solvers use it).
    """

    def __init__(self, n_components: int = 10, seed: int = 0) -> None:
        self.n_components = n_components
        self.seed = seed

    def fit_transform(self, X: np.ndarray) -> np.ndarray:
        """Returns the first principal-component scores of ``X`` as float64."""
        from sklearn.decomposition import PCA

        n_rows, n_features = X.shape
        k = max(1, min(self.n_components, n_rows - 1, n_features))
        # The covariance solver costs O(n d^2) with d = 384: a few seconds at 100k rows, exact,
        # and the same on every run.
        solver = "covariance_eigh" if n_rows > 4 * n_features else "full"
        pca = PCA(n_components=k, svd_solver=solver, random_state=self.seed)
        return np.ascontiguousarray(pca.fit_transform(np.asarray(X, dtype=np.float64)))

    def __repr__(self) -> str:
        return f"PCAReducer(n_components={self.n_components}, seed={self.seed})"


class UMAPReducer:
    """UMAP embedding with BERTopic's defaults (needs the optional ``umap-learn`` package).

    Args:
        n_components: Output dimensions.
        n_neighbors: Size of the local neighbourhood UMAP preserves.
        min_dist: Minimum distance between embedded points; 0 packs clusters tightly.
        metric: Input metric; cosine for sentence embeddings.
        seed: Random state; a fixed seed makes UMAP reproducible but single-threaded.
    """

    def __init__(
        self,
        n_components: int = 5,
        n_neighbors: int = 15,
        min_dist: float = 0.0,
        metric: str = "cosine",
        seed: int = 0,
    ) -> None:
        self.n_components = n_components
        self.n_neighbors = n_neighbors
        self.min_dist = min_dist
        self.metric = metric
        self.seed = seed

    def fit_transform(self, X: np.ndarray) -> np.ndarray:
        """Returns the UMAP coordinates of ``X`` as float64.

        Raises:
            ImportError: When ``umap-learn`` is not installed.
        """
        try:
            import umap
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError("UMAPReducer needs the optional package umap-learn") from exc

        import warnings

        n_rows = X.shape[0]
        model = umap.UMAP(
            n_components=min(self.n_components, max(1, n_rows - 2)),
            n_neighbors=min(self.n_neighbors, max(2, n_rows - 1)),
            min_dist=self.min_dist,
            metric=self.metric,
            random_state=self.seed,
            n_jobs=1,
        )
        with warnings.catch_warnings():
            # A seed makes UMAP single-threaded, which reproducibility requires; its warning
            # saying so would repeat on every call.
            warnings.filterwarnings("ignore", message="n_jobs value", category=UserWarning)
            return np.asarray(model.fit_transform(X), dtype=np.float64)

    def __repr__(self) -> str:
        return (
            f"UMAPReducer(n_components={self.n_components}, n_neighbors={self.n_neighbors}, "
            f"min_dist={self.min_dist}, metric={self.metric!r}, seed={self.seed})"
        )


def umap_available() -> bool:
    """Whether the optional ``umap-learn`` package can be imported (without importing it)."""
    from importlib.util import find_spec

    return find_spec("umap") is not None
