"""Resources: the DuckDB warehouse and where files live."""


from contextlib import contextmanager

import dagster as dg

from roadmap_pipeline import settings
from roadmap_pipeline.lib import warehouse
from roadmap_pipeline.lib.embeddings import Embedder, EmbeddingCache, HashingEmbedder, embedder_for
from roadmap_pipeline.lib.taxonomy import Taxonomy, load_taxonomy


class Warehouse(dg.ConfigurableResource):
    """The DuckDB warehouse file; connections are opened briefly, one writer at a time."""

    path: str

    @contextmanager
    def connect(self):
        with warehouse.connect(self.path) as conn:
            yield conn


class TaxonomyFile(dg.ConfigurableResource):
    """The taxonomy YAML: categories, subclasses, their search expressions and exclusions."""

    path: str

    def load(self) -> Taxonomy:
        return load_taxonomy(self.path)


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
        "warehouse": Warehouse(path=str(settings.warehouse_path())),
        "landing_zone": LandingZone(raw_dir=str(settings.raw_dir()), artifacts_dir=str(settings.artifacts_dir())),
        "taxonomy_file": TaxonomyFile(path=str(settings.taxonomy_path())),
        "embeddings": Embeddings(model=settings.embedding_model(), backend=settings.embedding_backend(),
                                 cache_dir=str(settings.artifacts_dir() / "embeddings")),
    }
