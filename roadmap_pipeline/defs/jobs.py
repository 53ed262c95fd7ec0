"""Jobs: the stages as an operator runs them, in this order.

1. ``raw_monthly``: delivery months (monthly partitions) of all five sources into the raw tables.
2. ``core_refresh``: documents, families and the searchable texts, rebuilt from every loaded month.
3. ``subclass_backfill``: the per-subclass assets (taxonomy_subclass partitions), one run per subclass.
4. ``roadmap_report``: the cross-subclass indicator table and the report.

A job cannot span two partitionings, hence the split; `roadmap materialize` runs them in turn.
"""

import dagster as dg

from roadmap_pipeline.defs.taxonomy.sensors import SUBCLASS_JOB

REPORT_JOB = "roadmap_report"

raw_monthly_job = dg.define_asset_job(
    "raw_monthly",
    selection=dg.AssetSelection.groups("raw"),
    description="Parse delivery months (monthly partitions) of all five sources into the raw tables.",
)


def build_jobs(subclass_assets) -> list:
    """The jobs, given the assets partitioned by subclass."""
    per_subclass = dg.AssetSelection.assets(*subclass_assets)
    core = dg.AssetSelection.groups("raw").downstream(include_self=False) - per_subclass.downstream()
    return [
        raw_monthly_job,
        dg.define_asset_job(
            "core_refresh",
            selection=core,
            description="Rebuild documents, families and search texts from every loaded month.",
        ),
        dg.define_asset_job(
            SUBCLASS_JOB,
            selection=per_subclass,
            description="Screen, cluster and count one taxonomy subclass; the taxonomy sensor starts it for new subclasses.",
        ),
        dg.define_asset_job(
            REPORT_JOB,
            selection=per_subclass.downstream(include_self=False),
            description="Indicators across all subclasses and the roadmap report (HTML, Excel, CSV/Parquet).",
        ),
    ]
