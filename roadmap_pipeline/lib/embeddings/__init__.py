"""Text embeddings for screening and topics: swappable embedders and a cache keyed by (model, text hash).

A refresh embeds only new or changed texts: `embed_with_cache` looks every text up in an
`EmbeddingCache` by `(embedder.model_id, text_hash(text))` and sends only the missing ones to the model.
`embedder_for` turns a ROADMAP_EMBEDDING_MODEL value into an embedder; `top1_retrieval` measures one
on paired real texts.
"""

from roadmap_pipeline.lib.embeddings.cache import CacheLookup, EmbeddingCache, text_hash
from roadmap_pipeline.lib.embeddings.cached import EmbeddingStats, embed_with_cache
from roadmap_pipeline.lib.embeddings.embedders import (
    DEFAULT_MODEL,
    PACKAGED_MODEL_NAME,
    PACKAGED_MODELS,
    E5SmallEmbedder,
    Embedder,
    EmbeddingModelUnavailable,
    HashingEmbedder,
    SentenceTransformerEmbedder,
    UniversalSentenceEncoderEmbedder,
    embedder_for,
)
from roadmap_pipeline.lib.embeddings.evaluation import Retrieval, top1_retrieval

__all__ = [
    "DEFAULT_MODEL",
    "PACKAGED_MODELS",
    "PACKAGED_MODEL_NAME",
    "CacheLookup",
    "E5SmallEmbedder",
    "Embedder",
    "EmbeddingCache",
    "EmbeddingModelUnavailable",
    "EmbeddingStats",
    "HashingEmbedder",
    "Retrieval",
    "SentenceTransformerEmbedder",
    "UniversalSentenceEncoderEmbedder",
    "embed_with_cache",
    "embedder_for",
    "text_hash",
    "top1_retrieval",
]
