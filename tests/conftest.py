from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


def pipeline_definitions(root: Path, taxonomy: Path | None = None, backend: str = "sentence-transformers"):
    """The code location on a landing zone under `root`, with its own warehouse, artifacts and taxonomy."""
    from roadmap_pipeline import settings
    from roadmap_pipeline.definitions import build_definitions
    from roadmap_pipeline.defs.resources import Embeddings, LandingZone, TaxonomyFile, warehouse_resource

    return build_definitions({
        "warehouse": warehouse_resource(str(root / "wh.duckdb")),
        "landing_zone": LandingZone(raw_dir=str(root / "raw"), artifacts_dir=str(root / "artifacts")),
        "taxonomy_file": TaxonomyFile(path=str(taxonomy or settings.taxonomy_path())),
        "embeddings": Embeddings(backend=backend, cache_dir=str(root / "artifacts" / "embeddings")),
    })


@pytest.fixture(scope="session")
def definitions_for():
    """`pipeline_definitions` for tests that build their own landing zone."""
    return pipeline_definitions


@pytest.fixture(scope="session")
def demo_pipeline(tmp_path_factory):
    """The demo corpus (default size and seed) run through every stage with the packaged model, once per session.

    Returns (root, definitions, instance); the warehouse is root / "wh.duckdb". Tests only read it.
    """
    import dagster as dg

    from roadmap_pipeline.demo.synthetic import generate_corpus
    from roadmap_pipeline.run import materialize_landing_zone

    root = tmp_path_factory.mktemp("demo")
    generate_corpus(root / "raw")
    definitions = pipeline_definitions(root)
    instance = dg.DagsterInstance.ephemeral()
    assert materialize_landing_zone(instance=instance, definitions=definitions) == 0
    return root, definitions, instance
