"""Raw layer: one asset per delivering source, each reading its monthly landing-zone folder."""


import warnings
from pathlib import Path

import dagster as dg

from roadmap_pipeline.defs.metadata import table_schema
from roadmap_pipeline.defs.partitions import monthly_partitions
from roadmap_pipeline.defs.resources import LandingZone, Warehouse
from roadmap_pipeline.lib.formats.reader import UnreadableFile, read_file
from roadmap_pipeline.lib.markdown import markdown_table
from roadmap_pipeline.lib.records import Reject
from roadmap_pipeline.lib.staging import PartitionStager, StageSummary
from roadmap_pipeline.lib.warehouse import run_sql
from roadmap_pipeline.settings import IP5_OFFICES, SOURCES

MAX_REJECT_RATE = 0.01
_NAMES = {"kipo": "KIPO (KR)", "uspto": "USPTO (US)", "jpo": "JPO (JP)", "cnipa": "CNIPA (CN)", "epo": "EPO (EP, DOCDB/OPS)",
          "exports": "analyst export (Lens, Espacenet, Google Patents, KIPRIS CSV/XLSX)"}
_TABLE_COLUMNS = [
    ("doc_id", "string", "DOCDB publication id CC-NUMBER-KIND"),
    ("office", "string", "publishing authority"),
    ("publication_date", "date", "publication date"),
    ("application_id", "string", "DOCDB application id"),
    ("docdb_family_id", "string", "DOCDB simple-family id, where the source gives it"),
    ("title", "string", "title in the original language where known"),
    ("source_format", "string", "format the record was read from"),
    ("partition_month", "string", "delivery month YYYY-MM"),
]


def ensure_schema(conn) -> None:
    """Create every raw and core table that loads write into (idempotent)."""
    for source in SOURCES:
        run_sql(conn, "raw_schema", identifiers={"source": source})
    run_sql(conn, "core_schema")
    run_sql(conn, "raw_views")


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
        "dagster/row_count": summary.documents,
        "dagster/column_schema": table_schema(_TABLE_COLUMNS),
        "landing_folder": dg.MetadataValue.path(str(folder)),
        "files": summary.files,
        "documents": summary.documents,
        "in_scope_ip5": summary.in_scope,
        "out_of_scope": summary.out_of_scope,
        "rejected": summary.rejected,
        "skipped_non_patent": summary.skipped,
        "reject_rate": round(summary.reject_rate, 5),
        "documents_per_format": dg.MetadataValue.json(dict(summary.by_format)),
        "documents_per_office": dg.MetadataValue.json(dict(summary.by_office)),
        "reject_reasons": dg.MetadataValue.json(dict(summary.reject_reasons)),
        "preview": dg.MetadataValue.md(preview),
    }


def build_raw_asset(source: str, office: str) -> dg.AssetsDefinition:
    """The raw asset of one delivering source (`raw_<source>`, table `raw.<source>_documents`)."""

    @dg.asset(
        name=f"raw_{source}",
        group_name="raw",
        partitions_def=monthly_partitions,
        pool="duckdb",
        kinds={"duckdb", "csv" if source == "exports" else "xml"},
        code_version="1",
        description=(
            f"One row per publication record parsed from the {_NAMES[source]} dumps of one delivery month"
            f" (table raw.{source}_documents, with priorities, classifications, parties and citations).\n\n"
            f"Reads ROADMAP_RAW_DIR/{office}/<YYYY-MM>/; each file's format is sniffed, so any supported"
            " format may arrive in any folder. Partitioned by month so that a refresh or a re-delivery"
            " replaces exactly that month (delete-then-insert in one transaction); a run may cover a"
            " range of months."
        ),
        check_specs=[dg.AssetCheckSpec("reject_rate_below_1_percent", asset=f"raw_{source}")],
        # A backfill of many months is one run that loads month after month: per-run overhead is
        # paid once, and each month is still replaced on its own (delete-then-insert).
        backfill_policy=dg.BackfillPolicy.single_run(),
    )
    def raw_asset(context: dg.AssetExecutionContext, warehouse: Warehouse, landing_zone: LandingZone):
        raw_dir, artifacts = Path(landing_zone.raw_dir), Path(landing_zone.artifacts_dir)
        months = context.partition_keys
        # Parse first (heavy Python, no warehouse connection), staging the months as Parquet.
        stager = PartitionStager(artifacts / "staging" / "raw" / source, source, IP5_OFFICES)
        for month in months:
            files = landing_files(raw_dir, office, month)
            if not files:  # no delivery: the month ends up empty, whatever an earlier load left there
                continue
            stager.begin_month(month)
            summary = ingest_partition(files, stager, context.log)
            context.log.info(
                f"{source} {month}: {summary.documents} documents ({summary.out_of_scope} out of scope), "
                f"{summary.rejected} rejected, {summary.skipped} skipped"
            )
        globs = stager.close()
        # Then one short connection: delete-then-insert of the whole range in one transaction, so
        # that re-materializing is idempotent and a failure leaves the warehouse as it was.
        with warehouse.connect() as conn:
            ensure_schema(conn)
            conn.execute("BEGIN TRANSACTION")
            run_sql(conn, "raw_clear", {"first_month": months[0], "last_month": months[-1], "source": source},
                    {"source": source})
            run_sql(conn, "raw_insert", globs, {"source": source})
            conn.execute("COMMIT")
        stager.discard()
        per_month = stager.summaries
        total = StageSummary.combine(per_month.values())
        over = {m: round(s.reject_rate, 5) for m, s in per_month.items() if s.reject_rate > MAX_REJECT_RATE}
        return dg.MaterializeResult(
            metadata={
                **_metadata(total, raw_dir / office),
                "data_source": data_source(raw_dir),
                "months": f"{months[0]}..{months[-1]}" if len(months) > 1 else months[0],
                "months_with_deliveries": len(per_month),
            },
            check_results=[
                dg.AssetCheckResult(
                    check_name="reject_rate_below_1_percent",
                    passed=not over,
                    metadata={"reject_rate": round(total.reject_rate, 5), "rejected": total.rejected,
                              "months_over_limit": dg.MetadataValue.json(over)},
                    description=f"rejected records are at most {MAX_REJECT_RATE:.0%} of each month's records",
                )
            ],
        )

    return raw_asset


with warnings.catch_warnings():  # the single-run backfill policy is marked beta; we rely on it knowingly
    warnings.simplefilter("ignore", dg.BetaWarning)
    raw_assets = [build_raw_asset(source, office) for source, office in SOURCES.items()]
