"""The Dagster code location: every asset, check, job, schedule, sensor and resource of the pipeline."""

import dagster as dg

from roadmap_pipeline import defs as defs_package
from roadmap_pipeline.defs.indicators.assets import INDICATORS, YEARLY
from roadmap_pipeline.defs.jobs import stage_jobs
from roadmap_pipeline.defs.refresh import after, after_dependencies, monthly_refresh, refresh_automation
from roadmap_pipeline.defs.resources import default_resources
from roadmap_pipeline.defs.taxonomy.review import verdicts_sensor
from roadmap_pipeline.defs.taxonomy.sensors import taxonomy_sensor

# Every asset and check defined under defs/: a new asset is written in its module and nowhere else.
_loaded = dg.load_assets_from_package_module(defs_package)
_observed = [a for a in _loaded if isinstance(a, dg.SourceAsset)]  # the taxonomy file, the verdicts folder


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


assets = [*dg.map_asset_specs(_automation, [a for a in _loaded if a not in _observed]), *_observed]


def build_definitions(resources: dict | None = None) -> dg.Definitions:
    """The code location with `resources` (default: configured from the ROADMAP_* variables)."""
    return dg.Definitions(
        assets=assets,
        asset_checks=dg.load_asset_checks_from_package_module(defs_package),
        jobs=stage_jobs(assets),
        schedules=[monthly_refresh],
        sensors=[taxonomy_sensor, verdicts_sensor, refresh_automation],
        resources=resources or default_resources(),
    )


defs = build_definitions()
