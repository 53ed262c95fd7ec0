"""Jobs: the stages as an operator runs them, in this order.

1. ``raw_monthly``: delivery months (monthly partitions) of all five sources into the raw tables.
2. ``core_refresh``: documents, families and the searchable texts, rebuilt from every loaded month.
3. ``subclass_backfill``: the per-subclass assets (taxonomy_subclass partitions), one run per subclass.
4. ``roadmap_report``: the cross-subclass indicator table and the report.

A job cannot span two partitionings, hence the split; `roadmap materialize` runs them in turn, and
in a running instance the monthly schedule starts the first and the refresh sensor the others.
"""

import dagster as dg

from roadmap_pipeline.defs.indicators.assets import subclass_facts
from roadmap_pipeline.defs.taxonomy.assets import subclass_patents, subclasses
from roadmap_pipeline.defs.taxonomy.sensors import SUBCLASS_JOB
from roadmap_pipeline.defs.topics.assets import topic_assets
from roadmap_pipeline.defs.topics.network import patent_network

RAW_JOB, CORE_JOB, REPORT_JOB = "raw_monthly", "core_refresh", "roadmap_report"

subclass_assets = [subclasses, subclass_patents, topic_assets, patent_network, subclass_facts]
_per_subclass = dg.AssetSelection.assets(*subclass_assets)

raw_monthly_job = dg.define_asset_job(
    RAW_JOB,
    selection=dg.AssetSelection.groups("raw"),
    description="Parse delivery months (monthly partitions) of all five sources into the raw tables.",
)
core_refresh_job = dg.define_asset_job(
    CORE_JOB,
    selection=dg.AssetSelection.groups("raw").downstream(include_self=False) - _per_subclass.downstream(),
    description="Rebuild documents, families and search texts from every loaded month.",
)
subclass_job = dg.define_asset_job(
    SUBCLASS_JOB,
    selection=_per_subclass,
    description="Screen, cluster and count one taxonomy subclass; the taxonomy sensor starts it for new subclasses.",
)
report_job = dg.define_asset_job(
    REPORT_JOB,
    selection=_per_subclass.downstream(include_self=False),
    description="Indicators across all subclasses and the roadmap report (HTML, Excel, CSV/Parquet).",
)
jobs = [raw_monthly_job, core_refresh_job, subclass_job, report_job]
