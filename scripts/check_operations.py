"""The monthly refresh for real: a live `dagster dev` (webserver + daemon) runs a schedule tick through
the automation conditions alone, then a subclass added to the taxonomy file.

Usage: python scripts/check_operations.py [--instance deploy/postgres/dagster.yaml] [--documents 800]

On a temporary landing zone (a SYNTHETIC corpus delivered as one month: the month before today, the
one the schedule asks for), warehouse, taxonomy (two subclasses) and DAGSTER_HOME (a copy of
--instance; default the repository's dagster.yaml, SQLite), with the schedule's cron set to one
minute about two minutes ahead (ROADMAP_REFRESH_CRON), so that exactly one tick comes:
1. the taxonomy sensor adds the subclass partitions, observes the taxonomy file and writes the
   subclass rows (there are no families to screen yet);
2. the schedule's tick starts raw_monthly for that month; nothing else is launched by hand: the
   automation sensor starts core, every subclass partition, then the indicators and the report;
3. a third subclass is added to the taxonomy file: the taxonomy sensor runs it alone, and the
   automation the indicators and the report after it.
Then checks, from the instance's event log: every run succeeded, no DuckDB lock error in any run's log,
the raw run used the multiprocess executor, every asset partition was materialized exactly once (the
indicator and report assets once per step), nothing ran after the last report, the taxonomy file's
observations carry the file's SHA-256, and the automation's evaluation of every automated asset that
ran names the dependency whose update started it (what the UI's Automation tab shows). Prints the
figures (JSON); exit 0 when every check holds.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dagster_dev import ROOT, graphql, running_dagster_dev  # noqa: E402  (a script's sibling module)
from roadmap_pipeline.settings import DEFAULT_TAXONOMY  # noqa: E402

TAXONOMY = DEFAULT_TAXONOMY
SUBCLASSES = ["health.diagnosis", "inspection.visual_inspection"]
ADDED = "health.prediction"
_LOCK_ERROR = re.compile(r"Could not set lock|Conflicting lock", re.IGNORECASE)
_MULTIPROCESS = "Executing steps using multiprocess executor"
_POOL_WAIT = "Step blocked by limit for pool duckdb"
# What the UI's Automation tab shows for an asset: each evaluation that requested it, and within it
# the sub-conditions that held, down to the dependency whose update counted.
_EVALUATIONS = """
query($key: AssetKeyInput!) {
  assetConditionEvaluationRecordsOrError(assetKey: $key, limit: 200) {
    __typename
    ... on AssetConditionEvaluationRecords {
      records { numRequested evaluationNodes { userLabel expandedLabel numTrue entityKey { ... on AssetKey { path } } } }
    }
  }
}
"""


def _wait(condition, what: str, timeout: float, every: float = 5):
    """Poll `condition` until it returns something truthy; progress on stderr."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        value = condition()
        if value:
            print(f"  {what}: {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
            return value
        time.sleep(every)
    raise TimeoutError(f"waited {timeout:.0f} s for {what}")


def deliver_as_one_month(corpus: Path, raw: Path, month: str) -> int:
    """Move every dump file of `corpus` into `raw`/<OFFICE>/`month`/; returns the number of files."""
    moved = 0
    for office in (p for p in corpus.iterdir() if p.is_dir()):
        target = raw / office.name / month
        target.mkdir(parents=True, exist_ok=True)
        for file in sorted(office.rglob("*")):
            if file.is_file():
                name = file.name if not (target / file.name).exists() else f"{file.parent.name}-{file.name}"
                file.rename(target / name)
                moved += 1
    for extra in (p for p in corpus.iterdir() if p.is_file()):  # the ground truth beside the offices
        extra.rename(raw / extra.name)
    return moved


def _log_texts(instance, run_id: str):
    for entry in instance.all_logs(run_id):
        text = entry.user_message or ""
        event = entry.dagster_event
        error = getattr(getattr(event, "event_specific_data", None), "error", None) if event else None
        yield text + (f" {error.message}" if error is not None else "")


def _unfinished(instance) -> int:
    import dagster as dg

    return len(instance.get_run_ids(dg.RunsFilter(statuses=[
        dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING,
        dg.DagsterRunStatus.STARTED])))


def _failed(instance) -> list[str]:
    import dagster as dg

    return [f"{r.job_name} {r.tags.get('dagster/partition', '')} {r.run_id}"
            for r in instance.get_runs(dg.RunsFilter(statuses=[dg.DagsterRunStatus.FAILURE]))]


def materializations(instance, keys) -> Counter:
    """Materializations per (asset, partition) in the instance's event log."""
    import dagster as dg

    counts = Counter()
    for key in keys:
        records = instance.fetch_materializations(dg.AssetRecordsFilter(asset_key=key), limit=1000).records
        counts.update((key.to_user_string(), r.partition_key) for r in records)
    return counts


def _reports(instance) -> int:
    import dagster as dg

    return len(instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=dg.AssetKey(["reports", "roadmap_report"])), limit=10).records)


