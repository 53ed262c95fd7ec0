"""The whole graph at scale: full build, incremental monthly refresh and a rerun without new data.

For each size of --documents (default 100,000 and 1,000,000) the SYNTHETIC demo corpus is generated
once into bench/work/scale/<N>/raw (kept for later invocations with the same size and seed; its
generation is timed apart, it is not part of the pipeline), and the newest delivery month (2026-03)
of every office is held back in bench/work/scale/<N>/holdback. Then, on a fresh warehouse and fresh
artifacts (embedding cache included) and one persistent DAGSTER_HOME (bench/work/scale/<N>/dagster_home):

1. full build: raw (every month present; one run per range of consecutive months, as
   `roadmap materialize` does), core (core_refresh), subclasses (subclass_backfill, one run per
   taxonomy subclass), report (roadmap_report);
2. incremental refresh: the held-back month moved into the landing zone, then what the monthly
   schedule and refresh_chain run: raw of that month only, core, every subclass, report;
3. rerun: the same month's chain again, with no new data: nothing may be embedded.

Each stage runs in its own fresh Python process (bench/scale_stage.py), so that its peak RSS is its
own and imports and model loading count where they occur; with --subclass-runs separate (default)
every subclass run has its own process too, as Dagster's run launcher gives each run of
refresh_chain. Per stage: wall seconds, CPU seconds (user + system of the process and of the
workers it waited for, from os.wait4) and peak RSS (ru_maxrss: the largest single process, not a
sum); from the instance's event log, the step durations and the assets' metadata (texts embedded and
reused, row counts). --runs R repeats the three phases on a fresh warehouse and reports medians.

Writes bench/results/scale-<timestamp>.json (rewritten after every phase, so that a long run that
stops leaves what it measured) and prints a Markdown table with the ratios against the targets:
incremental ≤ 0.15 × full build, rerun ≤ 0.1 × full build, peak RSS ≤ 8 GB, families step ≤ 15 s.
Progress goes to stderr; each process's own output to bench/work/scale/<N>/logs/. Exit status 1
when a stage failed or the rerun embedded anything.

--stages without raw keeps the warehouse of the previous invocation as it is (to repeat a late stage
of a long build); the targets then apply to the selected stages only and say so. --commit REV
measures a commit's tree (git archive under bench/work/scale/code/) instead of the working tree.

--background-share S makes that share of the families come from fields outside the taxonomy (as in
an office's bulk data, where the search expressions select a small share); they are parsed and
de-duplicated but hit no query. The default 0 makes every family a query candidate: the costliest
case for screening and topics. The corpus then lives in bench/work/scale/<N>-bg<percent>/.

Usage: python bench/scale_bench.py [--documents 100000 1000000] [--runs 1] [--stages raw core ...]
           [--background-share 0.8] [--embedding-backend sentence-transformers|hashing]
           [--subclass-runs separate|together] [--no-refresh] [--commit REV]
A quick smoke run: --documents 5000 --embedding-backend hashing --subclass-runs together.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

from roadmap_pipeline.lib.records import SOURCES

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work" / "scale"
RESULTS = ROOT / "bench" / "results"
STAGE_SCRIPT = Path(__file__).resolve().parent / "scale_stage.py"

STAGES = ("raw", "core", "subclasses", "report")
PHASES = ("full", "incremental", "rerun")
TARGETS = {"incremental_ratio": 0.15, "rerun_ratio": 0.1, "peak_rss_gb": 8.0, "families_step_s": 15.0}
# The asset steps of core_refresh that build the families (bench/families_bench.py times the same two).
FAMILY_STEPS = ("core__family_members", "core__families")
EMBEDDING_ASSETS = ("taxonomy/subclass_patents", "topics/clusters")
_LANDING_FOLDERS = tuple(source.folder for source in SOURCES)
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_PACKAGES = ("dagster", "duckdb", "polars", "numpy", "scikit-learn", "hdbscan", "umap-learn",
             "sentence-transformers", "torch", "kiwipiepy", "lxml", "plotly")


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def gigabytes(maxrss_kb: int) -> float:
    """ru_maxrss (KiB on Linux) in GB of 10^9 bytes."""
    return maxrss_kb * 1024 / 1e9


def measure_process(command: list[str], env: dict, log_path: Path) -> dict:
    """Run `command` to its end; its wall and CPU seconds and peak RSS, from the kernel's accounting of it.

    os.wait4 reports the child's own usage plus that of the processes it waited for (HDBSCAN and
    tokenizer workers), so the figures belong to this process alone, whatever runs beside it.
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w", encoding="utf-8") as log:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    return {"wall_s": round(wall, 3), "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
            "peak_rss_kb": usage.ru_maxrss, "returncode": child.returncode, "log": str(log_path.relative_to(ROOT))}


