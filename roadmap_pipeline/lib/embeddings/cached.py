"""Embed through the cache: only texts that no earlier run embedded with the same model reach it."""

from __future__ import annotations

from typing import TypedDict

import numpy as np

from roadmap_pipeline.lib.embeddings.cache import EmbeddingCache, text_hash
from roadmap_pipeline.lib.embeddings.embedders import Embedder

# Missing texts are embedded and stored in chunks, so an interrupted run keeps what it finished.
DEFAULT_CHUNK_SIZE = 10_000


class EmbeddingStats(TypedDict):
    """What one call did; over distinct texts, embedded + reused == distinct."""

    texts: int
    distinct: int
    embedded: int
    reused: int


def embed_with_cache(
    embedder: Embedder,
    cache: EmbeddingCache,
    texts: list[str],
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> tuple[np.ndarray, EmbeddingStats]:
    """Embeds texts, reusing cached vectors and storing new ones.

    Identical texts within the call are embedded once. The model is not touched (nor loaded) when
    every text is cached.

    Args:
        embedder: The model; its model_id keys the cache.
        cache: Where vectors are looked up and added.
        texts: Texts to embed, in order.
        chunk_size: Missing texts embedded and stored per step.

    Returns:
        float32 array (len(texts), d) aligned with texts, and the call's counts.
    """
    position_of: dict[str, int] = {}
    distinct_texts: list[str] = []
    rows = np.empty(len(texts), dtype=np.int64)
    for i, text in enumerate(texts):
        key = text_hash(text)
        row = position_of.get(key)
        if row is None:
            row = position_of[key] = len(distinct_texts)
            distinct_texts.append(text)
        rows[i] = row
    distinct_hashes = list(position_of)

    stats = EmbeddingStats(texts=len(texts), distinct=len(distinct_texts), embedded=0, reused=0)
    if not distinct_texts:
        return np.zeros((0, embedder.dimension), dtype=np.float32), stats

    cached = cache.lookup(embedder.model_id, distinct_hashes)
    missing = np.flatnonzero(~cached.found)
    stats["reused"] = len(distinct_texts) - len(missing)
    vectors = cached.vectors
    for start in range(0, len(missing), chunk_size):
        chunk = missing[start : start + chunk_size]
        encoded = embedder.encode([distinct_texts[j] for j in chunk])
        if encoded.ndim != 2 or len(encoded) != len(chunk):
            raise ValueError(f"{embedder.model_id!r} returned shape {encoded.shape} for {len(chunk)} texts")
        if vectors.shape[1] != encoded.shape[1]:
            if stats["reused"]:
                raise ValueError(
                    f"cached vectors of {embedder.model_id!r} have {vectors.shape[1]} values, "
                    f"the model gives {encoded.shape[1]}"
                )
            vectors = np.zeros((len(distinct_texts), encoded.shape[1]), dtype=np.float32)
        vectors[chunk] = encoded
        cache.add(embedder.model_id, [distinct_hashes[j] for j in chunk], encoded)
        stats["embedded"] += len(chunk)
    return vectors[rows], stats
