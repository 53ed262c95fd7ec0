"""The Dagster code location: every asset, check, job, schedule, sensor and resource of the pipeline."""

import dagster as dg

from roadmap_pipeline.defs.core.assets import documents
from roadmap_pipeline.defs.core.checks import family_checks
from roadmap_pipeline.defs.core.families import families, family_members
from roadmap_pipeline.defs.indicators.assets import subclass_indicators
from roadmap_pipeline.defs.jobs import jobs, subclass_assets
from roadmap_pipeline.defs.raw.assets import raw_assets
from roadmap_pipeline.defs.refresh import monthly_refresh, refresh_chain
from roadmap_pipeline.defs.reports.assets import roadmap_report
from roadmap_pipeline.defs.resources import default_resources
from roadmap_pipeline.defs.taxonomy.assets import search_texts
from roadmap_pipeline.defs.taxonomy.sensors import taxonomy_sensor


def build_definitions(resources: dict | None = None) -> dg.Definitions:
    """The code location with `resources` (default: configured from the ROADMAP_* variables)."""
    return dg.Definitions(
        assets=[*raw_assets, documents, family_members, families, search_texts, *subclass_assets,
                subclass_indicators, roadmap_report],
        asset_checks=family_checks,
        jobs=jobs,
        schedules=[monthly_refresh],
        sensors=[taxonomy_sensor, refresh_chain],
        resources=resources or default_resources(),
    )


defs = build_definitions()
