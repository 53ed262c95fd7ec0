"""Embedding cache: append-only Parquet shards per model, keyed by the hash of the embedded text.

Layout: ``<directory>/<model dir>/part-<time_ns>-<random>.parquet`` with columns ``text_hash``
(String) and ``embedding`` (Binary: the vector's float32 values, little-endian; the dimension is in
the file's key-value metadata). Both choices come from bench/embedding_bench.py: Parquet shards over a
DuckDB table, because the warehouse allows one read-write process while embedding runs in several
processes at once (and DuckDB was slower at every step); raw float32 bytes over a FLOAT list column,
because Parquet decodes a list value by value with repetition levels, which made lookups and reads
several times slower. Each write is a new file written under a temporary name and renamed, so
concurrent writers never see each other's partial files; readers tolerate a hash stored twice.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
import polars as pl

SHARD_PATTERN = "part-*.parquet"
# lz4: embeddings barely compress, and zstd doubles the write time for a few percent of space.
_COMPRESSION = "lz4"
_FLOAT = np.dtype("<f4")
_DIMENSION_KEY = "embedding_dimension"
# Rows per row group of a merged shard (6 MiB of 384-d vectors): the sink buffers a whole group.
_COMPACTED_ROW_GROUP = 4096
# A compaction elsewhere may delete the shards a reader just listed; it then lists again.
_READ_ATTEMPTS = 5

_T = TypeVar("_T")


def text_hash(text: str) -> str:
    """Cache key of a text: blake2b (16 bytes) of its UTF-8 bytes, as 32 hex characters.

    Args:
        text: The exact text given to the embedder; any change, whitespace included, is a new key.

    Returns:
        The hex digest.
    """
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


@dataclass(frozen=True)
class CacheLookup:
    """Vectors found for a list of hashes, aligned with it.

    Attributes:
        found: bool array (n,), True where the hash is stored.
        vectors: float32 array (n, d); rows not found are zeros. d is 0 when the model has nothing
            stored yet.
    """

    found: np.ndarray
    vectors: np.ndarray


class EmbeddingCache:
    """Stored embeddings by (model_id, text hash), in Parquet shards under one directory.

    Args:
        directory: Root of the cache; one subdirectory per model.
        max_shards: When a write leaves more shards than this for a model, they are merged into one.
    """

    def __init__(self, directory: str | Path, max_shards: int = 16) -> None:
        self.directory = Path(directory)
        self.max_shards = max_shards

    def model_directory(self, model_id: str) -> Path:
        """Directory of one model's shards (model ids with unsafe characters get a hashed suffix)."""
        return self.directory / _directory_name(model_id)

    def shards(self, model_id: str) -> list[Path]:
        """The model's shard files, oldest first."""
        return sorted(self.model_directory(model_id).glob(SHARD_PATTERN))

    def lookup(self, model_id: str, hashes: Sequence[str]) -> CacheLookup:
        """Finds stored vectors.

        Args:
            model_id: The embedder's model_id.
            hashes: Text hashes, repeats allowed.

        Returns:
            The vectors aligned with hashes, and which were found.
        """
        wanted = pl.Series("text_hash", list(hashes), dtype=pl.String)
        found = np.zeros(len(wanted), dtype=bool)
        dimension = self._stored_dimension(model_id)
        stored = self._read(
            model_id,
            lambda scan: _with_vectors(
                scan.filter(pl.col("text_hash").is_in(wanted.implode()))
                .unique("text_hash", keep="first", maintain_order=True),
                dimension,
            ).collect(),
        )
        if stored is None or dimension is None:
            return CacheLookup(found, np.zeros((len(wanted), 0), dtype=np.float32))
        vectors = np.zeros((len(wanted), dimension), dtype=np.float32)
        hits = wanted.to_frame().with_row_index("position").join(stored, on="text_hash", how="inner")
        if hits.height:
            positions = hits["position"].to_numpy()
            found[positions] = True
            vectors[positions] = hits["embedding"].to_numpy()
        return CacheLookup(found, vectors)

    def add(self, model_id: str, hashes: Sequence[str], vectors: np.ndarray) -> Path | None:
        """Stores vectors as one new shard, then compacts if the model has too many shards.

        Args:
            model_id: The embedder's model_id.
            hashes: Text hashes, one per row of vectors.
            vectors: float32 array (len(hashes), d).

        Returns:
            The new shard, or None when there was nothing to store.

        Raises:
            ValueError: Shapes disagree, or d differs from the vectors already stored for model_id.
        """
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[0] != len(hashes) or vectors.shape[1] == 0:
            raise ValueError(f"expected {len(hashes)} vectors of d > 0 values, got shape {vectors.shape}")
        if not len(hashes):
            return None
        stored_dimension = self._stored_dimension(model_id)
        if stored_dimension not in (None, vectors.shape[1]):
            raise ValueError(
                f"{model_id!r} has {stored_dimension}-dimensional vectors stored, not {vectors.shape[1]}"
            )
        directory = self.model_directory(model_id)
        directory.mkdir(parents=True, exist_ok=True)
        label = directory / "model_id.txt"
        if not label.exists():
            label.write_text(model_id + "\n", encoding="utf-8")
        encoded = [row.tobytes() for row in vectors.astype(_FLOAT, copy=False)]
        frame = pl.DataFrame(
            [pl.Series("text_hash", list(hashes), dtype=pl.String),
             pl.Series("embedding", encoded, dtype=pl.Binary)]
        ).unique("text_hash", keep="first", maintain_order=True)
        shard = _publish(
            directory,
            lambda path: frame.write_parquet(path, **_write_options(vectors.shape[1])),
        )
        if len(self.shards(model_id)) > self.max_shards:
            self.compact(model_id)
        return shard

    def read_all(self, model_id: str) -> tuple[list[str], np.ndarray]:
        """Every stored vector of a model, each hash once.

        Returns:
            The hashes and a float32 array (n, d) aligned with them; d is 0 when nothing is stored.
        """
        dimension = self._stored_dimension(model_id)
        stored = self._read(
            model_id,
            lambda scan: _with_vectors(
                scan.unique("text_hash", keep="first", maintain_order=True), dimension
            ).collect(),
        )
        if stored is None or dimension is None:
            return [], np.zeros((0, 0), dtype=np.float32)
        return stored["text_hash"].to_list(), stored["embedding"].to_numpy(writable=True)

    def compact(self, model_id: str) -> int:
        """Merges the model's shards into one, each hash once.

        Safe beside other writers and compactions: the merged shard is published before any input is
        deleted, and an input deleted meanwhile by another compaction abandons this one. Vectors are
        streamed through in small row groups; only the hashes are held in memory.

        Returns:
            The number of shards merged (0 when there was nothing to do or another compaction won).
        """
        shards = self.shards(model_id)
        dimension = self._stored_dimension(model_id)
        if len(shards) < 2 or dimension is None:
            return 0

        def write_merged(path: Path) -> None:
            rows = pl.scan_parquet(shards).with_row_index("row")
            # A plain unique() would hold every vector in memory; dropping repeats by row number streams.
            repeats = (
                rows.select("row", "text_hash")
                .filter(pl.col("row") != pl.col("row").min().over("text_hash"))
                .collect()["row"]
            )
            rows.filter(~pl.col("row").is_in(repeats.implode())).drop("row").sink_parquet(
                path, row_group_size=_COMPACTED_ROW_GROUP, **_write_options(dimension)
            )

        try:
            _publish(self.model_directory(model_id), write_merged)
        except FileNotFoundError:
            return 0
        for shard in shards:
            shard.unlink(missing_ok=True)
        return len(shards)

    def _read(self, model_id: str, query: Callable[[pl.LazyFrame], _T]) -> _T | None:
        for attempt in range(_READ_ATTEMPTS):
            shards = self.shards(model_id)
            if not shards:
                return None
            try:
                return query(pl.scan_parquet(shards))
            except FileNotFoundError:
                if attempt == _READ_ATTEMPTS - 1:
                    raise
        return None

    def _stored_dimension(self, model_id: str) -> int | None:
        for shard in self.shards(model_id):
            try:
                return int(pl.read_parquet_metadata(shard)[_DIMENSION_KEY])
            except FileNotFoundError:
                continue
        return None