def summarize(instance) -> dict:
    """Runs by what launched them and their status, lock errors, executors, pool waits."""
    runs, lock_errors, multiprocess_raw, pool_waits = [], [], 0, 0
    for record in instance.get_run_records():
        run = record.dagster_run
        texts = list(_log_texts(instance, run.run_id))
        lock_errors += [f"{run.job_name} {run.run_id[:8]}: {t[:200]}" for t in texts if _LOCK_ERROR.search(t)]
        pool_waits += sum(_POOL_WAIT in t for t in texts)
        multiprocess_raw += run.job_name == "raw_monthly" and any(_MULTIPROCESS in t for t in texts)
        launched_by = run.tags.get("dagster/schedule_name") or run.tags.get("dagster/sensor_name") or "by hand"
        runs.append({"job": run.job_name, "by": launched_by, "partition": run.tags.get("dagster/partition"),
                     "status": run.status.value, "start": record.start_time, "end": record.end_time,
                     "assets": sorted(k.to_user_string() for k in run.asset_selection or [])})
    return {
        "runs": dict(Counter(f"{r['by']}: {r['job']} {r['status']}" for r in runs)),
        "lock_errors": lock_errors,
        "raw_runs_multiprocess": multiprocess_raw,
        "steps_that_waited_for_pool_duckdb": pool_waits,
        "details": sorted(runs, key=lambda r: r["start"] or 0),
    }


def automation_reasons(port: int, keys) -> dict[str, list[str]]:
    """For each asset, the dependencies the automation found updated in each evaluation that requested it."""
    reasons = {}
    for key in keys:
        answer = graphql(port, _EVALUATIONS, {"key": {"path": key.path}})
        result = (answer.get("data") or {}).get("assetConditionEvaluationRecordsOrError") or {}
        if "records" not in result:
            raise RuntimeError(f"automation evaluations of {key.to_user_string()}: {json.dumps(answer)[:500]}")
        reasons[key.to_user_string()] = [
            ", ".join(sorted({"/".join(node["entityKey"]["path"]) for node in record["evaluationNodes"]
                              if node["numTrue"] and node["entityKey"]["path"] != key.path})) or "?"
            for record in result["records"] if record["numRequested"]
        ]
    return reasons


