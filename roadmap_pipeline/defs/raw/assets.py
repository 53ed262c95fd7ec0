"""Raw layer: one multi-asset per delivering source, each reading its monthly landing-zone folder
into one table per kind of record (`raw.<source>_documents`, `_priorities`, …, `_rejects`)."""


import warnings
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from roadmap_pipeline.defs.metadata import table_schema
from roadmap_pipeline.defs.partitions import monthly_partitions
from roadmap_pipeline.defs.resources import LandingZone
from roadmap_pipeline.lib.formats.reader import UnreadableFile, read_file
from roadmap_pipeline.lib.markdown import markdown_table
from roadmap_pipeline.lib.records import IP5_OFFICES, RAW_TABLES, SOURCES, RawTable, Reject, Source
from roadmap_pipeline.lib.staging import PartitionStager, StageSummary
from roadmap_pipeline.lib.warehouse import run_sql

MAX_REJECT_RATE = 0.01
KINDS = [table.kind for table in RAW_TABLES]
_DDL = {table.kind: [{"name": c.name, "type": c.type, "not_null": c.not_null} for c in table.columns]
        for table in RAW_TABLES}


def raw_key(source: str, kind: str) -> dg.AssetKey:
    """The asset key of table raw.<source>_<kind>."""
    return dg.AssetKey(["raw", f"{source}_{kind}"])


def raw_keys(kind: str) -> list[dg.AssetKey]:
    """The asset keys of every source's `kind` table."""
    return [raw_key(source.name, kind) for source in SOURCES]


def ensure_schema(conn) -> None:
    """Create every source's raw tables, which loads write into and the core layer reads (idempotent).

    A warehouse of the earlier layout kept rejects only in core.rejected_records and had views
    raw.all_<kind>: its rejects move to the new raw.<source>_rejects tables, so that the next core
    refresh, which rebuilds core.rejected_records from them, loses none; the views go.
    """
    rows = conn.execute("SELECT table_schema || '.' || table_name, table_type FROM information_schema.tables"
                        " WHERE table_catalog = current_database()").fetchall()
    tables = {name for name, kind in rows if kind == "BASE TABLE"}
    for source in SOURCES:
        run_sql(conn, "raw_schema", identifiers={"source": source.name, "tables": _DDL})
        if "core.rejected_records" in tables and f"raw.{source.name}_rejects" not in tables:
            run_sql(conn, "raw_earlier_rejects", {"source": source.name}, {"source": source.name})
    for name, kind in rows:
        if kind == "VIEW" and name.startswith("raw.all_"):
            conn.execute(f"DROP VIEW {name}")  # a name read from the catalog


def landing_files(raw_dir: Path, office: str, month: str) -> list[Path]:
    """Every file of `<raw_dir>/<office>/<month>/`, recursively, in a stable order."""
    folder = raw_dir / office / month
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


def ingest_partition(files: list[Path], stager: PartitionStager, log=None) -> StageSummary:
    """Parse one month's `files` into `stager`; a file that cannot be opened becomes a reject, not a crash."""
    for number, path in enumerate(files, 1):
        stager.set_file(str(path))
        size = path.stat().st_size / 1e6
        if log and size >= 50:  # progress for big dumps only: every log line is an event in the run's log
            log.info(f"[{number}/{len(files)}] parsing {path.name} ({size:.1f} MB)")
        try:
            for record in read_file(path):
                stager.add(record)
        except UnreadableFile as exc:
            stager.add(Reject(str(path), "file", f"cannot read file: {exc}"))
    return stager.summary


def data_source(raw_dir: Path) -> str:
    """What the landing zone holds, for every place that shows data: synthetic demo or real data."""
    from roadmap_pipeline.demo.synthetic import read_header

    header = read_header(raw_dir)
    return f"SYNTHETIC demo corpus (seed {header.get('seed')}), not real patents" if header else "real data (dumps and exports of the landing zone)"


def _metadata(summary: StageSummary, folder: Path) -> dict:
    preview = markdown_table(["doc_id", "format", "date", "title"], [list(r.values()) for r in summary.preview])
    return {
        "landing_folder": dg.MetadataValue.path(str(folder)),
        "files": summary.files,
        "documents": summary.documents,
        "in_scope_ip5": summary.in_scope,
        "out_of_scope": summary.out_of_scope,
        "rejected": summary.rejected,
        "skipped_non_patent": summary.skipped,
        "warnings": summary.warnings,
        "reject_rate": round(summary.reject_rate, 5),
        "documents_per_format": dg.MetadataValue.json(dict(summary.by_format)),
        "documents_per_office": dg.MetadataValue.json(dict(summary.by_office)),
        "reject_reasons": dg.MetadataValue.json(dict(summary.reject_reasons)),
        "preview": dg.MetadataValue.md(preview),
    }