def log_tail(log: str, lines: int = 25) -> str:
    text = (ROOT / log).read_text(encoding="utf-8", errors="replace").splitlines()
    return "\n".join(text[-lines:])


# --- the landing zone -------------------------------------------------------------------------------

def month_folders(landing: Path) -> dict[str, list[Path]]:
    """Month (YYYY-MM) -> its <OFFICE>/<YYYY-MM> folders under `landing`."""
    months: dict[str, list[Path]] = {}
    for office in _LANDING_FOLDERS:
        folder = landing / office
        for month in sorted(folder.iterdir()) if folder.is_dir() else []:
            if month.is_dir() and _MONTH.match(month.name):
                months.setdefault(month.name, []).append(month)
    return months


def move_month(month: str, source: Path, target: Path) -> int:
    """Move every office's `month` folder from landing zone `source` to `target`; folders moved."""
    moved = 0
    for folder in month_folders(source).get(month, []):
        destination = target / folder.parent.name / month
        if destination.exists():
            raise RuntimeError(f"{destination} already exists: the landing zone and the held-back month overlap")
        destination.parent.mkdir(parents=True, exist_ok=True)
        folder.rename(destination)
        moved += 1
    return moved


def corpus_dir(documents: int, background_share: float) -> Path:
    """bench/work/scale/<N>, or <N>-bg<percent> for a corpus with background families."""
    return WORK / (f"{documents}-bg{round(background_share * 100)}" if background_share else str(documents))


def ensure_corpus(size_dir: Path, documents: int, seed: int, background_share: float, env: dict) -> dict:
    """Generate the synthetic corpus into size_dir/raw unless one of this size, seed and share is there."""
    marker, raw, holdback = size_dir / "corpus.json", size_dir / "raw", size_dir / "holdback"
    if marker.is_file():
        corpus = json.loads(marker.read_text(encoding="utf-8"))
        if (corpus["documents"], corpus["seed"], corpus.get("background_share", 0.0)) == (documents, seed, background_share):
            return {**corpus, "reused": True}
    # A corpus without its marker is an interrupted generation: start again.
    shutil.rmtree(raw, ignore_errors=True)
    shutil.rmtree(holdback, ignore_errors=True)
    progress(f"{documents:,} documents: generating the synthetic corpus into {raw.relative_to(ROOT)}")
    generation = measure_process(
        [sys.executable, "-m", "roadmap_pipeline.demo.synthetic", "--documents", str(documents), "--seed", str(seed),
         "--background-share", str(background_share), "--out", str(raw)], env, size_dir / "logs" / "generate.log")
    if generation["returncode"]:
        raise RuntimeError(f"generation failed:\n{log_tail(generation['log'])}")
    progress(f"{documents:,} documents: generated in {generation['wall_s']:.1f} s")
    corpus = {"documents": documents, "seed": seed, "background_share": background_share, "generation": generation,
              "raw_bytes": sum(p.stat().st_size for p in raw.rglob("*") if p.is_file())}
    marker.write_text(json.dumps(corpus, indent=1) + "\n", encoding="utf-8")
    return {**corpus, "reused": False}


def preflight(env: dict, logs: Path) -> dict:
    """Import the code location in a child with the stages' environment: the subclass keys, the backend it uses.

    A broken import fails here in seconds, not after a corpus generation and an hour of raw parsing.
    """
    out = logs / "check.json"
    out.unlink(missing_ok=True)
    figures = measure_process([sys.executable, str(STAGE_SCRIPT), "check", "--out", str(out)], env, logs / "check.log")
    if figures["returncode"]:
        raise SystemExit(f"the code location does not load:\n{log_tail(figures['log'])}")
    return json.loads(out.read_text(encoding="utf-8"))


