"""Resources: the DuckDB warehouse and where files live."""


from contextlib import contextmanager

import dagster as dg

from roadmap_pipeline import settings
from roadmap_pipeline.lib import warehouse


class Warehouse(dg.ConfigurableResource):
    """The DuckDB warehouse file; connections are opened briefly, one writer at a time."""

    path: str

    @contextmanager
    def connect(self):
        with warehouse.connect(self.path) as conn:
            yield conn


class LandingZone(dg.ConfigurableResource):
    """Folders the pipeline reads raw dumps from and writes intermediates to."""

    raw_dir: str
    artifacts_dir: str


def default_resources() -> dict:
    """Resources configured from the ROADMAP_* environment variables."""
    return {
        "warehouse": Warehouse(path=str(settings.warehouse_path())),
        "landing_zone": LandingZone(raw_dir=str(settings.raw_dir()), artifacts_dir=str(settings.artifacts_dir())),
    }
