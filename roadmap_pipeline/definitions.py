"""The Dagster code location: every asset, check, job and resource of the pipeline."""

import dagster as dg

from roadmap_pipeline.defs.core.assets import documents
from roadmap_pipeline.defs.core.checks import family_checks
from roadmap_pipeline.defs.core.families import families, family_members
from roadmap_pipeline.defs.jobs import downstream_job, raw_monthly_job
from roadmap_pipeline.defs.raw.assets import raw_assets
from roadmap_pipeline.defs.resources import default_resources

defs = dg.Definitions(
    assets=[*raw_assets, documents, family_members, families],
    asset_checks=family_checks,
    jobs=[raw_monthly_job, downstream_job],
    resources=default_resources(),
)