def code_snapshot(revision: str) -> tuple[str, Path]:
    """The tree of commit `revision` exported under bench/work/scale/code/, to measure it apart from the working tree."""
    commit = subprocess.run(["git", "rev-parse", "--verify", f"{revision}^{{commit}}"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout.strip()
    target = WORK / "code" / commit[:12]
    if not target.is_dir():
        partial = target.with_name(target.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        archive = subprocess.run(["git", "archive", commit], cwd=ROOT, check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(partial)], input=archive, check=True)
        partial.rename(target)
    return commit, target


# --- one repetition: full build, incremental refresh, rerun -----------------------------------------

class Sequence:
    """The three phases on one build folder of one corpus size."""

    def __init__(self, logs: Path, env: dict, stages: list[str], keys: list[str], subclass_runs: str, label: str):
        self.logs, self.env, self.stages, self.keys = logs, env, stages, keys
        self.subclass_runs, self.label = subclass_runs, label

    def stage(self, phase: str, stage: str, months: list[str]) -> dict:
        """Run one stage in its own process(es); figures summed over processes, peak RSS their largest."""
        progress(f"{self.label} {phase}/{stage}: start")
        if stage == "subclasses" and self.subclass_runs == "separate":
            batches = [[key] for key in self.keys]
        else:
            batches = [self.keys] if stage == "subclasses" else [[]]
        processes, runs = [], []
        for batch in batches:
            name = f"{phase}_{stage}" + (f"_{batch[0]}" if len(batch) == 1 else "")
            out = self.logs / f"{name}.json"
            out.unlink(missing_ok=True)
            command = [sys.executable, str(STAGE_SCRIPT), stage, "--out", str(out)]
            command += ["--months", *months] if stage == "raw" else []
            command += ["--keys", *batch] if stage == "subclasses" else []
            figures = measure_process(command, self.env, self.logs / f"{name}.log")
            record = json.loads(out.read_text(encoding="utf-8")) if out.is_file() else {"runs": []}
            figures.update(key=batch[0] if len(batch) == 1 else None, import_s=record.get("import_seconds"),
                           embedding_backend=record.get("embedding_backend"))
            processes.append(figures)
            runs += record["runs"]
            if len(batches) > 1:
                progress(f"{self.label} {phase}/{stage} {len(processes)}/{len(batches)} {batch[0]}: "
                         f"{figures['wall_s']:.1f} s wall, {figures['cpu_s']:.1f} s CPU, "
                         f"{gigabytes(figures['peak_rss_kb']):.2f} GB")
            if figures["returncode"]:
                break
        result = {
            "wall_s": round(sum(p["wall_s"] for p in processes), 3),
            "cpu_s": round(sum(p["cpu_s"] for p in processes), 3),
            "peak_rss_gb": round(gigabytes(max(p["peak_rss_kb"] for p in processes)), 3),
            "failed": next((p["log"] for p in processes if p["returncode"]), None),
            "embedded": metadata_sum(runs, "texts embedded"),
            "reused": metadata_sum(runs, "texts reused from cache"),
            "processes": processes,
            "runs": runs,
        }
        progress(f"{self.label} {phase}/{stage}: {'FAILED' if result['failed'] else 'done'} "
                 f"{result['wall_s']:.1f} s wall, {result['cpu_s']:.1f} s CPU, {result['peak_rss_gb']:.2f} GB")
        return result

    def phase(self, phase: str, months: list[str], record: dict, save) -> bool:
        """Run the selected stages of `phase` into `record`; False when a stage failed."""
        stages: dict[str, dict] = {}
        record[phase] = {"months": months, "stages": stages}
        for stage in self.stages:
            stages[stage] = self.stage(phase, stage, months)
            save()
            if stages[stage]["failed"]:
                progress(f"{self.label} {phase}/{stage} failed; the end of {stages[stage]['failed']}:\n"
                         f"{log_tail(stages[stage]['failed'])}")
                return False
        record[phase]["counts"] = warehouse_counts(Path(self.env["ROADMAP_WAREHOUSE"]))
        save()
        return True


def metadata_sum(runs: list[dict], name: str) -> int:
    """Sum of the metadata value `name` of the embedding assets over `runs`."""
    return sum(int(run["assets"].get(asset, {}).get(name, 0)) for run in runs for asset in EMBEDDING_ASSETS)


def warehouse_counts(path: Path) -> dict:
    """Row counts of the warehouse after a phase: documents, families, candidates and valid families."""
    import duckdb

    from roadmap_pipeline.defs.resources import connect

    queries = {
        "documents": "SELECT count(*) FROM core.documents",
        "families": "SELECT count(*) FROM core.families",
        "candidates": "SELECT count(*) FROM taxonomy.subclass_patents",
        "valid_families": "SELECT count(DISTINCT family_id) FROM taxonomy.subclass_patents WHERE is_valid",
        "valid_pairs": "SELECT count(*) FROM taxonomy.subclass_patents WHERE is_valid",
    }
    counts = {}
    with connect(path) as conn:
        for name, query in queries.items():
            try:
                counts[name] = conn.sql(query).fetchone()[0]
            except duckdb.CatalogException:  # a stage not run yet
                counts[name] = None
    return counts


def run_repetition(record: dict, documents: int, size_dir: Path, env: dict, args, keys: list[str], month: str,
                   number: int, save) -> None:
    """Full build, incremental refresh and rerun on a fresh warehouse, measured into `record`."""
    raw, holdback, build = size_dir / "raw", size_dir / "holdback", size_dir / "build"
    logs = size_dir / "logs" / f"run{number}"
    if "raw" in args.stages:
        shutil.rmtree(build, ignore_errors=True)
        shutil.rmtree(logs, ignore_errors=True)
        move_month(month, raw, holdback)
    elif not Path(env["ROADMAP_WAREHOUSE"]).is_file():
        raise SystemExit(f"--stages without raw needs the warehouse of an earlier build: {env['ROADMAP_WAREHOUSE']}")
    build.mkdir(parents=True, exist_ok=True)
    label = f"{size_label(documents, args.background_share)} run {number}/{args.runs}"
    sequence = Sequence(logs, env, args.stages, keys, args.subclass_runs, label)
    record["landing_months"] = sorted(month_folders(raw))
    if not sequence.phase("full", record["landing_months"], record, save) or args.no_refresh:
        return
    moved = move_month(month, holdback, raw)
    progress(f"{label}: moved {month} of {moved} offices into the landing zone")
    if sequence.phase("incremental", [month], record, save):
        sequence.phase("rerun", [month], record, save)


# --- summaries ------------------------------------------------------------------------------------

def median(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 3) if values else None


def summarize(repetitions: list[dict], stages: list[str]) -> dict:
    """Medians over repetitions of every stage and phase total, ratios to the full build, checks.

    A stage that failed still has its row (marked), so that a long run that broke shows how far it got;
    totals and ratios come from complete phases only.
    """
    summary: dict = {}
    for phase in PHASES:
        present = [r[phase] for r in repetitions if phase in r]
        done = [p for p in present if "counts" in p]
        rows = {}
        for stage in stages:
            results = [p["stages"][stage] for p in present if stage in p["stages"]]
            if not results:
                continue
            rows[stage] = {figure: median([r[figure] for r in results])
                           for figure in ("wall_s", "cpu_s", "peak_rss_gb", "embedded", "reused")}
            rows[stage].update(failed=any(r["failed"] for r in results), runs=len(results[0]["runs"]),
                               embedded_max=max(r["embedded"] for r in results))
            if stage == "subclasses" and results[0]["runs"]:
                rows["largest subclass run"] = largest_subclass_run(results)
        if not rows:
            continue
        if done:
            totals = [{"wall_s": sum(d["stages"][s]["wall_s"] for s in stages),
                       "cpu_s": sum(d["stages"][s]["cpu_s"] for s in stages),
                       "peak_rss_gb": max(d["stages"][s]["peak_rss_gb"] for s in stages)} for d in done]
            rows["total"] = {f: median([t[f] for t in totals]) for f in ("wall_s", "cpu_s", "peak_rss_gb")}
        summary[phase] = {"stages": rows, "complete_runs": len(done), "counts": done[-1]["counts"] if done else None,
                          "families_step_s": median([family_seconds(p) for p in present]),
                          "steps": slowest_steps(present)}
    for phase in ("incremental", "rerun"):
        if "total" in summary.get(phase, {}).get("stages", {}) and "total" in summary.get("full", {}).get("stages", {}):
            for figure, name in (("wall_s", "ratio_to_full"), ("cpu_s", "cpu_ratio_to_full")):
                summary[phase][name] = round(
                    summary[phase]["stages"]["total"][figure] / summary["full"]["stages"]["total"][figure], 4)
    summary["checks"] = checks(summary)
    if list(stages) != list(STAGES):  # the targets are for the whole graph
        for check in summary["checks"]:
            check["check"] += f" ({', '.join(stages)} only)"
    return summary


def largest_subclass_run(results: list[dict]) -> dict:
    """The subclass run that took longest: its process's figures, or with --subclass-runs together
    (one process for every run) its run's wall seconds as the instance recorded them."""
    runs = len(results[0]["runs"])
    if len(results[0]["processes"]) == runs:
        largest = [max(r["processes"], key=lambda p: p["wall_s"]) for r in results]
        return {"key": largest[0]["key"], "wall_s": median([p["wall_s"] for p in largest]),
                "cpu_s": median([p["cpu_s"] for p in largest]),
                "peak_rss_gb": median([round(gigabytes(p["peak_rss_kb"]), 3) for p in largest]), "runs": runs}
    largest = [max(r["runs"], key=lambda run: run["seconds"]) for r in results]
    return {"key": largest[0]["partition"], "wall_s": median([run["seconds"] for run in largest]),
            "cpu_s": None, "peak_rss_gb": None, "runs": runs}


def family_seconds(phase: dict) -> float | None:
    """Seconds of the family_members and families steps of the phase's core run."""
    core = phase["stages"].get("core")
    steps = core["runs"][0]["steps"] if core and core["runs"] else {}
    found = [steps[s] for s in FAMILY_STEPS if s in steps]
    return round(sum(found), 3) if len(found) == len(FAMILY_STEPS) else None


def slowest_steps(done: list[dict], count: int = 8) -> list[dict]:
    """The steps that took longest (median over repetitions), summed over the runs of each stage."""
    per_step: dict[tuple[str, str], list[float]] = {}
    for phase in done:
        for stage, result in phase["stages"].items():
            totals: dict[str, list[float]] = {}
            for run in result["runs"]:
                for step, seconds in run["steps"].items():
                    totals.setdefault(step, []).append(seconds)
            for step, seconds in totals.items():
                per_step.setdefault((stage, step), []).append((sum(seconds), max(seconds), len(seconds)))
    rows = [{"stage": stage, "step": step, "sum_s": median([v[0] for v in values]),
             "largest_s": median([v[1] for v in values]), "runs": values[0][2]}
            for (stage, step), values in per_step.items()]
    return sorted(rows, key=lambda row: -row["sum_s"])[:count]


def checks(summary: dict) -> list[dict]:
    """The targets, each with its measured value; only those the selected stages and phases allow."""
    found = []
    for phase, target in (("incremental", "incremental_ratio"), ("rerun", "rerun_ratio")):
        if "ratio_to_full" in summary.get(phase, {}):
            found.append({"check": f"{phase} wall / full build wall", "value": summary[phase]["ratio_to_full"],
                          "target": TARGETS[target], "met": summary[phase]["ratio_to_full"] <= TARGETS[target]})
    peaks = [row["peak_rss_gb"] for p in PHASES if p in summary for row in summary[p]["stages"].values()
             if row["peak_rss_gb"] is not None]
    if peaks:
        found.append({"check": "peak RSS over all stages, GB", "value": max(peaks), "target": TARGETS["peak_rss_gb"],
                      "met": max(peaks) <= TARGETS["peak_rss_gb"]})
    families = summary.get("full", {}).get("families_step_s")
    if families is not None:
        found.append({"check": "families step (family_members + families), s", "value": families,
                      "target": TARGETS["families_step_s"], "met": families <= TARGETS["families_step_s"]})
    rerun = summary.get("rerun", {}).get("stages", {}).get("subclasses")
    if rerun and not rerun["failed"]:
        # Any repetition that embedded something fails it, not the median one.
        found.append({"check": "texts embedded on the rerun", "value": rerun["embedded_max"], "target": 0,
                      "met": rerun["embedded_max"] == 0})
    return found


def size_label(documents: int, background_share: float) -> str:
    return f"{documents:,}" + (f" ({background_share:.0%} background)" if background_share else "")


def number(value, spec: str) -> str:
    return "–" if value is None else format(value, spec)


def markdown(sizes: list[dict]) -> str:
    """The results as Markdown: per size, phase and stage; then the checks against the targets."""
    lines = ["| size | phase | stage | wall s | CPU s | peak RSS GB | embedded / reused |", "|---|---|---|---|---|---|---|"]
    for size in sizes:
        n = size["label"]
        generation = size["corpus"]["generation"]
        lines.append(f"| {n} | generate{' (reused)' if size['corpus']['reused'] else ''} | synthetic corpus "
                     f"| {generation['wall_s']:.1f} | {generation['cpu_s']:.1f} "
                     f"| {gigabytes(generation['peak_rss_kb']):.2f} | |")
        for phase in PHASES:
            if phase not in size["summary"]:
                continue
            part = size["summary"][phase]
            for stage, row in part["stages"].items():
                name = stage
                if stage == "subclasses":
                    name = f"subclasses ({row['runs']} runs, sum)"
                elif stage == "largest subclass run":
                    name = f"largest subclass run ({row['key']})"
                elif stage == "total":
                    name = "**total**" + (f" (ratio {part['ratio_to_full']:.3f} wall, {part['cpu_ratio_to_full']:.3f} CPU)"
                                          if "ratio_to_full" in part else "")
                    name += f", median of {part['complete_runs']} runs" if part["complete_runs"] > 1 else ""
                if row.get("failed"):
                    name += " **FAILED**"
                embedded = f"{row['embedded']:,.0f} / {row['reused']:,.0f}" if row.get("embedded") is not None and stage == "subclasses" else ""
                lines.append(f"| {n} | {phase} | {name} | {number(row['wall_s'], '.1f')} | {number(row['cpu_s'], '.1f')} "
                             f"| {number(row['peak_rss_gb'], '.2f')} | {embedded} |")
    lines += ["", "| size | check | value | target | met |", "|---|---|---|---|---|"]
    for size in sizes:
        for check in size["summary"].get("checks", []):
            op = "= " if check["target"] == 0 else "≤ "
            lines.append(f"| {size['label']} | {check['check']} | {check['value']:,} | {op}{check['target']} "
                         f"| {'yes' if check['met'] else '**no**'} |")
    lines += ["", "| size | slowest steps of the full build | runs | sum s | largest s |", "|---|---|---|---|---|"]
    for size in sizes:
        for step in size["summary"].get("full", {}).get("steps", []):
            lines.append(f"| {size['label']} | {step['stage']}: {step['step']} | {step['runs']} "
                         f"| {step['sum_s']:.1f} | {step['largest_s']:.1f} |")
    return "\n".join(lines)


# --- the machine ----------------------------------------------------------------------------------

def machine_facts() -> dict:
    """What the figures depend on: cores, memory, load, Python, library versions, the commit measured."""
    versions = {}
    for package in _PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    memory = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), None) if Path("/proc/meminfo").exists() else None
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                           capture_output=True, text=True).stdout.strip()
    return {
        "cpu_count": os.cpu_count(), "cpus_usable": len(os.sched_getaffinity(0)),
        "memory_gb": round(memory * 1024 / 1e9, 1) if memory else None,
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(), "platform": platform.platform(), "processor": platform.machine(),
        "versions": versions, "commit": commit, "uncommitted_changes": bool(dirty),
    }


