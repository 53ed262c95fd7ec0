"""The main job as one command: every month of the landing zone, then everything downstream.

The graph's stages (defs/jobs.py: the graph cut where its partitioning changes) run in turn in this
process: a monthly stage over the landing zone's months, a subclass stage over the taxonomy's
subclasses, the others once. A running instance gets the same result from the schedule and the
automation conditions (defs/refresh.py).
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import dagster as dg

from roadmap_pipeline import settings
from roadmap_pipeline.definitions import defs
from roadmap_pipeline.defs.jobs import Stage, stages
from roadmap_pipeline.defs.partitions import monthly_partitions, subclass_partitions
from roadmap_pipeline.defs.raw.assets import data_source
from roadmap_pipeline.demo.synthetic.evaluate import screening_scores
from roadmap_pipeline.demo.synthetic.truth import read_header
from roadmap_pipeline.lib.language_counts import (
    documents_per_language,
    families_by_language,
    valid_families_per_language,
)
from roadmap_pipeline.lib.records import SOURCES
from roadmap_pipeline.lib.taxonomy import TaxonomyError
from roadmap_pipeline.defs.resources import connect

# Step-level progress without Dagster's debug events.
_RUN_CONFIG = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
# Run tags that make one run of a range of partitions (what a single-run backfill sets).
RANGE_START_TAG, RANGE_END_TAG = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"


def landing_months(raw_dir=None) -> list[str]:
    """Months (YYYY-MM) that have a folder under any office of the landing zone."""
    raw_dir = raw_dir or settings.raw_dir()
    offices = {source.folder for source in SOURCES}
    return sorted({
        month.name
        for office in raw_dir.iterdir() if office.is_dir() and office.name in offices
        for month in office.iterdir() if month.is_dir() and _MONTH.match(month.name)
    }) if raw_dir.is_dir() else []


def materialize_landing_zone(
    months: list[str] | None = None,
    instance: dg.DagsterInstance | None = None,
    definitions: dg.Definitions = defs,
) -> int:
    """Materialize the monthly assets for `months` (default: all present), then every stage downstream.

    Returns:
        Process exit status: 0 when every run succeeded.
    """
    raw_dir = Path(definitions.resources["landing_zone"].raw_dir)
    months = months or landing_months(raw_dir)
    bad = [m for m in months if not _MONTH.match(m)]
    if bad:
        print(f"not a month (YYYY-MM): {', '.join(bad)}", file=sys.stderr)
        return 2
    if not months:
        print(f"the landing zone {raw_dir} holds no <OFFICE>/<YYYY-MM>/ folder: nothing to ingest", file=sys.stderr)
        return 1
    instance = instance or (dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral())
    started = time.monotonic()
    for stage in stages(definitions.assets):
        if stage.partitions_def == monthly_partitions:
            status = _materialize_months(stage, months, instance, definitions)
        elif stage.partitions_def == subclass_partitions:
            status = materialize_subclasses(instance, definitions)
        else:
            print(f"{stage.name}: {_groups(stage)}", flush=True)
            result = definitions.resolve_job_def(stage.name).execute_in_process(
                instance=instance, run_config=_RUN_CONFIG, raise_on_error=False
            )
            status = 0 if result.success else 1
            if not result.success:
                print(f"{stage.name} failed; see the run {result.run_id} in the Dagster UI", file=sys.stderr)
        if status:
            return status
    print(f"done in {time.monotonic() - started:.1f} s\n")
    print(summary_text(definitions))
    return 0


def _groups(stage: Stage) -> str:
    return ", ".join(dict.fromkeys("/".join(key.path[:-1]) for key in stage.keys))


def _materialize_months(stage: Stage, months: list[str], instance, definitions: dg.Definitions) -> int:
    job = definitions.resolve_job_def(stage.name)
    for first, last in month_ranges(months):
        print(f"{stage.name}: partitions {first}..{last}", flush=True)
        # One run per range of consecutive months (the raw assets' single-run backfill policy).
        result = job.execute_in_process(
            instance=instance, run_config=_RUN_CONFIG, raise_on_error=False,
            tags={RANGE_START_TAG: first, RANGE_END_TAG: last},
        )
        if not result.success:
            print(f"{stage.name} of {first}..{last} failed; see the run {result.run_id} in the Dagster UI",
                  file=sys.stderr)
            return 1
    return 0


def materialize_subclasses(
    instance: dg.DagsterInstance, definitions: dg.Definitions = defs, keys: list[str] | None = None
) -> int:
    """Run the per-subclass stage for `keys` (default: every subclass of the taxonomy file), one run each.

    Adds the taxonomy_subclass partitions the instance lacks, as the taxonomy sensor would.
    """
    try:
        taxonomy = definitions.resources["taxonomy_file"].load()
    except TaxonomyError as error:
        print(error, file=sys.stderr)
        return 2
    keys = keys or taxonomy.subclass_keys
    known = set(instance.get_dynamic_partitions(subclass_partitions.name))
    instance.add_dynamic_partitions(subclass_partitions.name, [k for k in keys if k not in known])
    [stage] = [s for s in stages(definitions.assets) if s.partitions_def == subclass_partitions]
    job = definitions.resolve_job_def(stage.name)
    failed = []
    for number, key in enumerate(keys, 1):
        print(f"{stage.name} {number}/{len(keys)}: {key} ({taxonomy.subclass(key).name_ko})", flush=True)
        result = job.execute_in_process(
            partition_key=key, instance=instance, run_config=_RUN_CONFIG, raise_on_error=False
        )
        if not result.success:
            failed.append(f"{key} (run {result.run_id})")
    if failed:
        print(f"subclass runs failed: {', '.join(failed)}; see them in the Dagster UI", file=sys.stderr)
        return 1
    return 0


def month_ranges(months: list[str]) -> list[tuple[str, str]]:
    """Consecutive runs of `months` (sorted YYYY-MM) as (first, last) pairs."""
    ranges: list[list[str]] = []
    for month in sorted(months):
        if ranges and _next_month(ranges[-1][1]) == month:
            ranges[-1][1] = month
        else:
            ranges.append([month, month])
    return [(first, last) for first, last in ranges]


def _next_month(month: str) -> str:
    year, number = int(month[:4]), int(month[5:])
    return f"{year + number // 12}-{number % 12 + 1:02d}"


def summary_text(definitions: dg.Definitions = defs) -> str:
    """A short account of the warehouse for the terminal."""
    warehouse_path = definitions.resources["warehouse"].database
    raw_dir = Path(definitions.resources["landing_zone"].raw_dir)
    with connect(warehouse_path) as conn:
        per_office = conn.sql(
            "SELECT office, count(*) AS documents, count(docdb_family_id) AS with_family_id,"
            " count(*) FILTER (WHERE len(sources) > 1) AS merged FROM core.documents GROUP BY 1 ORDER BY 1"
        ).fetchall()
        families = conn.sql(
            "SELECT count(*), count(*) FILTER (WHERE family_size > 1) FROM core.families"
        ).fetchone() if _table_exists(conn, "core", "families") else None
        rejects = conn.sql(
            "SELECT severity, count(*) FROM core.rejected_records GROUP BY 1 ORDER BY 1"
        ).fetchall()
        languages = documents_per_language(conn)
    lines = [f"warehouse {warehouse_path}", f"data: {data_source(raw_dir)}",
             "office  documents  with_family_id  merged"]
    lines += [f"{o:<7} {n:>9}  {f:>14}  {m:>6}" for o, n, f, m in per_office]
    lines += ["", "documents per language   titles  abstracts"]
    lines += [f"{language:<23} {titles:>7}  {abstracts:>9}" for language, titles, abstracts in languages.iter_rows()]
    if families:
        lines.append(f"core.families: {families[0]} simple families, {families[1]} filed at several offices")
    lines += [f"core.rejected_records ({severity}): {count}" for severity, count in rejects]
    lines += _screening_lines(warehouse_path, raw_dir)
    lines += _roadmap_lines(warehouse_path, Path(definitions.resources["landing_zone"].artifacts_dir))
    return "\n".join(lines)


def _roadmap_lines(warehouse_path, artifacts_dir: Path) -> list[str]:
    with connect(warehouse_path) as conn:
        if not _table_exists(conn, "indicators", "subclass_indicators"):
            return []
        rows = conn.sql(
            "SELECT s.name_ko, s.name_en, i.n_families, i.application_share, i.importance, i.korea_competitiveness,"
            " i.is_core, i.korea_strength, i.is_focus FROM indicators.subclass_indicators AS i"
            " JOIN taxonomy.subclasses AS s USING (subclass_key) ORDER BY s.position"
        ).fetchall()
    lines = ["", "세부기술 Sub-technology              families  출원점유율  기술중요도  한국경쟁력  핵심 强弱 중점"]
    for name_ko, name_en, n, share, importance, competitiveness, core, strength, focus in rows:
        label = f"{name_ko} {name_en}"
        lines.append(
            f"{label[:32]:<33} {n:>8}  {_number(share, '.1%'):>9}  {_number(importance, '+.2f'):>9}"
            f"  {_number(competitiveness, '+.2f'):>9}  {'o' if core else ' ':>3} {strength or ' ':>3} {'V' if focus else ' ':>3}"
        )
    report = artifacts_dir / "reports" / "roadmap_report.html"
    if report.is_file():
        lines += ["", f"report: {report}", f"workbook: {report.with_suffix('.xlsx')}"]
    return lines


def _number(value, spec: str) -> str:
    return "–" if value is None else format(value, spec)


def _screening_lines(warehouse_path, raw_dir: Path) -> list[str]:
    with connect(warehouse_path) as conn:
        if not _table_exists(conn, "taxonomy", "subclass_patents"):
            return []
        rows = conn.sql(
            "SELECT subclass_key, count(*), count(*) FILTER (WHERE is_valid) FROM taxonomy.subclass_patents"
            " GROUP BY 1 ORDER BY 1"
        ).fetchall()
        per_language = families_by_language(valid_families_per_language(conn))
    # Valid families per text language (the language their embedded text is written in).
    languages = [c for c in per_language.columns if c not in ("subclass_key", "total")]
    by_key = {row[0]: row[1:-1] for row in per_language.iter_rows()}
    lines = ["", "subclass                            candidates  valid  " + " ".join(f"{c:>7}" for c in languages)]
    lines += [f"{key:<35} {candidates:>10}  {valid:>5}  " + " ".join(f"{n:>7}" for n in by_key.get(key, [0] * len(languages)))
              for key, candidates, valid in rows]
    totals = per_language.select(languages).sum().row(0) if languages else ()
    lines.append("valid families per text language: "
                 + (", ".join(f"{language} {n}" for language, n in zip(languages, totals, strict=True)) or "none")
                 + " (a family valid in several subclasses counts in each)")
    if read_header(raw_dir):
        overall = screening_scores(raw_dir, Path(warehouse_path)).row(-1, named=True)
        lines.append(f"screening against the planted truth: precision {overall['precision']:.3f}, "
                     f"recall {overall['recall']:.3f} ({overall['planted']} planted valid families)")
    return lines


def _table_exists(conn, schema: str, table: str) -> bool:
    return bool(conn.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?", [schema, table]
    ).fetchone()[0])
