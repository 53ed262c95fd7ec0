"""Analysts in the loop: the review workbooks, the verdicts folder as an observed source, and its sensor.

The pipeline writes a review workbook per subclass (and one with a sheet per subclass); the analyst
returns it, filled in, to the labels folder; `verdicts_sensor` reads the folder, records an
observation of `taxonomy/analyst_verdicts` when any verdict changed, and requests one run of the
subclass job for exactly each subclass whose verdicts changed.
"""

import hashlib
import json
from pathlib import Path

import dagster as dg
import polars as pl
from dagster_duckdb import DuckDBResource

from roadmap_pipeline import settings
from roadmap_pipeline.defs.jobs import SUBCLASS_JOB
from roadmap_pipeline.defs.partitions import subclass_partitions
from roadmap_pipeline.defs.resources import LandingZone, TaxonomyFile
from roadmap_pipeline.defs.taxonomy.assets import ANALYST_VERDICTS
from roadmap_pipeline.defs.taxonomy.sensors import DATA_VERSION_TAG, FAMILIES
from roadmap_pipeline.lib.markdown import markdown_table
from roadmap_pipeline.lib.review import GUIDE, Verdicts, folder_state, read_verdicts, review_rows, write_review_workbook
from roadmap_pipeline.lib.taxonomy import Taxonomy, TaxonomyError
from roadmap_pipeline.lib.warehouse import load_sql, run_sql

SUBCLASS_PATENTS = dg.AssetKey(["taxonomy", "subclass_patents"])
REVIEW_WORKBOOKS = dg.AssetKey(["taxonomy", "review_workbooks"])
ALL_SUBCLASSES_WORKBOOK = "review_all_subclasses.xlsx"
# Problems listed in the metadata; the rest are counted (the log has them all).
_PROBLEMS_SHOWN = 50


def verdicts_observation(taxonomy: Taxonomy, folder: Path) -> tuple[Verdicts, dg.DataVersion, dict]:
    """The folder's verdicts, their data version (a hash of every subclass's verdicts) and metadata."""
    verdicts = read_verdicts(folder, taxonomy.subclass_keys)
    digests = {key: verdicts.digest(key) for key in taxonomy.subclass_keys}
    version = hashlib.sha256(json.dumps(digests, sort_keys=True).encode()).hexdigest()[:16]
    return verdicts, dg.DataVersion(version), {
        "folder": dg.MetadataValue.path(str(folder)),
        "files": ", ".join(verdicts.files) or "(none)",
        "verdicts": dg.MetadataValue.md(markdown_table(
            ["subclass", "valid", "noise", "digest"],
            [(key, sum(v.valid for v in verdicts.of(key).values()), sum(not v.valid for v in verdicts.of(key).values()),
              digests[key]) for key in taxonomy.subclass_keys],
        )),
        "rows not used": len(verdicts.problems),
        "problems": _problems_markdown(verdicts),
    }


def _problems_markdown(verdicts: Verdicts) -> dg.MetadataValue:
    shown = [(p.where, p.message) for p in verdicts.problems[:_PROBLEMS_SHOWN]]
    more = len(verdicts.problems) - len(shown)
    text = markdown_table(["where", "why the verdict was not used"], shown) if shown else "(none)"
    return dg.MetadataValue.md(text + (f"\n\n… and {more} more (see the run log)" if more > 0 else ""))


@dg.observable_source_asset(
    key=ANALYST_VERDICTS,
    group_name="taxonomy",
    description="The analysts' verdicts (valid / noise) on screened candidates: review workbooks and CSV files "
    "in the labels folder (ROADMAP_LABELS_DIR). Its data version is a hash of every subclass's verdicts, "
    "observed by verdicts_sensor when they change.",
)
def analyst_verdicts(taxonomy_file: TaxonomyFile) -> dg.ObserveResult:
    taxonomy = taxonomy_file.load_or_fail()
    _, version, metadata = verdicts_observation(taxonomy, settings.labels_dir())
    return dg.ObserveResult(data_version=version, metadata=metadata)