def stage_env(size_dir: Path, backend: str, code: Path | None) -> dict:
    """The environment of every process of one size: its landing zone, warehouse, artifacts, instance."""
    home = size_dir / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").is_file():
        shutil.copyfile(ROOT / "dagster.yaml", home / "dagster.yaml")  # as the Makefile sets up .dagster_home
    build = size_dir / "build"
    env = {**os.environ, "DAGSTER_HOME": str(home), "ROADMAP_RAW_DIR": str(size_dir / "raw"),
           "ROADMAP_WAREHOUSE": str(build / "warehouse.duckdb"), "ROADMAP_ARTIFACTS": str(build / "artifacts"),
           "ROADMAP_EMBEDDING_BACKEND": backend, "PYTHONUNBUFFERED": "1"}
    if code:
        # Ahead of the editable install, whose finder comes after the path on sys.meta_path.
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(code), os.environ.get("PYTHONPATH")]))
    return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, nargs="+", default=[100_000, 1_000_000], metavar="N")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--runs", type=int, default=1, help="repetitions of the three phases (medians reported)")
    parser.add_argument("--stages", nargs="+", choices=STAGES, default=list(STAGES),
                        help="stages to run; without raw, the warehouse of the previous invocation is used as it is")
    parser.add_argument("--embedding-backend", choices=("sentence-transformers", "hashing"),
                        default="sentence-transformers", help="hashing only for a quick smoke run")
    parser.add_argument("--subclass-runs", choices=("separate", "together"), default="separate",
                        help="one process per subclass run, as a run launcher does (default), or one for all")
    parser.add_argument("--background-share", type=float, default=0.0, metavar="S",
                        help="share of families outside the taxonomy, as in an office's bulk data (default 0: "
                             "every family is a taxonomy or noise family, the costliest case)")
    parser.add_argument("--no-refresh", action="store_true", help="the full build only")
    parser.add_argument("--commit", metavar="REV",
                        help="measure the code of this commit (exported with git archive) instead of the working tree")
    args = parser.parse_args(argv)
    args.stages = [s for s in STAGES if s in args.stages]

    RESULTS.mkdir(parents=True, exist_ok=True)
    started = time.strftime("%Y%m%d-%H%M%S")
    results_path = RESULTS / f"scale-{started}.json"
    results = {"started": started, "args": vars(args), "machine": machine_facts(), "sizes": []}
    code = None
    if args.commit:
        results["machine"]["commit"], code = code_snapshot(args.commit)
        results["machine"]["uncommitted_changes"] = False
        progress(f"measuring commit {results['machine']['commit'][:12]} from {code.relative_to(ROOT)}")

    def save() -> None:
        results_path.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")

    failed = False
    for documents in args.documents:
        size_dir = corpus_dir(documents, args.background_share)
        env = stage_env(size_dir, args.embedding_backend, code)
        check = preflight(env, size_dir / "logs")
        if check["embedding_backend"] != args.embedding_backend:
            raise SystemExit(f"the code location uses {check['embedding_backend']}, not {args.embedding_backend}")
        keys = check["subclass_keys"]
        size = {"documents": documents, "label": size_label(documents, args.background_share),
                "load_average_start": [round(x, 2) for x in os.getloadavg()],
                "package": check["package"], "subclass_keys": keys,
                "corpus": ensure_corpus(size_dir, documents, args.seed, args.background_share, env), "repetitions": []}
        results["sizes"].append(size)
        all_months = sorted({*month_folders(size_dir / "raw"), *month_folders(size_dir / "holdback")})
        size["held_back_month"] = month = all_months[-1]
        for number in range(1, args.runs + 1):
            record: dict = {}
            size["repetitions"].append(record)
            run_repetition(record, documents, size_dir, env, args, keys, month, number, save)
            save()
            phases_done = [p for p in PHASES if "counts" in record.get(p, {})]
            if len(phases_done) < (1 if args.no_refresh else 3):
                failed = True
                break
        size["summary"] = summarize(size["repetitions"], args.stages)
        size["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
        save()
    results["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    results["finished"] = time.strftime("%Y%m%d-%H%M%S")
    table = markdown(results["sizes"])
    results["markdown"] = table
    save()
    print(table)
    print(f"\nresults: {results_path.relative_to(ROOT)}")
    failed = failed or any(not c["met"] for s in results["sizes"] for c in s["summary"]["checks"]
                           if c["check"].startswith("texts embedded"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
