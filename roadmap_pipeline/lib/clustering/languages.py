"""Taking the language out of multilingual embeddings before they are clustered.

A multilingual model places every text of one language a little apart from the others along a
direction of that language, whatever the text says (Libovický et al., "On the Language Neutrality
of Pre-trained Multilingual Representations", 2020, remove it by centering each language). In a
subclass with Korean, Japanese and Chinese families beside English ones, density clustering then
finds languages before topics: a Korean family about bearing faults lands among Korean families,
not in the bearing-fault cluster of its English siblings. `remove_language_offsets` moves each
language's rows by its offset from the rows of the most frequent language (their means' difference)
before reduction and clustering; the most frequent language's rows stay as they are.

Measured on the demo corpus (planted valid families of every subclass, PCA to 5 dimensions +
HDBSCAN, USE multilingual v3): mean adjusted Rand index against the planted sub-topics 0.284 as is,
0.422 centring every language on the mean of all rows, 0.433 moving each onto the most frequent
language; Korean families in the cluster of most English families of their sub-topic 0.09, 0.43,
0.45. The English families alone scored 0.393, 0.451, 0.454: they cluster better without the
native families spread across them as separate language groups.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# A language of n rows moves by n / (n + LANGUAGE_PRIOR) of its offset: the mean of a few families
# says more about their topics than about their language (one Japanese family would otherwise be
# moved onto the mean of all rows and lose its topic).
LANGUAGE_PRIOR = 10


def remove_language_offsets(
    X: np.ndarray, languages: Sequence[str | None], prior: float = LANGUAGE_PRIOR
) -> np.ndarray:
    """Rows moved by their language's offset from the most frequent language, renormalized.

    Args:
        X: (n, d) L2-normalized embeddings.
        languages: (n,) the language of each row's text; None (unknown) is a language of its own.
        prior: Shrinkage: a language of n rows is moved by ``n / (n + prior)`` of its offset.

    Returns:
        float32 (n, d), rows L2-normalized; the rows of the most frequent language (ties: the first
        in sorted order) as they were, and `X` itself when all rows share one language.

    Raises:
        ValueError: When `languages` does not have one entry per row.
    """
    X = np.asarray(X, dtype=np.float32)
    keys = np.array(["" if lang is None else str(lang) for lang in languages], dtype=object)
    if len(keys) != len(X):
        raise ValueError(f"{len(keys)} languages given for {len(X)} rows")
    groups, counts = np.unique(keys, return_counts=True)
    if len(groups) < 2:
        return X
    majority = groups[counts.argmax()]
    reference = X[keys == majority].mean(axis=0)
    moved = X.copy()
    for key, n in zip(groups, counts):
        if key == majority:
            continue
        rows = keys == key
        moved[rows] -= (X[rows].mean(axis=0) - reference) * (n / (n + prior))
        moved[rows] /= np.maximum(np.linalg.norm(moved[rows], axis=1, keepdims=True), 1e-12)
    return moved