def _write_options(dimension: int) -> dict:
    # Statistics off: min/max of random hashes and of vector bytes prune nothing.
    return {
        "compression": _COMPRESSION,
        "statistics": False,
        "metadata": {_DIMENSION_KEY: str(dimension), "embedding_encoding": "float32 little-endian"},
    }


def _with_vectors(frame: pl.LazyFrame, dimension: int | None) -> pl.LazyFrame:
    """The frame with its raw embedding bytes read as float32 vectors (left as is when unknown)."""
    if dimension is None:
        return frame
    return frame.with_columns(
        pl.col("embedding").bin.reinterpret(dtype=pl.Array(pl.Float32, dimension), endianness="little")
    )


def _publish(directory: Path, write: Callable[[Path], object]) -> Path:
    """Writes a shard under a temporary name, then renames it into place (atomic on one filesystem)."""
    temporary = directory / f".tmp-{uuid.uuid4().hex}.parquet"
    try:
        write(temporary)
        shard = directory / f"part-{time.time_ns():020d}-{uuid.uuid4().hex[:8]}.parquet"
        os.replace(temporary, shard)
    finally:
        temporary.unlink(missing_ok=True)
    return shard


def _directory_name(model_id: str) -> str:
    if not model_id:
        raise ValueError("model_id must not be empty")
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", model_id)
    if safe != model_id or safe.startswith("."):
        # Distinct ids such as "org/model" and "org_model" must not share a directory.
        safe = f"{safe.lstrip('.')}-{hashlib.blake2b(model_id.encode(), digest_size=4).hexdigest()}"
    return safe
