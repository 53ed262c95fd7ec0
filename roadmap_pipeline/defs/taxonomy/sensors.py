"""The taxonomy sensor: a subclass added to (or changed in) the taxonomy file is backfilled alone."""

import json

import dagster as dg

from roadmap_pipeline.defs.partitions import subclass_partitions
from roadmap_pipeline.defs.resources import TaxonomyFile
from roadmap_pipeline.lib.taxonomy import TaxonomyError

SUBCLASS_JOB = "subclass_backfill"  # the job itself is in defs/jobs.py, which imports this stage's assets
FAMILIES = dg.AssetKey(["core", "families"])


@dg.sensor(
    job_name=SUBCLASS_JOB,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Reads the taxonomy file; adds a taxonomy_subclass partition for each new subclass and "
    "requests a run of the subclass assets for it alone (and for a subclass whose definition changed).",
)
def taxonomy_sensor(context: dg.SensorEvaluationContext, taxonomy_file: TaxonomyFile):
    try:
        taxonomy = taxonomy_file.load()
    except TaxonomyError as error:
        return dg.SkipReason(f"the taxonomy file cannot be used, nothing requested: {error}")
    known = set(context.instance.get_dynamic_partitions(subclass_partitions.name))
    seen: dict[str, str] = json.loads(context.cursor) if context.cursor else {}
    current = {s.key: s.fingerprint for s in taxonomy.subclasses}
    new = [key for key in current if key not in known]
    # A known subclass whose definition changed since the sensor last saw it is screened again;
    # on the first tick there is nothing to compare with, so only new keys run.
    changed = [key for key, print_ in current.items() if key in known and key in seen and seen[key] != print_]
    removed = sorted(known - set(current))
    if not new and not changed:
        context.update_cursor(json.dumps(current, sort_keys=True))
        note = f"; {len(removed)} partition(s) no longer in the file: {', '.join(removed)}" if removed else ""
        return dg.SkipReason(f"taxonomy {taxonomy.path} unchanged: {len(current)} subclasses{note}")
    context.log.info(f"new subclasses: {new or 'none'}; changed: {changed or 'none'}")
    # On a fresh instance there are no families to screen yet: the partitions are added now and
    # refresh_chain runs them after the first core refresh.
    if context.instance.get_latest_materialization_event(FAMILIES) is None:
        return dg.SensorResult(
            skip_reason=f"{len(new)} partition(s) added; no core/families yet, so refresh_chain will run them "
            "after the first core refresh",
            dynamic_partitions_requests=[subclass_partitions.build_add_request(new)] if new else [],
            cursor=json.dumps(current, sort_keys=True),
        )
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(partition_key=key, run_key=f"{key}:{current[key]}", tags={"roadmap/taxonomy": taxonomy.key})
            for key in [*new, *changed]
        ],
        dynamic_partitions_requests=[subclass_partitions.build_add_request(new)] if new else [],
        cursor=json.dumps(current, sort_keys=True),
    )
