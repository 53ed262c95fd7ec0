"""Taking the language out of multilingual embeddings before they are clustered.

A multilingual model places every text of one language a little apart from the others along a
direction of that language, whatever the text says (Libovický et al., "On the Language Neutrality
of Pre-trained Multilingual Representations", 2020, remove it by centering each language). In a
subclass with Korean, Japanese and Chinese families beside English ones, density clustering then
finds languages before topics: a Korean family about bearing faults lands among Korean families,
not in the bearing-fault cluster of its English siblings. `remove_language_offsets` subtracts each
language's offset (its mean minus the mean of all rows) before reduction and clustering.
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
    """Rows with their language's offset from the mean of all rows removed, renormalized.

    Args:
        X: (n, d) L2-normalized embeddings.
        languages: (n,) the language of each row's text; None (unknown) is a language of its own.
        prior: Shrinkage: a language of n rows is moved by ``n / (n + prior)`` of its offset.

    Returns:
        float32 (n, d), rows L2-normalized; `X` unchanged when all rows share one language.

    Raises:
        ValueError: When `languages` does not have one entry per row.
    """
    X = np.asarray(X, dtype=np.float32)
    keys = np.array(["" if lang is None else str(lang) for lang in languages], dtype=object)
    if len(keys) != len(X):
        raise ValueError(f"{len(keys)} languages given for {len(X)} rows")
    groups = np.unique(keys)
    if len(groups) < 2:
        return X
    overall = X.mean(axis=0)
    centred = X.copy()
    for key in groups:
        rows = keys == key
        n = int(rows.sum())
        centred[rows] -= (X[rows].mean(axis=0) - overall) * (n / (n + prior))
    norms = np.linalg.norm(centred, axis=1, keepdims=True)
    return centred / np.where(norms > 0, norms, 1.0)
