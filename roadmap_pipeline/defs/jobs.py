"""Jobs: the monthly raw ingestion and the refresh of everything downstream of it."""

import dagster as dg

raw_monthly_job = dg.define_asset_job(
    "raw_monthly",
    selection=dg.AssetSelection.groups("raw"),
    description="Parse delivery months (monthly partitions) of all five sources into the raw tables.",
)

downstream_job = dg.define_asset_job(
    "downstream_refresh",
    selection=dg.AssetSelection.groups("raw").downstream(include_self=False),
    description="Rebuild every asset downstream of the raw layer from all loaded months.",
)
