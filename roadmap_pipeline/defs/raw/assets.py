"""Raw layer: one asset per delivering source, each reading its monthly landing-zone folder."""


from pathlib import Path

import dagster as dg

from roadmap_pipeline.defs.partitions import monthly_partitions
from roadmap_pipeline.defs.resources import LandingZone, Warehouse
from roadmap_pipeline.lib.formats.reader import UnreadableFile, read_file
from roadmap_pipeline.lib.markdown import markdown_table
from roadmap_pipeline.lib.records import Reject
from roadmap_pipeline.lib.staging import PartitionStager, StageSummary
from roadmap_pipeline.lib.warehouse import run_sql
from roadmap_pipeline.settings import IP5_OFFICES, SOURCES

MAX_REJECT_RATE = 0.01
_NAMES = {"kipo": "KIPO (KR)", "uspto": "USPTO (US)", "jpo": "JPO (JP)", "cnipa": "CNIPA (CN)", "epo": "EPO (EP, DOCDB/OPS)"}
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
    """Parse `files` into `stager`; a file that cannot be opened becomes a reject, not a crash."""
    for number, path in enumerate(files, 1):
        stager.set_file(str(path))
        if log:
            log.info(f"[{number}/{len(files)}] parsing {path.name} ({path.stat().st_size / 1e6:.1f} MB)")
        try:
            for record in read_file(path):
                stager.add(record)
        except UnreadableFile as exc:
            stager.add(Reject(str(path), "file", f"cannot read file: {exc}"))
    return stager.summary


def _metadata(summary: StageSummary, folder: Path) -> dict:
    preview = markdown_table(["doc_id", "format", "date", "title"], [list(r.values()) for r in summary.preview])
    return {
        "dagster/row_count": summary.documents,
        "dagster/column_schema": dg.TableSchema(
            columns=[dg.TableColumn(name, type_, description=desc) for name, type_, desc in _TABLE_COLUMNS]
        ),
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
        kinds={"duckdb", "xml"},
        code_version="1",
        description=(
            f"One row per publication record parsed from the {_NAMES[source]} dumps of one delivery month"
            f" (table raw.{source}_documents, with priorities, classifications, parties and citations).\n\n"
            f"Reads ROADMAP_RAW_DIR/{office}/<YYYY-MM>/; each file's format is sniffed, so any supported"
            " format may arrive in any folder. Partitioned by month so that a refresh or a re-delivery"
            " replaces exactly that month (delete-then-insert in one transaction)."
        ),
        check_specs=[dg.AssetCheckSpec("reject_rate_below_1_percent", asset=f"raw_{source}")],
    )
    def raw_asset(context: dg.AssetExecutionContext, warehouse: Warehouse, landing_zone: LandingZone):
        month = context.partition_key
        folder = Path(landing_zone.raw_dir) / office / month
        files = landing_files(Path(landing_zone.raw_dir), office, month)
        if not files:
            context.log.info(f"no delivery in {folder}: the partition is emptied")
        stage_dir = Path(landing_zone.artifacts_dir) / "staging" / "raw" / source / month
        stager = PartitionStager(stage_dir, source, month, IP5_OFFICES)
        summary = ingest_partition(files, stager, context.log)
        globs = stager.close()
        with warehouse.connect() as conn:
            ensure_schema(conn)
            conn.execute("BEGIN TRANSACTION")
            run_sql(conn, "raw_load", {"month": month, "source": source, **globs}, {"source": source})
            conn.execute("COMMIT")
        context.log.info(
            f"{source} {month}: {summary.documents} documents ({summary.out_of_scope} out of scope), "
            f"{summary.rejected} rejected, {summary.skipped} skipped"
        )
        return dg.MaterializeResult(
            metadata=_metadata(summary, folder),
            check_results=[
                dg.AssetCheckResult(
                    check_name="reject_rate_below_1_percent",
                    passed=summary.reject_rate <= MAX_REJECT_RATE,
                    metadata={"reject_rate": round(summary.reject_rate, 5), "rejected": summary.rejected},
                    description=f"rejected records are at most {MAX_REJECT_RATE:.0%} of the partition's records",
                )
            ],
        )

    return raw_asset


raw_assets = [build_raw_asset(source, office) for source, office in SOURCES.items()]
