"""Configuration from environment variables, with the project's defaults."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
# Relative paths are taken from the source checkout when running from one, else from the current folder
# (a non-editable install must not write its data into site-packages).
PROJECT_ROOT = PACKAGE_DIR.parent if (PACKAGE_DIR.parent / "pyproject.toml").is_file() else Path.cwd()
# The embedded default taxonomy ships inside the package.
DEFAULT_TAXONOMY = PACKAGE_DIR / "taxonomies" / "manufacturing_ai.yaml"


def _path(variable: str, default: str) -> Path:
    value = os.environ.get(variable) or default
    path = Path(value)
    return path if path.is_absolute() else PROJECT_ROOT / path


def raw_dir() -> Path:
    """Landing zone: ``<OFFICE>/<YYYY-MM>/<files>``."""
    return _path("ROADMAP_RAW_DIR", "data/raw")


def warehouse_path() -> Path:
    """The DuckDB file."""
    return _path("ROADMAP_WAREHOUSE", "data/warehouse/roadmap.duckdb")


def artifacts_dir() -> Path:
    """Parquet intermediates, embeddings, reports."""
    return _path("ROADMAP_ARTIFACTS", "data/artifacts")


def taxonomy_path() -> Path:
    """The taxonomy YAML (categories, subclasses, search expressions)."""
    return _path("ROADMAP_TAXONOMY", str(DEFAULT_TAXONOMY))


def labels_dir() -> Path:
    """Analyst-labelled families per subclass: ``<subclass_key>.csv`` with family_id,label."""
    return _path("ROADMAP_LABELS_DIR", "data/labels")


def corpora_dir() -> Path:
    """Real patent text corpora (CSV) the benchmarks read; beside the project by default."""
    return _path("ROADMAP_CORPORA", "../shared/corpora")


def embedding_model() -> str:
    """A packaged model's short name (`lib.embeddings.PACKAGED_MODELS`), or a sentence-transformers
    model name or directory; unset, the packaged default chosen on real text (see the README)."""
    from roadmap_pipeline.lib.embeddings import DEFAULT_MODEL

    return os.environ.get("ROADMAP_EMBEDDING_MODEL") or DEFAULT_MODEL


def embedding_backend() -> str:
    """"sentence-transformers" (default) or "hashing", a bag-of-words stand-in for quick operational checks."""
    return os.environ.get("ROADMAP_EMBEDDING_BACKEND") or "sentence-transformers"


def refresh_cron() -> str:
    """Cron expression (Asia/Seoul) of the monthly refresh; by default the 5th at 03:00, after the deliveries."""
    return os.environ.get("ROADMAP_REFRESH_CRON") or "0 3 5 * *"
