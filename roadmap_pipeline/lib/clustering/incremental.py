"""Refreshes in proportion to the change: new rows placed into a clustering, kNN lists brought up to date.

A monthly refresh adds about 1 % to a subclass. Re-running the reducer and HDBSCAN for that would
cost as much as the first clustering and renumber every topic; instead `assign_to_clusters` gives
each new row the cluster most common among its k most similar earlier rows (cosine), the
k-nearest-neighbour classifier with outliers (-1) counted as a class of their own, so that a row
among outliers stays one.

Likewise the exact similarity graph of `network.knn_graph` costs O(n^2 d) (231 s at 100k rows).
`update_neighbour_lists` recomputes only the lists of new or changed rows and of rows that lost a
neighbour, and merges the others with their similarities to the new rows: O(changed x n x d).
`graph_from_neighbour_lists` then gives the graph `knn_graph` would give.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

# The selection knn_graph makes (value desc, then column asc), so that updated lists equal rebuilt ones.
from roadmap_pipeline.lib.clustering.network import _top_k, unique_pairs

# UMAP's neighbourhood in BERTopic's settings, the scale at which the clusters were found.
DEFAULT_NEIGHBOURS = 15
# Similarity rows computed at once: 64 MB of float32 per block whatever the number of earlier rows.
_BLOCK_BYTES = 64 * 1024 * 1024


def assign_to_clusters(
    previous_vectors: np.ndarray,
    previous_labels: np.ndarray,
    new_vectors: np.ndarray,
    k: int = DEFAULT_NEIGHBOURS,
) -> tuple[np.ndarray, np.ndarray]:
    """Labels new rows by a vote of their k most similar previous rows.

    Each new row's label is the one held by most of its ``k`` nearest previous rows by cosine
    similarity, -1 (outlier) counting as a label: a row whose neighbours are mostly outliers stays
    an outlier. A tie goes to the label whose voters are more similar in sum, then to the
    smaller label.

    Args:
        previous_vectors: (n, d) embeddings of the rows already clustered; normalized here.
        previous_labels: (n,) their cluster ids, -1 = outlier.
        new_vectors: (m, d) embeddings to place; normalized here.
        k: Voters per new row; fewer when there are fewer previous rows.

    Returns:
        ``(labels, probabilities)``: int64 (m,) cluster ids and float64 (m,) vote shares of the
        winning cluster in (0, 1]; 0 for rows left as outliers, as HDBSCAN gives outliers 0.
        All rows are -1 with probability 0 when there is no previous row.

    Raises:
        ValueError: On mismatched shapes, non-finite values or k < 1.
    """
    previous = np.asarray(previous_vectors, dtype=np.float32)
    new = np.asarray(new_vectors, dtype=np.float32)
    previous_labels = np.asarray(previous_labels, dtype=np.int64)
    if previous.ndim != 2 or new.ndim != 2 or previous_labels.shape != (previous.shape[0],):
        raise ValueError(
            f"need (n, d) and (m, d) vectors and n labels, got {previous.shape}, {new.shape} "
            f"and {previous_labels.shape}"
        )
    if previous.shape[0] and new.shape[0] and previous.shape[1] != new.shape[1]:
        raise ValueError(f"dimensions differ: {previous.shape[1]} and {new.shape[1]}")
    if not (np.isfinite(previous).all() and np.isfinite(new).all()):
        raise ValueError("embeddings contain NaN or infinite values")
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    m, n = new.shape[0], previous.shape[0]
    labels = np.full(m, -1, dtype=np.int64)
    probabilities = np.zeros(m, dtype=np.float64)
    if not m or not n:
        return labels, probabilities
    k = min(k, n)
    previous, new = _normalized(previous), _normalized(new)
    block = max(1, min(m, _BLOCK_BYTES // (4 * n)))
    for start in range(0, m, block):
        stop = min(m, start + block)
        similarity = new[start:stop] @ previous.T
        nearest = np.argpartition(similarity, n - k, axis=1)[:, n - k :]
        voters = previous_labels[nearest]
        weights = np.take_along_axis(similarity, nearest, axis=1).astype(np.float64)
        labels[start:stop], shares = _vote(voters, weights)
        probabilities[start:stop] = np.where(labels[start:stop] >= 0, shares, 0.0)
    return labels, probabilities


def _vote(voters: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Winning label per row (most votes, then largest similarity sum, then smallest label) and its share."""
    rows, k = voters.shape
    # Shift labels to 0.. so that -1 gets a column of its own in the per-row counts.
    values, codes = np.unique(voters, return_inverse=True)
    codes = codes.reshape(rows, k)
    counts = np.zeros((rows, values.size), dtype=np.int64)
    sums = np.zeros((rows, values.size), dtype=np.float64)
    row_index = np.repeat(np.arange(rows), k)
    np.add.at(counts, (row_index, codes.ravel()), 1)
    np.add.at(sums, (row_index, codes.ravel()), weights.ravel())
    # Rank by votes, then similarity sum; argmax keeps the first (smallest) label among equals.
    best_votes = counts.max(axis=1, keepdims=True)
    candidates = np.where(counts == best_votes, sums, -np.inf)
    winner = np.argmax(candidates, axis=1)
    return values[winner], counts[np.arange(rows), winner] / k


