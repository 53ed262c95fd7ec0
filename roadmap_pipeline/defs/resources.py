"""Resources: the DuckDB warehouse and where files live."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from roadmap_pipeline import settings
from roadmap_pipeline.lib.embeddings import Embedder, EmbeddingCache, HashingEmbedder, embedder_for
from roadmap_pipeline.lib.taxonomy import Taxonomy, TaxonomyError, load_taxonomy
from roadmap_pipeline.lib.warehouse import memory_limit


class Warehouse(DuckDBResource):
    """dagster-duckdb's resource, closing its connection also when the code using it raises.

    DuckDBResource closes only on success; a failed step would otherwise keep the file locked until
    the connection is garbage-collected, and the next writer would wait for it.
    """

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with super().get_connection() as conn:
            try:
                yield conn
            finally:
                conn.close()


def warehouse_resource(path: str | Path) -> Warehouse:
    """The DuckDB warehouse file as dagster-duckdb's resource, with DuckDB's memory limit set.

    DuckDB allows one read-write process per file: callers keep connections brief, and
    `get_connection` retries with exponential backoff (about 100 s in all) while another process
    holds the file. The memory limit is checked here, so that a bad ROADMAP_DUCKDB_MEMORY fails
    when the definitions load, with the variable named, rather than inside a run.

    Raises:
        ValueError: ROADMAP_DUCKDB_MEMORY is not a memory size DuckDB accepts.
    """
    limit = memory_limit()
    try:
        duckdb.connect(config={"memory_limit": limit}).close()
    except duckdb.ParserException as exc:
        raise ValueError(f"ROADMAP_DUCKDB_MEMORY={limit!r} is not a memory size such as 4GB: {exc}") from None
    # DuckDB creates the file but not its folder; a missing folder would be retried as if locked.
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return Warehouse(database=str(path), connection_config={"memory_limit": limit})


def connect(path: str | Path):
    """A short-lived read-write connection to the warehouse at `path`, for code outside a run."""
    return warehouse_resource(path).get_connection()


class TaxonomyFile(dg.ConfigurableResource):
    """The taxonomy YAML: categories, subclasses, their search expressions and exclusions."""

    path: str

    def load(self) -> Taxonomy:
        return load_taxonomy(self.path)

    def load_or_fail(self) -> Taxonomy:
        """The taxonomy, or a step failure saying why the file cannot be used."""
        try:
            return self.load()
        except TaxonomyError as error:
            raise dg.Failure(description=f"the taxonomy file cannot be used: {error}") from None


class Embeddings(dg.ConfigurableResource):
    """The embedding model and the cache of its vectors (keyed by model and text hash).

    `model` is a packaged model's short name or a sentence-transformers model, loaded offline; None is
    the packaged default. `batch_size` None keeps the model's own. `backend` "hashing" swaps in a
    deterministic bag-of-words embedder for fast tests; it is never the default.
    """

    model: str | None = None
    batch_size: int | None = None
    device: str = "cpu"
    backend: str = "sentence-transformers"
    cache_dir: str

    def embedder(self) -> Embedder:
        if self.backend == "hashing":
            return HashingEmbedder()
        if self.backend != "sentence-transformers":
            raise ValueError(f"unknown embedding backend {self.backend!r}: sentence-transformers or hashing")
        return embedder_for(self.model, batch_size=self.batch_size, device=self.device)

    def cache(self) -> EmbeddingCache:
        return EmbeddingCache(self.cache_dir)


class LandingZone(dg.ConfigurableResource):
    """Folders the pipeline reads raw dumps from and writes intermediates to."""

    raw_dir: str
    artifacts_dir: str


def default_resources() -> dict:
    """Resources configured from the ROADMAP_* environment variables."""
    return {
        "warehouse": warehouse_resource(settings.warehouse_path()),
        "landing_zone": LandingZone(raw_dir=str(settings.raw_dir()), artifacts_dir=str(settings.artifacts_dir())),
        "taxonomy_file": TaxonomyFile(path=str(settings.taxonomy_path())),
        "embeddings": Embeddings(model=settings.embedding_model(), backend=settings.embedding_backend(),
                                 cache_dir=str(settings.artifacts_dir() / "embeddings")),
    }
