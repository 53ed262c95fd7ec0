"""The operations of a deployment, for real: a live `dagster dev` (webserver + daemon) runs a backfill
of every delivery month with the multiprocess executor, the refresh chain after it, and a subclass
added to the taxonomy file.

Usage: python scripts/check_operations.py [--instance deploy/postgres/dagster.yaml] [--documents 2000]

On a temporary landing zone (a SYNTHETIC corpus), warehouse, taxonomy (two subclasses) and
DAGSTER_HOME (a copy of --instance; default the repository's dagster.yaml, SQLite), it
1. waits for the taxonomy sensor's first tick (partitions only: no families yet);
2. launches a backfill of the job `raw_monthly` for every month of the landing zone through the
   GraphQL API, as the UI's "Launch backfill" does; the daemon queues one run per month (at most two
   at a time: the dagster/backfill tag limit), each run executes its six raw steps with the
   multiprocess executor, and the pool `duckdb` lets one step at a time open the warehouse;
3. waits for refresh_chain: one core_refresh after the last month, a subclass_backfill run per
   subclass, then roadmap_report;
4. adds a third subclass to the taxonomy file and waits for the taxonomy sensor's run of it alone
   and the report after it.
Then checks: every run succeeded, no DuckDB lock error in any run's log, every raw run used the
multiprocess executor, exactly one core refresh for the backfill, and prints the figures (JSON).
Exit 0 when every check holds.
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dagster_dev import ROOT, graphql, running_dagster_dev  # noqa: E402  (a script's sibling module)

TAXONOMY = ROOT / "data" / "taxonomy" / "manufacturing_ai.yaml"
SUBCLASSES = ["health.diagnosis", "inspection.visual_inspection"]
ADDED = "health.prediction"
_LOCK_ERROR = re.compile(r"Could not set lock|Conflicting lock", re.IGNORECASE)
_MULTIPROCESS = "Executing steps using multiprocess executor"
_POOL_WAIT = "Step blocked by limit for pool duckdb"
_LAUNCH = """
mutation($params: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $params) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message }
    ... on PartitionSetNotFoundError { message }
    ... on PartitionKeysNotFoundError { message }
  }
}
"""
_LOCATION = "{ repositoriesOrError { ... on RepositoryConnection { nodes { name location { name } } } } }"


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


def _log_texts(instance, run_id: str):
    for entry in instance.all_logs(run_id):
        text = entry.user_message or ""
        event = entry.dagster_event
        error = getattr(getattr(event, "event_specific_data", None), "error", None) if event else None
        yield text + (f" {error.message}" if error is not None else "")


def summarize(instance, started: float) -> dict:
    """Runs of the instance by job and status, their durations, lock errors and executors."""
    import dagster as dg

    records = instance.get_run_records()
    runs = []
    lock_errors, multiprocess_raw, pool_waits = [], 0, 0
    for record in records:
        run = record.dagster_run
        texts = list(_log_texts(instance, run.run_id))
        lock_errors += [f"{run.job_name} {run.run_id[:8]}: {t[:200]}" for t in texts if _LOCK_ERROR.search(t)]
        pool_waits += sum(_POOL_WAIT in t for t in texts)
        if run.job_name == "raw_monthly" and any(_MULTIPROCESS in t for t in texts):
            multiprocess_raw += 1
        runs.append({
            "job": run.job_name, "partition": run.tags.get("dagster/partition"), "status": run.status.value,
            "backfill": run.tags.get("dagster/backfill"), "chain": run.tags.get("roadmap/refresh"),
            "start": record.start_time, "end": record.end_time,
        })
    raw = [r for r in runs if r["job"] == "raw_monthly"]
    return {
        "runs": Counter(f"{r['job']} {r['status']}" for r in runs),
        "failures": sum(r["status"] != dg.DagsterRunStatus.SUCCESS.value for r in runs),
        "lock_errors": lock_errors,
        "raw_runs_multiprocess": f"{multiprocess_raw}/{len(raw)}",
        "steps_that_waited_for_pool_duckdb": pool_waits,
        "backfill_seconds": round(max(r["end"] or 0 for r in raw) - started, 1) if raw else None,
        "raw_run_seconds": sorted(round((r["end"] or 0) - (r["start"] or 0), 1) for r in raw),
        "details": sorted(runs, key=lambda r: r["start"] or 0),
    }


def _succeeded(instance, job: str, **tags) -> bool:
    import dagster as dg

    return bool(instance.get_run_records(
        dg.RunsFilter(job_name=job, statuses=[dg.DagsterRunStatus.SUCCESS], tags=tags), limit=1))


def _failed(instance) -> list[str]:
    import dagster as dg

    return [f"{r.job_name} {r.tags.get('dagster/partition', '')} {r.run_id}"
            for r in instance.get_runs(dg.RunsFilter(statuses=[dg.DagsterRunStatus.FAILURE]))]


def check(work: Path, instance_yaml: Path, port: int, documents: int, timeout: float) -> tuple[dict, list[str]]:
    """Run the scenario in `work`; returns (figures, problems)."""
    import dagster as dg

    from roadmap_pipeline.demo.synthetic import generate_corpus
    from roadmap_pipeline.defs.partitions import subclass_partitions
    from roadmap_pipeline.defs.refresh import months_of
    from roadmap_pipeline.lib.taxonomy import write_subset
    from roadmap_pipeline.run import landing_months

    home, taxonomy = work / "dagster_home", work / "taxonomy.yaml"
    home.mkdir()
    shutil.copy(instance_yaml, home / "dagster.yaml")
    generate_corpus(work / "raw", documents)
    months = landing_months(work / "raw")
    write_subset(TAXONOMY, SUBCLASSES, taxonomy)
    env = {
        "ROADMAP_RAW_DIR": str(work / "raw"), "ROADMAP_WAREHOUSE": str(work / "warehouse" / "roadmap.duckdb"),
        "ROADMAP_ARTIFACTS": str(work / "artifacts"), "ROADMAP_TAXONOMY": str(taxonomy),
        "ROADMAP_EMBEDDING_BACKEND": os.environ.get("ROADMAP_EMBEDDING_BACKEND", "hashing"),
    }
    os.environ["DAGSTER_HOME"] = str(home)  # this process reads the same instance (and DAGSTER_PG_URL)
    instance = dg.DagsterInstance.from_config(str(home))
    problems: list[str] = []
    with running_dagster_dev(home, port, env):
        _wait(lambda: len(instance.get_dynamic_partitions(subclass_partitions.name)) == len(SUBCLASSES),
              "taxonomy sensor added the partitions", 180)
        if instance.get_runs():
            problems.append("the taxonomy sensor started runs before any families existed")
        [repository] = graphql(port, _LOCATION)["data"]["repositoriesOrError"]["nodes"]
        started = time.time()
        answer = graphql(port, _LAUNCH, {"params": {
            "selector": {"partitionSetName": "raw_monthly_partition_set", "repositorySelector": {
                "repositoryName": repository["name"], "repositoryLocationName": repository["location"]["name"]}},
            "partitionNames": months, "title": "operations check: every delivery month",
        }})["data"]["launchPartitionBackfill"]
        if answer["__typename"] != "LaunchBackfillSuccess":
            return {}, [f"backfill not launched: {answer}"]
        backfill = answer["backfillId"]
        print(f"backfill {backfill}: {len(months)} months {months[0]}..{months[-1]}", file=sys.stderr, flush=True)
        chain = f"backfill-{backfill}"
        chain_seconds = added_seconds = None
        try:
            _wait(lambda: _failed(instance) or _succeeded(instance, "roadmap_report", **{"roadmap/refresh": chain}),
                  "backfill, core refresh, subclasses and report", timeout)
            chain_seconds = round(time.time() - started, 1)
            if not _failed(instance):
                added = time.time()
                write_subset(TAXONOMY, [*SUBCLASSES, ADDED], taxonomy)
                _wait(lambda: _failed(instance) or _succeeded(instance, "subclass_backfill", **{"dagster/partition": ADDED}),
                      f"taxonomy sensor backfilled {ADDED}", timeout)
                _wait(lambda: _failed(instance) or len(instance.get_runs(dg.RunsFilter(
                    job_name="roadmap_report", statuses=[dg.DagsterRunStatus.SUCCESS]))) == 2,
                    "the report after it", timeout)
                added_seconds = round(time.time() - added, 1)
        except TimeoutError as error:
            problems.append(str(error))
        figures = summarize(instance, started)
    figures["months_ingested"] = sorted({m for r in instance.get_runs(dg.RunsFilter(
        job_name="raw_monthly", statuses=[dg.DagsterRunStatus.SUCCESS])) for m in months_of(r)})
    figures["chain_seconds"], figures["added_subclass_seconds"] = chain_seconds, added_seconds
    figures["storage"] = type(instance.run_storage).__name__
    problems += [f"run failed: {failed}" for failed in _failed(instance)]
    problems += [f"DuckDB lock error: {error}" for error in figures["lock_errors"]]
    runs = figures["runs"]
    if figures["months_ingested"] != months:
        problems.append(f"months ingested {figures['months_ingested']}, expected {months}")
    raw_runs = runs.get("raw_monthly SUCCESS", 0)
    if figures["raw_runs_multiprocess"] != f"{raw_runs}/{raw_runs}":
        problems.append(f"raw runs with the multiprocess executor: {figures['raw_runs_multiprocess']}")
    if runs.get("core_refresh SUCCESS") != 1:
        problems.append(f"core_refresh runs: {runs.get('core_refresh SUCCESS', 0)}, expected one for the backfill")
    subclass_runs = sorted(r["partition"] for r in figures["details"] if r["job"] == "subclass_backfill")
    if subclass_runs != sorted([*SUBCLASSES, ADDED]):
        problems.append(f"subclass runs {subclass_runs}, expected one each for {[*SUBCLASSES, ADDED]}")
    figures["runs"] = dict(runs)
    return figures, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instance", type=Path, default=ROOT / "dagster.yaml",
                        help="instance configuration to use (default: the repository's dagster.yaml, SQLite)")
    parser.add_argument("--port", type=int, default=3341)
    parser.add_argument("--documents", type=int, default=2000, help="size of the synthetic corpus")
    parser.add_argument("--timeout", type=float, default=1500, help="seconds to wait for each stage")
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
