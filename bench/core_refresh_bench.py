"""Core in a monthly refresh: the same month added to warehouses of several sizes, incremental against full.

For each --documents N the SYNTHETIC demo corpus (seed 0, --background-share, default 0.98 as in
an office's bulk data) is generated once into bench/work/core_refresh/<N>/raw, and its newest
delivery month is held back. Prepared once per size (not timed): the raw tables of every other month
(raw assets, in process), then core built in full on them (`base.duckdb`), then the held-back month's
raw partitions loaded on top (`refresh.duckdb`), the last two on one Dagster instance
(`instance/`), as the deployment's instance records the raw loads since the last core build. Each timed run copies `refresh.duckdb` and runs, in
a fresh process, the core step of a refresh: core.documents with its child tables, core.family_members,
core.families and taxonomy.search_texts, either incrementally (the default of the assets) or as the
full recompute (`full=True`). After each pair of runs the two warehouses are compared table for table.

Prints medians of --runs runs (wall seconds per step, peak RSS) and the ratios incremental / full
and across sizes; writes bench/results/core_refresh.json.

Usage: python bench/core_refresh_bench.py [--documents 50000 200000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work" / "core_refresh"
RESULTS = ROOT / "bench" / "results"


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def load_raw(raw: Path, warehouse: Path, months: list[str], artifacts: Path, instance_dir: Path | None = None) -> None:
    """The raw assets materialized in process for `months` (one run per range of consecutive months)."""
    import dagster as dg

    from roadmap_pipeline.defs.raw.assets import raw_assets
    from roadmap_pipeline.defs.resources import LandingZone, warehouse_resource
    from roadmap_pipeline.run import RANGE_END_TAG, RANGE_START_TAG, month_ranges

    resources = {"warehouse": warehouse_resource(str(warehouse)),
                 "landing_zone": LandingZone(raw_dir=str(raw), artifacts_dir=str(artifacts))}
    instance = dg.DagsterInstance.local_temp(str(instance_dir)) if instance_dir else dg.DagsterInstance.ephemeral()
    for first, last in month_ranges(months):
        tags = {RANGE_START_TAG: first, RANGE_END_TAG: last}
        if not dg.materialize(raw_assets, resources=resources, instance=instance, tags=tags).success:
            raise RuntimeError(f"raw load of {first}..{last} failed")


def prepare(documents: int, share: float) -> Path:
    """bench/work/core_refresh/<N>: the corpus, months.duckdb (all months but the newest) and the newest month's name."""
    from roadmap_pipeline.run import landing_months

    size_dir = WORK / str(documents)
    raw, marker = size_dir / "raw", size_dir / "prepared.json"
    if marker.is_file():
        return size_dir
    shutil.rmtree(size_dir, ignore_errors=True)
    size_dir.mkdir(parents=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "roadmap_pipeline.demo.synthetic", "--documents", str(documents),
                    "--seed", "0", "--background-share", str(share), "--out", str(raw)], check=True,
                   stdout=subprocess.DEVNULL)
    generated = time.perf_counter() - started
    months = landing_months(raw)
    progress(f"{documents:,}: generated in {generated:.0f} s; loading raw months {months[0]}..{months[-2]}")
    started = time.perf_counter()
    load_raw(raw, size_dir / "months.duckdb", months[:-1], size_dir / "artifacts")
    marker.write_text(json.dumps({"documents": documents, "background_share": share, "months": months,
                                  "generate_s": round(generated, 1),
                                  "raw_s": round(time.perf_counter() - started, 1)}) + "\n")
    return size_dir


CORE_OPS = ("documents", "family_members", "families")


def core_step(warehouse: Path, full: bool, instance_dir: Path) -> dict:
    """The core assets and the search texts materialized in one in-process run on the Dagster instance in
    `instance_dir` (which holds the raw loads and the last core build); per step its seconds and mode."""
    import dagster as dg

    from roadmap_pipeline.defs.core.assets import documents
    from roadmap_pipeline.defs.core.families import families, family_members
    from roadmap_pipeline.defs.resources import warehouse_resource
    from roadmap_pipeline.defs.taxonomy.assets import search_texts

    started = time.perf_counter()
    result = dg.materialize(
        [documents, family_members, families, search_texts], resources={"warehouse": warehouse_resource(warehouse)},
        instance=dg.DagsterInstance.local_temp(str(instance_dir)),
        run_config={"ops": {op: {"config": {"full": full}} for op in CORE_OPS}})
    wall = time.perf_counter() - started
    if not result.success:
        raise RuntimeError("core run failed")
    steps = {e.step_key: round(e.event_specific_data.duration_ms / 1000, 2)
             for e in result.all_events if e.event_type_value == "STEP_SUCCESS"}
    metadata = {m.asset_key.to_user_string(): {k: v.value for k, v in m.metadata.items()
                                               if k in ("merge", "fingerprinted", "refresh", "publications_recomputed",
                                                        "families_recomputed", "families_normalized")}
                for m in (e.event_specific_data.materialization for e in result.get_asset_materialization_events())}
    return {"wall_s": round(wall, 2), "steps": steps, "peak_rss_gb": peak_rss_gb(),
            "modes": {k: v for k, v in metadata.items() if v}}


