"""The Dagster code location: every asset, check, job, schedule, sensor and resource of the pipeline."""

import dagster as dg

from roadmap_pipeline.defs.core.assets import documents
from roadmap_pipeline.defs.core.checks import family_checks
from roadmap_pipeline.defs.core.families import families, family_members
from roadmap_pipeline.defs.indicators.assets import INDICATORS, YEARLY, subclass_facts, subclass_indicators
from roadmap_pipeline.defs.jobs import stage_jobs
from roadmap_pipeline.defs.raw.assets import raw_assets
from roadmap_pipeline.defs.refresh import after, after_dependencies, monthly_refresh, refresh_automation
from roadmap_pipeline.defs.reports.assets import roadmap_report
from roadmap_pipeline.defs.resources import default_resources
from roadmap_pipeline.defs.taxonomy.assets import search_texts, subclass_patents, subclasses, taxonomy_source
from roadmap_pipeline.defs.taxonomy.review import analyst_verdicts, review_workbooks, verdicts_sensor
from roadmap_pipeline.defs.taxonomy.sensors import taxonomy_sensor
from roadmap_pipeline.defs.topics.assets import topic_assets
from roadmap_pipeline.defs.topics.network import patent_network

_assets = [*raw_assets, documents, family_members, families, search_texts, subclasses, subclass_patents,
           review_workbooks, topic_assets, patent_network, subclass_facts, subclass_indicators, roadmap_report]


def _automation(spec: dg.AssetSpec) -> dg.AssetSpec:
    """The raw months come from the schedule; the report follows the indicator tables, which follow every
    subclass; every other asset updates after its dependencies."""
    if spec.group_name == "raw":
        return spec
    if spec.group_name == "reports":
        condition = after(dg.AssetSelection.assets(INDICATORS, YEARLY), "after the indicator tables")
    else:
        condition = after_dependencies()
    return spec.replace_attributes(automation_condition=condition)


assets = [*dg.map_asset_specs(_automation, _assets), taxonomy_source, analyst_verdicts]


def build_definitions(resources: dict | None = None) -> dg.Definitions:
    """The code location with `resources` (default: configured from the ROADMAP_* variables)."""
    return dg.Definitions(
        assets=assets,
        asset_checks=family_checks,
        jobs=stage_jobs(assets),
        schedules=[monthly_refresh],
        sensors=[taxonomy_sensor, verdicts_sensor, refresh_automation],
        resources=resources or default_resources(),
    )


defs = build_definitions()
