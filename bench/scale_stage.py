"""One stage of the scale benchmark, run in a fresh process by bench/scale_bench.py.

Runs the stage's Dagster job(s) in process on the instance of DAGSTER_HOME, with the resources the
ROADMAP_* variables configure, exactly as `roadmap materialize` (roadmap_pipeline/run.py) does, then
writes what the instance recorded to a JSON file: per run the job, partition, success, wall
seconds, step durations (STEP_SUCCESS events) and the numeric metadata of every materialization.
The parent measures the process itself (wall, CPU, peak RSS), so nothing here times resources.

Usage: python bench/scale_stage.py raw --months 2025-03 ... 2026-02 --out FILE
       python bench/scale_stage.py core --out FILE
       python bench/scale_stage.py subclasses --keys design.process_design ... --out FILE
       python bench/scale_stage.py report --out FILE
       python bench/scale_stage.py check --out FILE   (imports the code location; writes the subclass keys)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

STAGES = ("raw", "core", "subclasses", "report", "check")
# The same logging as `roadmap materialize`: step-level progress without Dagster's debug events.
_RUN_CONFIG = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}


def run_record(instance, result, job: str, partition: str | None, seconds: float) -> dict:
    """What the instance recorded of one finished run: steps, materialization metadata, success."""
    from dagster import DagsterEventType

    steps = {}
    for entry in instance.all_logs(result.run_id, of_type=DagsterEventType.STEP_SUCCESS):
        steps[entry.step_key] = round(entry.dagster_event.event_specific_data.duration_ms / 1000, 3)
    assets: dict[str, dict] = {}
    for entry in instance.all_logs(result.run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION):
        materialization = entry.asset_materialization
        numbers = assets.setdefault(materialization.asset_key.to_user_string(), {"materializations": 0})
        numbers["materializations"] += 1
        # A range run materializes each month with the same metadata (the whole range's): keep one.
        # Numbers only: previews and schemas would bloat the results file.
        for name, value in materialization.metadata.items():
            raw = getattr(value, "value", None)
            if isinstance(raw, (int, float)) and not isinstance(raw, bool):
                numbers[name] = raw
    return {"job": job, "partition": partition, "run_id": result.run_id, "success": result.success,
            "seconds": round(seconds, 3), "steps": steps, "assets": assets}


def execute(instance, job_def, job: str, partition: str | None = None, tags: dict | None = None) -> dict:
    """Execute `job_def` in process and return its `run_record`."""
    started = time.perf_counter()
    result = job_def.execute_in_process(
        instance=instance, run_config=_RUN_CONFIG, raise_on_error=False, partition_key=partition, tags=tags or {},
    )
    return run_record(instance, result, job, partition, time.perf_counter() - started)


def code_location():
    """The Definitions that `roadmap materialize` uses, with the embedding backend ROADMAP_EMBEDDING_BACKEND asks for.

    Code from before settings read that variable ignores it; then the resource is replaced here, so
    that a smoke run with the hashing backend can measure such a commit too.
    """
    from roadmap_pipeline import settings
    from roadmap_pipeline.definitions import build_definitions, defs
    from roadmap_pipeline.defs.resources import Embeddings

    wanted = os.environ.get("ROADMAP_EMBEDDING_BACKEND") or "sentence-transformers"
    if defs.resources["embeddings"].backend == wanted:
        return defs
    embeddings = Embeddings(model=settings.embedding_model(), backend=wanted,
                            cache_dir=str(settings.artifacts_dir() / "embeddings"))
    return build_definitions({**defs.resources, "embeddings": embeddings})


def main(argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stage", choices=STAGES)
    parser.add_argument("--months", nargs="*", default=[], help="raw: delivery months YYYY-MM")
    parser.add_argument("--keys", nargs="*", default=[], help="subclasses: taxonomy subclass keys")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)

    import dagster as dg

    from roadmap_pipeline.defs.jobs import CORE_JOB, RAW_JOB, REPORT_JOB, SUBCLASS_JOB
    from roadmap_pipeline.defs.partitions import subclass_partitions
    from roadmap_pipeline.run import RANGE_END_TAG, RANGE_START_TAG, month_ranges

    defs = code_location()
    if args.stage == "check":
        keys = defs.resources["taxonomy_file"].load().subclass_keys
        record = {"stage": "check", "subclass_keys": keys, "embedding_backend": defs.resources["embeddings"].backend,
                  "package": str(Path(sys.modules["roadmap_pipeline"].__file__).parent)}
        args.out.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
        return 0
    instance = dg.DagsterInstance.get()
    imported = time.perf_counter() - started
    runs = []
    if args.stage == "raw":
        # One run per range of consecutive months, as the raw assets' single-run backfill policy has it.
        for first, last in month_ranges(args.months):
            tags = {RANGE_START_TAG: first, RANGE_END_TAG: last}
            runs.append(execute(instance, defs.resolve_job_def(RAW_JOB), RAW_JOB, tags=tags))
            runs[-1]["partition"] = f"{first}..{last}"
    elif args.stage == "core":
        runs.append(execute(instance, defs.resolve_job_def(CORE_JOB), CORE_JOB))
    elif args.stage == "subclasses":
        # The taxonomy sensor adds the partitions in a running instance; here, as run.py does.
        known = set(instance.get_dynamic_partitions(subclass_partitions.name))
        instance.add_dynamic_partitions(subclass_partitions.name, [k for k in args.keys if k not in known])
        job_def = defs.resolve_job_def(SUBCLASS_JOB)
        for key in args.keys:
            runs.append(execute(instance, job_def, SUBCLASS_JOB, partition=key))
            print(f"subclass {key}: {runs[-1]['seconds']:.1f} s", file=sys.stderr, flush=True)
    else:
        runs.append(execute(instance, defs.resolve_job_def(REPORT_JOB), REPORT_JOB))
    record = {
        "stage": args.stage,
        "import_seconds": round(imported, 3),
        "embedding_backend": defs.resources["embeddings"].backend,
        "runs": runs,
    }
    args.out.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return 0 if runs and all(run["success"] for run in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
