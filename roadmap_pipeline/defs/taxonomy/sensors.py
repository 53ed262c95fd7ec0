"""The taxonomy sensor: observes the taxonomy file, and a subclass added to (or changed in) it is backfilled alone.

The sensor writes the subclass's row (taxonomy/subclasses) and nothing more; the automation
conditions then screen, cluster and count that partition alone, and refresh the indicators and the
report after it (defs/refresh.py). Its runs name their assets: Dagster counts a run of the whole job
as one that did not include the downstream assets, which would then run a second time.
"""

import json

import dagster as dg

from roadmap_pipeline.defs.jobs import SUBCLASS_JOB
from roadmap_pipeline.defs.partitions import subclass_partitions
from roadmap_pipeline.defs.resources import TaxonomyFile
from roadmap_pipeline.defs.taxonomy.assets import TAXONOMY_FILE, file_observation
from roadmap_pipeline.lib.taxonomy import TaxonomyError

FAMILIES = dg.AssetKey(["core", "families"])  # what the screening reads: before it exists, nothing to screen
SUBCLASSES = dg.AssetKey(["taxonomy", "subclasses"])
# The tag an observation's data version travels in (what ObserveResult(data_version=...) writes).
DATA_VERSION_TAG = "dagster/data_version"


def _read_cursor(cursor: str | None) -> tuple[str | None, dict[str, str]]:
    """(file version, subclass fingerprints) the sensor saw last."""
    state = json.loads(cursor) if cursor else {}
    return state.get("file"), state.get("subclasses", {})


@dg.sensor(
    job_name=SUBCLASS_JOB,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Reads the taxonomy file; records an observation of taxonomy/taxonomy_file when its content "
    "changed, adds a taxonomy_subclass partition for each new subclass and writes its row of "
    "taxonomy/subclasses (as for a subclass whose definition changed); the automation does the rest.",
)
def taxonomy_sensor(context: dg.SensorEvaluationContext, taxonomy_file: TaxonomyFile):
    try:
        taxonomy = taxonomy_file.load()
    except TaxonomyError as error:
        return dg.SkipReason(f"the taxonomy file cannot be used, nothing requested: {error}")
    data_version, metadata = file_observation(taxonomy)
    seen_version, seen = _read_cursor(context.cursor)
    current = {s.key: s.fingerprint for s in taxonomy.subclasses}
    cursor = json.dumps({"file": data_version.value, "subclasses": current}, sort_keys=True)
    observations = [] if data_version.value == seen_version else [dg.AssetObservation(
        TAXONOMY_FILE, metadata=metadata, tags={DATA_VERSION_TAG: data_version.value})]
    known = set(context.instance.get_dynamic_partitions(subclass_partitions.name))
    new = [key for key in current if key not in known]
    # A known subclass whose definition changed since the sensor last saw it is screened again;
    # on the first tick there is nothing to compare with, so only new keys run.
    changed = [key for key, print_ in current.items() if key in known and key in seen and seen[key] != print_]
    removed = sorted(known - set(current))
    adds = [subclass_partitions.build_add_request(new)] if new else []
    if not new and not changed:
        note = f"; {len(removed)} partition(s) no longer in the file: {', '.join(removed)}" if removed else ""
        reason = f"taxonomy {taxonomy.path} unchanged: {len(current)} subclasses{note}"
        if not observations:
            context.update_cursor(cursor)
            return dg.SkipReason(reason)
        return dg.SensorResult(skip_reason=reason, asset_events=observations, cursor=cursor)
    context.log.info(f"new subclasses: {new or 'none'}; changed: {changed or 'none'}")
    requests = [dg.RunRequest(partition_key=key, run_key=f"{key}:{current[key]}", asset_selection=[SUBCLASSES],
                              tags={"roadmap/taxonomy": taxonomy.key}) for key in [*new, *changed]]
    return dg.SensorResult(run_requests=requests, dynamic_partitions_requests=adds, asset_events=observations,
                           cursor=cursor)