@dg.asset(
    key=REVIEW_WORKBOOKS,
    group_name="taxonomy",
    deps=[SUBCLASS_PATENTS, ANALYST_VERDICTS],
    pool="duckdb",
    kinds={"duckdb", "excel"},
    code_version="1",
    check_specs=[dg.AssetCheckSpec("every_verdict_row_used", asset=REVIEW_WORKBOOKS)],
)
def review_workbooks(
    context: dg.AssetExecutionContext, warehouse: DuckDBResource, taxonomy_file: TaxonomyFile, landing_zone: LandingZone
) -> dg.MaterializeResult:
    """Review workbooks: one per subclass and one with a sheet per subclass, every candidate in order of review.

    The analyst's view of valid-patent screening (유효특허 선별): each candidate with its texts, terms
    hit, relevance and current verdict (model or analyst), the least certain first, and a column for
    the analyst's verdict. Returned to the labels folder, the verdicts rescreen their subclass
    (verdicts_sensor). Written from taxonomy.subclass_patents whenever a subclass is screened.
    """
    taxonomy = taxonomy_file.load()
    verdicts = read_verdicts(settings.labels_dir(), taxonomy.subclass_keys)
    judged = sorted({family for key in taxonomy.subclass_keys for family in verdicts.of(key)})
    with warehouse.get_connection() as conn:
        run_sql(conn, "taxonomy_schema")  # a table written before verdicts were read back gains their columns
        candidates = conn.execute(load_sql("review_candidates")).pl()
        known = {r[0] for r in conn.execute(
            "SELECT family_id FROM core.families WHERE list_contains($ids, family_id)", {"ids": judged}).fetchall()}
    for key in taxonomy.subclass_keys:
        verdicts.drop_unknown_families(key, known)
    problems = _problems_markdown(verdicts)
    folder = Path(landing_zone.artifacts_dir) / "review"
    sheets, counts = {}, []
    for subclass in taxonomy.subclasses:
        rows = review_rows(candidates.filter(pl.col("subclass_key") == subclass.key))
        if not rows.height:
            continue
        sheets[subclass.key] = (subclass.name_ko, rows)
        write_review_workbook({subclass.key: sheets[subclass.key]}, folder / f"{subclass.key}.xlsx", GUIDE)
        judged = int(rows["verdict"].is_not_null().sum())
        counts.append((subclass.key, rows.height, judged, int((rows["current_verdict"] == "valid").sum())))
    everything = write_review_workbook(sheets, folder / ALL_SUBCLASSES_WORKBOOK, GUIDE)
    for problem in verdicts.problems:
        context.log.warning(f"verdict not used: {problem}")
    context.log.info(f"review workbooks of {len(sheets)} subclasses in {folder}")
    return dg.MaterializeResult(
        metadata={
            "folder": dg.MetadataValue.path(str(folder)),
            "all subclasses": dg.MetadataValue.path(str(everything)),
            "dagster/row_count": sum(c[1] for c in counts),
            "candidates": dg.MetadataValue.md(markdown_table(["subclass", "candidates", "judged by an analyst",
                                                              "valid now"], counts)),
        },
        check_results=[dg.AssetCheckResult(
            check_name="every_verdict_row_used", asset_key=REVIEW_WORKBOOKS, passed=not verdicts.problems,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"rows not used": len(verdicts.problems), "problems": problems},
            description=f"{len(verdicts.problems)} verdict row(s) in the labels folder were not used" if verdicts.problems else None,
        )],
    )


def _read_cursor(cursor: str | None) -> tuple[str | None, str | None, dict[str, str] | None]:
    """(folder state, data version, subclass → digest of its verdicts) the sensor saw last; Nones before
    the first tick."""
    if not cursor:
        return None, None, None
    state = json.loads(cursor)
    return state["state"], state["version"], state["subclasses"]


@dg.sensor(
    job_name=SUBCLASS_JOB,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Reads the analysts' verdicts in the labels folder; records an observation of "
    "taxonomy/analyst_verdicts when they changed and requests one run of taxonomy/subclass_patents for "
    "exactly each subclass whose verdicts changed; the automation does the rest.",
)
def verdicts_sensor(context: dg.SensorEvaluationContext, taxonomy_file: TaxonomyFile):
    try:
        taxonomy = taxonomy_file.load()
    except TaxonomyError as error:
        return dg.SkipReason(f"the taxonomy file cannot be used, nothing requested: {error}")
    folder = settings.labels_dir()
    state = f"{folder_state(folder)}:{taxonomy.version}:{','.join(taxonomy.subclass_keys)}"
    seen_state, seen_version, seen = _read_cursor(context.cursor)
    if state == seen_state:
        return dg.SkipReason(f"no file in {folder} added, removed or saved since the last tick")
    verdicts, version, metadata = verdicts_observation(taxonomy, folder)
    current = {key: verdicts.digest(key) for key in taxonomy.subclass_keys}
    cursor = json.dumps({"state": state, "version": version.value, "subclasses": current}, sort_keys=True)
    observations = [] if version.value == seen_version else [
        dg.AssetObservation(ANALYST_VERDICTS, metadata=metadata, tags={DATA_VERSION_TAG: version.value})]
    for problem in verdicts.problems:
        context.log.warning(f"verdict not used: {problem}")
    known = set(context.instance.get_dynamic_partitions(subclass_partitions.name))
    # The first tick only records what is there: the subclasses were screened with those verdicts. A
    # subclass new to the taxonomy is the taxonomy sensor's to run (its screening reads the verdicts).
    changed = [] if seen is None else [key for key in taxonomy.subclass_keys
                                       if key in known and key in seen and current[key] != seen[key]]
    if not changed or context.instance.get_latest_materialization_event(FAMILIES) is None:
        reason = (f"verdicts changed for {', '.join(changed)}, but no families are screened yet" if changed
                  else f"no verdict changed ({len(verdicts.files)} file(s), {len(verdicts.problems)} row(s) not used)")
        return dg.SensorResult(skip_reason=reason, asset_events=observations, cursor=cursor)
    context.log.info(f"verdicts changed for: {', '.join(changed)}")
    # A run of subclass_patents alone, named in the run: the automation updates what depends on it (a run
    # of the whole job would count as one without the downstream assets, which would then run twice).
    requests = [dg.RunRequest(partition_key=key, run_key=f"verdicts:{key}:{current[key]}",
                              asset_selection=[SUBCLASS_PATENTS], tags={"roadmap/verdicts": current[key]})
                for key in changed]
    return dg.SensorResult(run_requests=requests, asset_events=observations, cursor=cursor)
