"""The Dagster code location: every asset, check, job, sensor and resource of the pipeline."""

import dagster as dg

from roadmap_pipeline.defs.core.assets import documents
from roadmap_pipeline.defs.core.checks import family_checks
from roadmap_pipeline.defs.core.families import families, family_members
from roadmap_pipeline.defs.jobs import build_jobs
from roadmap_pipeline.defs.raw.assets import raw_assets
from roadmap_pipeline.defs.resources import default_resources
from roadmap_pipeline.defs.taxonomy.assets import search_texts, subclass_patents, subclasses
from roadmap_pipeline.defs.taxonomy.sensors import taxonomy_sensor
from roadmap_pipeline.defs.topics.assets import patent_network, topic_assets
from roadmap_pipeline.defs.indicators.assets import subclass_facts, subclass_indicators
from roadmap_pipeline.defs.reports.assets import roadmap_report

subclass_assets = [subclasses, subclass_patents, topic_assets, patent_network, subclass_facts]


def build_definitions(resources: dict | None = None) -> dg.Definitions:
    """The code location with `resources` (default: configured from the ROADMAP_* variables)."""
    return dg.Definitions(
        assets=[*raw_assets, documents, family_members, families, search_texts, *subclass_assets,
                subclass_indicators, roadmap_report],
        asset_checks=family_checks,
        jobs=build_jobs(subclass_assets),
        sensors=[taxonomy_sensor],
        resources=resources or default_resources(),
    )


defs = build_definitions()