def peak_rss_gb() -> float:
    """This process's peak resident set size (VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1e6, 2)
    return float("nan")


def ready(size_dir: Path) -> Path:
    """size_dir/refresh.duckdb: core built in full on every month but the newest, then the newest month's raw loaded."""
    refresh = size_dir / "refresh.duckdb"
    if refresh.is_file():
        return refresh
    months = json.loads((size_dir / "prepared.json").read_text())["months"]
    base, instance = size_dir / "base.duckdb", size_dir / "instance"
    shutil.copy(size_dir / "months.duckdb", base)
    shutil.rmtree(instance, ignore_errors=True)
    instance.mkdir()
    started = time.perf_counter()
    build = core_step(base, True, instance)
    progress(f"{size_dir.name}: core built in full in {time.perf_counter() - started:.0f} s")
    staging = size_dir / "refresh.tmp.duckdb"
    shutil.copy(base, staging)
    load_raw(size_dir / "raw", staging, months[-1:], size_dir / "artifacts", instance)
    staging.rename(refresh)
    (size_dir / "base.json").write_text(json.dumps(build) + "\n")
    return refresh


def timed_run(refresh: Path, full: bool, target: Path) -> dict:
    """One core step on a copy of `refresh` and of its Dagster instance, in a fresh process."""
    shutil.copy(refresh, target)
    instance = target.with_suffix(".instance")
    shutil.rmtree(instance, ignore_errors=True)
    shutil.copytree(refresh.parent / "instance", instance)
    output = subprocess.run([sys.executable, __file__, "--stage", str(target), "--instance", str(instance)]
                            + (["--full"] if full else []),
                            check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def same_tables(first: Path, second: Path) -> dict:
    """Rows only in one of the two warehouses, per core table and the search texts (multisets); empty when equal."""
    import duckdb

    tables = ["core.documents", "core.document_priorities", "core.document_classifications", "core.document_parties",
              "core.document_citations", "core.rejected_records", "core.family_members", "core.families",
              "taxonomy.search_texts"]
    found = {}
    with duckdb.connect(str(first), read_only=True) as conn:
        conn.execute(f"ATTACH '{second}' AS other (READ_ONLY)")
        for table in tables:
            counts = [conn.sql(f"SELECT count(*) FROM (SELECT * FROM {a} EXCEPT ALL SELECT * FROM {b})").fetchone()[0]
                      for a, b in ((table, f"other.{table}"), (f"other.{table}", table))]
            if any(counts):
                found[table] = counts
    return found


def measure(documents: int, runs: int) -> dict:
    size_dir = WORK / str(documents)
    refresh = ready(size_dir)
    prepared = json.loads((size_dir / "prepared.json").read_text())
    import duckdb

    from roadmap_pipeline.lib.records import SOURCES

    with duckdb.connect(str(refresh), read_only=True) as conn:
        in_core = conn.sql("SELECT count(*) FROM core.documents").fetchone()[0]
        new = conn.execute("SELECT count(*) FROM (" + " UNION ALL ".join(
            f"SELECT doc_id FROM raw.{source.name}_documents WHERE partition_month = $month" for source in SOURCES)
            + ")", {"month": prepared["months"][-1]}).fetchone()[0]
    record = {"documents": documents, "publications_before": in_core, "month": prepared["months"][-1],
              "runs": {"incremental": [], "full": []}, "differences": []}
    for number in range(runs):
        for mode in ("incremental", "full"):
            result = timed_run(refresh, mode == "full", size_dir / f"run-{mode}.duckdb")
            record["runs"][mode].append(result)
            progress(f"{documents:,} run {number + 1}/{runs} {mode}: {result['wall_s']} s {result['steps']}")
        record["differences"].append(same_tables(size_dir / "run-incremental.duckdb", size_dir / "run-full.duckdb"))
    for mode, results in record["runs"].items():
        record[f"{mode}_median"] = {
            "wall_s": statistics.median(r["wall_s"] for r in results),
            "peak_rss_gb": max(r["peak_rss_gb"] for r in results),
            "steps": {step: statistics.median(r["steps"][step] for r in results) for step in results[0]["steps"]},
        }
    record["raw_records_in_month"] = new
    return record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, nargs="+", default=[50_000, 200_000])
    parser.add_argument("--background-share", type=float, default=0.98)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--prepare-only", action="store_true")
    parser.add_argument("--stage", type=Path, help=argparse.SUPPRESS)  # one timed core step (a child process)
    parser.add_argument("--full", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--instance", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.stage:
        print(json.dumps(core_step(args.stage, args.full, args.instance)))
        return 0
    for documents in args.documents:
        prepare(documents, args.background_share)
    if args.prepare_only:
        return 0
    sizes = [measure(documents, args.runs) for documents in args.documents]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "core_refresh.json").write_text(json.dumps(sizes, indent=1) + "\n")
    print("| documents | publications before | mode | core wall s (median) | documents | family_members | families | search_texts | peak RSS GB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for size in sizes:
        for mode in ("incremental", "full"):
            m = size[f"{mode}_median"]
            steps = m["steps"]
            print(f"| {size['documents']:,} | {size['publications_before']:,} | {mode} | {m['wall_s']} | "
                  + " | ".join(str(steps.get(k, "")) for k in (*CORE_OPS, "taxonomy__search_texts"))
                  + f" | {m['peak_rss_gb']} |")
    for size in sizes:
        ratio = size["incremental_median"]["wall_s"] / size["full_median"]["wall_s"]
        print(f"{size['documents']:,}: incremental / full {ratio:.3f}; tables differ: "
              f"{[d for d in size['differences'] if d] or 'none'}")
    if len(sizes) > 1:
        print(f"incremental core, largest / smallest warehouse: "
              f"{sizes[-1]['incremental_median']['wall_s'] / sizes[0]['incremental_median']['wall_s']:.2f}")
    return 1 if any(d for size in sizes for d in size["differences"]) else 0


if __name__ == "__main__":
    sys.exit(main())