def check(work: Path, instance_yaml: Path, port: int, documents: int, timeout: float) -> tuple[dict, list[str]]:
    """Run the scenario in `work`; returns (figures, problems)."""
    import dagster as dg

    from roadmap_pipeline.definitions import defs
    from roadmap_pipeline.defs.jobs import stages
    from roadmap_pipeline.defs.partitions import subclass_partitions
    from roadmap_pipeline.defs.refresh import AUTOMATION_SENSOR, previous_month
    from roadmap_pipeline.defs.taxonomy.assets import TAXONOMY_FILE, file_version
    from roadmap_pipeline.demo.synthetic import generate_corpus
    from roadmap_pipeline.lib.taxonomy import write_subset

    home, taxonomy = work / "dagster_home", work / "taxonomy.yaml"
    home.mkdir()
    shutil.copy(instance_yaml, home / "dagster.yaml")
    generate_corpus(work / "corpus", documents)
    tick = (datetime.now(ZoneInfo("Asia/Seoul")) + timedelta(seconds=120)).replace(second=0, microsecond=0)
    month = previous_month(tick)
    files = deliver_as_one_month(work / "corpus", work / "raw", month)
    write_subset(TAXONOMY, SUBCLASSES, taxonomy)
    env = {
        "ROADMAP_RAW_DIR": str(work / "raw"), "ROADMAP_WAREHOUSE": str(work / "warehouse" / "roadmap.duckdb"),
        "ROADMAP_ARTIFACTS": str(work / "artifacts"), "ROADMAP_TAXONOMY": str(taxonomy),
        "ROADMAP_EMBEDDING_BACKEND": os.environ.get("ROADMAP_EMBEDDING_BACKEND", "hashing"),
        "ROADMAP_REFRESH_CRON": f"{tick.minute} {tick.hour} {tick.day} {tick.month} *",
    }
    os.environ["DAGSTER_HOME"] = str(home)  # this process reads the same instance (and DAGSTER_PG_URL)
    instance = dg.DagsterInstance.from_config(str(home))
    graph = defs.resolve_asset_graph()
    keys = sorted(graph.materializable_asset_keys, key=lambda k: k.to_user_string())
    problems: list[str] = []
    figures: dict = {"month": month, "files": files}
    started = time.time()
    with running_dagster_dev(home, port, env):
        try:
            _wait(lambda: _failed(instance) or _reports(instance) == 1 and not _unfinished(instance),
                  f"schedule tick for {month}, then raw, core, subclasses, indicators and report", timeout)
            figures["refresh_seconds"] = round(time.time() - started, 1)
            first = materializations(instance, keys)
            figures["taxonomy_file_versions"] = [file_version(taxonomy)]
            write_subset(TAXONOMY, [*SUBCLASSES, ADDED], taxonomy)
            figures["taxonomy_file_versions"].append(file_version(taxonomy))
            added = time.time()
            _wait(lambda: _failed(instance) or _reports(instance) == 2 and not _unfinished(instance),
                  f"taxonomy sensor and automation for {ADDED}", timeout)
            figures["added_subclass_seconds"] = round(time.time() - added, 1)
            # One more evaluation of every condition: nothing may run twice.
            time.sleep(45)
            figures["reasons"] = automation_reasons(port, keys)
        except TimeoutError as error:
            problems.append(str(error))
            first = Counter()
        figures.update(summarize(instance))
    figures["storage"] = type(instance.run_storage).__name__
    problems += [f"run failed: {failed}" for failed in _failed(instance)]
    problems += [f"DuckDB lock error: {error}" for error in figures["lock_errors"]]
    if problems:
        return figures, problems

    final = materializations(instance, keys)
    partitions = {subclass_partitions: SUBCLASSES, None: [None]}
    expected = Counter()
    for key in keys:
        partitions_def = graph.get(key).partitions_def
        for partition in partitions.get(partitions_def, [month]):
            expected[key.to_user_string(), partition] = 1
    if first != expected:
        problems.append(f"after the monthly tick, materializations differ from once each: "
                        f"{sorted(set(first.items()) ^ set(expected.items()))[:12]}")
    # The added subclass: its partitions once, and the stage after the subclasses (indicators, report) again.
    after_subclasses = {key for stage in stages(defs.assets)[-1:] for key in stage.keys}
    for key in keys:
        name, partitions_def = key.to_user_string(), graph.get(key).partitions_def
        if partitions_def == subclass_partitions:
            expected[name, ADDED] = 1
        elif key in after_subclasses:
            expected[name, None] = 2
    if final != expected:
        problems.append(f"after the added subclass, materializations differ: "
                        f"{sorted(set(final.items()) ^ set(expected.items()))[:12]}")
    figures["materializations"] = sum(final.values())

    launched = Counter((r["by"], r["job"]) for r in figures["details"])
    if launched[("monthly_refresh", "raw_monthly")] != 1:
        problems.append(f"schedule runs: {launched[('monthly_refresh', 'raw_monthly')]}, expected one")
    if figures["raw_runs_multiprocess"] != 1:
        problems.append("the raw run did not use the multiprocess executor")
    by_hand = [r for r in figures["details"] if r["by"] == "by hand"]
    if by_hand:
        problems.append(f"runs not started by the schedule or a sensor: {by_hand}")
    observations = instance.fetch_observations(dg.AssetRecordsFilter(asset_key=TAXONOMY_FILE), limit=10,
                                               ascending=True).records
    observed = [r.event_log_entry.tags.get("dagster/data_version") for r in observations]
    if observed != figures["taxonomy_file_versions"]:
        problems.append(f"taxonomy file observed as {observed}, expected {figures['taxonomy_file_versions']}")
    # A run of a multi-asset is requested through one of its keys: each automation run needs one asset
    # whose evaluation names the dependency that updated.
    unexplained = [r["assets"] for r in figures["details"] if r["by"] == AUTOMATION_SENSOR
                   and not any(why and "?" not in why for why in (figures["reasons"].get(k) for k in r["assets"]))]
    if unexplained:
        problems.append(f"automation runs whose evaluations name no updated dependency: {unexplained}")
    return figures, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instance", type=Path, default=ROOT / "dagster.yaml",
                        help="instance configuration to use (default: the repository's dagster.yaml, SQLite)")
    parser.add_argument("--port", type=int, default=3341)
    parser.add_argument("--documents", type=int, default=800, help="size of the synthetic corpus")
    parser.add_argument("--timeout", type=float, default=900, help="seconds to wait for each step")
    parser.add_argument("--figures", type=Path, help="also write the figures (JSON) here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="roadmap-operations-") as work:
        figures, problems = check(Path(work), args.instance.resolve(), args.port, args.documents, args.timeout)
    text = json.dumps({k: v for k, v in figures.items() if k != "details"}, indent=2, default=str)
    print(text)
    if args.figures:
        args.figures.write_text(json.dumps(figures, indent=2, default=str), encoding="utf-8")
    for problem in problems:
        print(f"FAIL: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
