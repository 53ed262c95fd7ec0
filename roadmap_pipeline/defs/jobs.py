"""Jobs: the asset graph cut where its partitioning changes, in the order the pieces run.

A run covers one partitioning, so the graph is cut into stages: each asset goes to the earliest
stage its dependencies allow (and a stage's first assets as late as their dependents allow, so that
`taxonomy/subclasses` runs with the subclass assets it feeds). With today's graph:

1. ``raw_monthly``: delivery months (monthly partitions) of every source; the schedule's target,
   and the job to backfill months from the UI.
2. ``core_refresh``: documents, families and search texts: the new months merged, the families
   they reach recomputed.
3. ``subclass_backfill``: the per-subclass assets, one run per taxonomy_subclass partition (the
   taxonomy sensor's runs write a new or changed subclass's row with it).
4. ``roadmap_report``: indicators across all subclasses and the report.

In a running instance the automation conditions (defs/refresh.py) decide what runs after the raw
month; `roadmap materialize` runs the stages in turn in process. Nothing here lists assets: a new
asset joins the stage its partitions and dependencies put it in.
"""

from __future__ import annotations

from collections import defaultdict
from graphlib import TopologicalSorter
from typing import NamedTuple

import dagster as dg

from roadmap_pipeline.defs.partitions import monthly_partitions, subclass_partitions
from roadmap_pipeline.defs.refresh import RAW_JOB

CORE_JOB, SUBCLASS_JOB, REPORT_JOB = "core_refresh", "subclass_backfill", "roadmap_report"
# Stage names by partitioning, in the order stages of that partitioning come.
_NAMES = {monthly_partitions: [RAW_JOB], subclass_partitions: [SUBCLASS_JOB], None: [CORE_JOB, REPORT_JOB]}
_DESCRIPTIONS = {
    RAW_JOB: "Parse delivery months (monthly partitions) of every source into the raw tables.",
    CORE_JOB: "Merge the new months into documents, recompute the families they reach and their search texts.",
    SUBCLASS_JOB: "Screen, cluster and count one taxonomy subclass (one partition per run).",
    REPORT_JOB: "Indicators across all subclasses and the roadmap report (HTML, Excel, CSV/Parquet).",
}


class Stage(NamedTuple):
    """Assets of one partitioning that run together, after every stage before them."""

    name: str
    partitions_def: dg.PartitionsDefinition | None
    keys: list[dg.AssetKey]


def stages(assets: list) -> list[Stage]:
    """The stages of the graph that `assets` (definitions and source assets) make, in the order they run."""
    materialized = [a for a in assets if isinstance(a, dg.AssetsDefinition) and a.is_materializable]
    partitioning = {key: a.partitions_def for a in materialized for key in a.keys}
    parents = {spec.key: [d.asset_key for d in spec.deps if d.asset_key in partitioning]
               for a in materialized for spec in a.specs}
    children = defaultdict(list)
    for key, keys in parents.items():
        for parent in keys:
            children[parent].append(key)
    order = list(TopologicalSorter(parents).static_order())

    def cut(parent: dg.AssetKey, child: dg.AssetKey) -> int:
        return int(partitioning[parent] != partitioning[child])

    level: dict[dg.AssetKey, int] = {}
    for key in order:
        level[key] = max((level[p] + cut(p, key) for p in parents[key]), default=0)
    for key in reversed(order):
        if children[key]:
            level[key] = min(level[c] - cut(key, c) for c in children[key])
    grouped: dict[tuple[int, int], list[dg.AssetKey]] = defaultdict(list)
    partitionings = list(dict.fromkeys(partitioning[key] for key in order))
    for key in order:
        grouped[level[key], partitionings.index(partitioning[key])].append(key)
    result, used = [], defaultdict(int)
    for (number, kind), keys in sorted(grouped.items()):
        partitions_def = partitionings[kind]
        names = _NAMES.get(partitions_def, [])
        name = names[used[partitions_def]] if used[partitions_def] < len(names) else f"stage_{number + 1}_{kind}"
        used[partitions_def] += 1
        result.append(Stage(name, partitions_def, sorted(keys, key=lambda k: k.to_user_string())))
    return result


def stage_jobs(assets: list) -> list[dg.UnresolvedAssetJobDefinition]:
    """One job per stage of the graph that `assets` make."""
    return [
        dg.define_asset_job(stage.name, selection=dg.AssetSelection.assets(*stage.keys),
                            description=_DESCRIPTIONS.get(stage.name))
        for stage in stages(assets)
    ]