def _normalized(X: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    return X / np.where(norms > 0, norms, 1.0)


def neighbour_lists(X: np.ndarray, k: int, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Each selected row's k most similar other rows by cosine, as `knn_graph` selects them.

    Args:
        X: (n, d) embeddings; normalized here.
        k: Neighbours per row; at most n - 1 are returned.
        rows: Rows whose lists are wanted (default all).

    Returns:
        ``(neighbours, similarities)``: int64 and float32 arrays (len(rows), min(k, n - 1)), each
        row ordered by similarity descending, then neighbour ascending.
    """
    return _lists(_normalized(np.asarray(X, dtype=np.float32)), k, rows)


def _lists(X: np.ndarray, k: int, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """`neighbour_lists` of rows already normalized (once: normalizing twice moves the last bits)."""
    n = X.shape[0]
    rows = np.arange(n, dtype=np.int64) if rows is None else np.asarray(rows, dtype=np.int64)
    k = max(0, min(k, n - 1))
    neighbours = np.empty((rows.size, k), dtype=np.int64)
    similarities = np.empty((rows.size, k), dtype=np.float32)
    if not k or not rows.size:
        return neighbours, similarities
    block = max(1, min(rows.size, _BLOCK_BYTES // (4 * n)))
    for start in range(0, rows.size, block):
        chosen = rows[start : start + block]
        S = X[chosen] @ X.T
        S[np.arange(chosen.size), chosen] = -np.inf
        neighbours[start : start + chosen.size], similarities[start : start + chosen.size] = _top_k(S, k)
    return neighbours, similarities


def update_neighbour_lists(
    X: np.ndarray,
    ids: Sequence[str] | pl.Series,
    text_hashes: Sequence[str] | pl.Series,
    stored: pl.DataFrame | None,
    k: int,
) -> tuple[pl.DataFrame, int]:
    """The k-nearest-neighbour lists of the current rows, reusing stored lists where they still hold.

    A stored row whose text is unchanged and whose neighbours are all still present with their
    text keeps its list, merged with the rows that are new or changed (their similarities to it
    are computed); every other row's list is computed against all rows. The result equals
    `neighbour_lists` on the current rows, up to float32 rounding of similarities computed in
    another block.

    Args:
        X: (n, d) embeddings of the current rows.
        ids: Row ids (unique), aligned with X.
        text_hashes: Hash of each row's text: a changed hash is a changed vector.
        stored: Earlier result of this function (same embedding model and k), or None.
        k: Neighbours per row.

    Returns:
        ``(lists, recomputed)``: lists with columns ``id, text_hash, neighbour, similarity``
        (float32), min(k, n - 1) rows per id in rank order, ids in row order; and how many rows'
        lists were computed against all rows.

    Raises:
        ValueError: When ids are not unique or do not match the rows.
    """
    current = pl.DataFrame({"id": pl.Series(ids, dtype=pl.String), "text_hash": pl.Series(text_hashes, dtype=pl.String)})
    n = current.height
    if np.shape(X)[0] != n or current["id"].n_unique() != n:
        raise ValueError(f"need one unique id and one text hash per row, got {np.shape(X)[0]} rows and {n} ids")
    k = max(0, min(k, n - 1))
    reusable, stored_neighbours, stored_similarities = _reusable_lists(current, stored, k)
    fresh = np.flatnonzero(~_in(n, _kept_rows(current, stored)))
    recompute = np.flatnonzero(~_in(n, reusable))
    X = _normalized(np.asarray(X, dtype=np.float32))
    neighbours = np.empty((n, k), dtype=np.int64)
    similarities = np.empty((n, k), dtype=np.float32)
    neighbours[recompute], similarities[recompute] = _lists(X, k, recompute)
    if reusable.size:
        neighbours[reusable], similarities[reusable] = _merged(
            X, reusable, stored_neighbours, stored_similarities, fresh, k
        )
    lists = pl.DataFrame({
        "id": current["id"].gather(np.repeat(np.arange(n), k)),
        "text_hash": current["text_hash"].gather(np.repeat(np.arange(n), k)),
        "neighbour": current["id"].gather(neighbours.ravel()),
        "similarity": pl.Series(similarities.ravel(), dtype=pl.Float32),
    })
    return lists, int(recompute.size)


def graph_from_neighbour_lists(
    lists: pl.DataFrame, ids: Sequence[str] | pl.Series, min_similarity: float = 0.5
) -> pl.DataFrame:
    """The undirected graph of neighbour lists, as `knn_graph` builds it from the same lists.

    Args:
        lists: ``id, neighbour, similarity`` from `update_neighbour_lists`.
        ids: Node ids in row order (sources are the earlier rows).
        min_similarity: Weakest similarity kept.

    Returns:
        Edges ``source, target, weight`` (the larger of the two directions' similarities, rounded to
        6 decimals), sorted by source row then target row.
    """
    ids = pl.Series("id", ids, dtype=pl.String)
    n = ids.len()
    row = pl.DataFrame({"id": ids, "row": np.arange(n, dtype=np.int64)})
    ends = (
        lists.select("id", "neighbour", pl.col("similarity").cast(pl.Float64).alias("weight"))
        .filter(pl.col("weight") >= min_similarity)
        .join(row, on="id").join(row.rename({"id": "neighbour", "row": "other"}), on="neighbour")
    )
    src, dst, weight = ends["row"].to_numpy(), ends["other"].to_numpy(), ends["weight"].to_numpy()
    pair, weight = unique_pairs(src, dst, weight, n)  # as knn_graph: one edge per pair, the larger similarity
    return pl.DataFrame({
        "source": ids.gather(pair // n) if pair.size else ids.clear(),
        "target": ids.gather(pair % n) if pair.size else ids.clear(),
        "weight": pl.Series(weight, dtype=pl.Float64),
    })


def _in(n: int, rows: np.ndarray) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    mask[rows] = True
    return mask


def _kept_rows(current: pl.DataFrame, stored: pl.DataFrame | None) -> np.ndarray:
    """Rows whose id and text the stored lists know."""
    if stored is None or not stored.height:
        return np.zeros(0, dtype=np.int64)
    nodes = stored.select("id", "text_hash").unique("id")
    return current.with_row_index("row").join(nodes, on=["id", "text_hash"], how="semi")["row"].to_numpy().astype(np.int64)


def _reusable_lists(
    current: pl.DataFrame, stored: pl.DataFrame | None, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows whose stored list is complete and names only kept rows, with those lists as current rows."""
    empty = np.zeros(0, dtype=np.int64)
    if stored is None or not stored.height or not k:
        return empty, np.zeros((0, k), np.int64), np.zeros((0, k), np.float32)
    stored_nodes = stored["id"].n_unique()
    length = min(k, stored_nodes - 1)
    kept = current.with_row_index("row").join(
        stored.select("id", "text_hash").unique("id"), on=["id", "text_hash"], how="semi"
    ).select("id", "row")
    mapped = (
        stored.select("id", "neighbour", "similarity").with_row_index("order")
        .join(kept, on="id")
        .join(kept.rename({"id": "neighbour", "row": "other"}), on="neighbour", how="left")
    )
    complete = (
        mapped.group_by("row").agg(pl.len().alias("entries"), pl.col("other").is_not_null().sum().alias("known"))
        .filter((pl.col("entries") == length) & (pl.col("known") == length))
    )
    rows = mapped.join(complete.select("row"), on="row", how="semi").sort("row", "order")
    reusable = rows["row"].unique(maintain_order=True).to_numpy().astype(np.int64)
    return (reusable, rows["other"].to_numpy().astype(np.int64).reshape(-1, length),
            rows["similarity"].to_numpy().astype(np.float32).reshape(-1, length))


def _merged(
    X: np.ndarray, rows: np.ndarray, stored_neighbours: np.ndarray, stored_similarities: np.ndarray,
    fresh: np.ndarray, k: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Top k of each row's stored list and its best fresh rows, ties to the earlier row as `knn_graph` breaks them.

    X is normalized already.
    """
    out_neighbours = np.empty((rows.size, k), dtype=np.int64)
    out_similarities = np.empty((rows.size, k), dtype=np.float32)
    width = min(k, fresh.size)
    block = max(1, min(rows.size, _BLOCK_BYTES // (4 * max(fresh.size, 1))))
    for start in range(0, rows.size, block):
        stop = min(rows.size, start + block)
        candidates, values = stored_neighbours[start:stop], stored_similarities[start:stop]
        if width:
            S = X[rows[start:stop]] @ X[fresh].T
            best, best_values = _top_k(S, width)
            candidates = np.hstack([candidates, fresh[best]])
            values = np.hstack([values, best_values])
        # Candidates in row order, so that _top_k's column order is row order.
        order = np.argsort(candidates, axis=1, kind="stable")
        candidates = np.take_along_axis(candidates, order, axis=1)
        values = np.take_along_axis(values, order, axis=1)
        chosen, out_similarities[start:stop] = _top_k(values, k)
        out_neighbours[start:stop] = np.take_along_axis(candidates, chosen, axis=1)
    return out_neighbours, out_similarities