def _spec(source: Source, table: RawTable) -> dg.AssetSpec:
    description = f"One row per {table.row} of the {source.label} dumps of one delivery month."
    if table.kind == "documents":
        description += (
            f"\n\nReads ROADMAP_RAW_DIR/{source.folder}/<YYYY-MM>/; each file's format is sniffed, so any"
            " supported format may arrive in any folder. Partitioned by month so that a refresh or a"
            " re-delivery replaces exactly that month (delete-then-insert in one transaction, with the"
            f" other raw.{source.name}_* tables); a run may cover a range of months."
        )
    return dg.AssetSpec(
        raw_key(source.name, table.kind),
        group_name="raw",
        description=description,
        kinds={"duckdb", source.file_kind} if table.kind == "documents" else {"duckdb"},
        code_version="2",
        metadata={"dagster/column_schema": table_schema([(c.name, c.type, c.description) for c in table.columns])},
    )


def build_raw_asset(source: Source) -> dg.AssetsDefinition:
    """The raw multi-asset of one delivering source (`raw_<source>`): a spec per raw table it writes."""
    documents = raw_key(source.name, "documents")

    @dg.multi_asset(
        name=f"raw_{source.name}",
        specs=[_spec(source, table) for table in RAW_TABLES],
        partitions_def=monthly_partitions,
        pool="duckdb",
        check_specs=[dg.AssetCheckSpec("reject_rate_below_1_percent", asset=documents)],
        # A backfill of many months is one run that loads month after month: per-run overhead is
        # paid once, and each month is still replaced on its own (delete-then-insert).
        backfill_policy=dg.BackfillPolicy.single_run(),
    )
    def raw_asset(context: dg.AssetExecutionContext, warehouse: DuckDBResource, landing_zone: LandingZone):
        raw_dir, artifacts = Path(landing_zone.raw_dir), Path(landing_zone.artifacts_dir)
        months = context.partition_keys
        # Parse first (heavy Python, no warehouse connection), staging the months as Parquet.
        stager = PartitionStager(artifacts / "staging" / "raw" / source.name, source.name, IP5_OFFICES)
        for month in months:
            files = landing_files(raw_dir, source.folder, month)
            if not files:  # no delivery: the month ends up empty, whatever an earlier load left there
                continue
            stager.begin_month(month)
            summary = ingest_partition(files, stager, context.log)
            context.log.info(
                f"{source.name} {month}: {summary.documents} documents ({summary.out_of_scope} out of scope), "
                f"{summary.rejected} rejected, {summary.warnings} warnings, {summary.skipped} skipped"
            )
        globs = stager.close()
        # Then one short connection: delete-then-insert of the whole range in one transaction, so
        # that re-materializing is idempotent and a failure leaves the warehouse as it was.
        months_range = {"first_month": months[0], "last_month": months[-1]}
        names = {"source": source.name, "kinds": KINDS}
        with warehouse.get_connection() as conn:
            ensure_schema(conn)
            conn.execute("BEGIN TRANSACTION")
            run_sql(conn, "raw_clear", months_range, names)
            run_sql(conn, "raw_insert", globs, names)
            conn.execute("COMMIT")
            rows = {kind: conn.execute(f"SELECT count(*) FROM raw.{source.name}_{kind}"  # names from RAW_TABLES
                                       " WHERE partition_month BETWEEN $first_month AND $last_month",
                                       months_range).fetchone()[0] for kind in KINDS}
        stager.discard()
        per_month = stager.summaries
        total = StageSummary.combine(per_month.values())
        over = {m: round(s.reject_rate, 5) for m, s in per_month.items() if s.reject_rate > MAX_REJECT_RATE}
        loaded = {"months": f"{months[0]}..{months[-1]}" if len(months) > 1 else months[0]}
        for kind in KINDS:
            metadata = {"dagster/row_count": rows[kind], **loaded}
            if kind == "documents":
                metadata.update(_metadata(total, raw_dir / source.folder), data_source=data_source(raw_dir),
                                months_with_deliveries=len(per_month))
            yield dg.MaterializeResult(asset_key=raw_key(source.name, kind), metadata=metadata)
        yield dg.AssetCheckResult(
            asset_key=documents,
            check_name="reject_rate_below_1_percent",
            passed=not over,
            metadata={"reject_rate": round(total.reject_rate, 5), "rejected": total.rejected,
                      "months_over_limit": dg.MetadataValue.json(over)},
            description=f"rejected records are at most {MAX_REJECT_RATE:.0%} of each month's records",
        )

    return raw_asset


with warnings.catch_warnings():  # the single-run backfill policy is marked beta; we rely on it knowingly
    warnings.simplefilter("ignore", dg.BetaWarning)
    raw_assets = [build_raw_asset(source) for source in SOURCES]
