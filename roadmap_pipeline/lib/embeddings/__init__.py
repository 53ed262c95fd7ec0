"""Text embeddings for screening and topics: swappable embedders and a cache keyed by (model, text hash).

A refresh embeds only new or changed texts: `embed_with_cache` looks every text up in an
`EmbeddingCache` by `(embedder.model_id, text_hash(text))` and sends only the missing ones to the model.
"""

from roadmap_pipeline.lib.embeddings.cache import CacheLookup, EmbeddingCache, text_hash
from roadmap_pipeline.lib.embeddings.cached import EmbeddingStats, embed_with_cache
from roadmap_pipeline.lib.embeddings.embedders import (
    PACKAGED_MODEL_NAME,
    Embedder,
    EmbeddingModelUnavailable,
    HashingEmbedder,
    SentenceTransformerEmbedder,
)

__all__ = [
    "PACKAGED_MODEL_NAME",
    "CacheLookup",
    "Embedder",
    "EmbeddingCache",
    "EmbeddingModelUnavailable",
    "EmbeddingStats",
    "HashingEmbedder",
    "SentenceTransformerEmbedder",
    "embed_with_cache",
    "text_hash",
]
