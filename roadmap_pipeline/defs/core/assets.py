"""Core layer: the five sources merged into one row per IP5 publication."""


import dagster as dg

from roadmap_pipeline.defs.metadata import table_schema
from roadmap_pipeline.defs.raw.assets import ensure_schema, raw_assets
from roadmap_pipeline.defs.resources import Warehouse
from roadmap_pipeline.lib.language_counts import documents_per_language
from roadmap_pipeline.lib.markdown import markdown_table
from roadmap_pipeline.lib.warehouse import run_sql

_COLUMNS = [
    ("doc_id", "string", "DOCDB publication id CC-NUMBER-KIND (unique)"),
    ("office", "string", "publishing office: KR, US, JP, CN or EP"),
    ("publication_number", "string", "DOCDB publication number"),
    ("kind", "string", "kind code"),
    ("publication_date", "date", ""),
    ("application_id", "string", "DOCDB application id"),
    ("filing_date", "date", ""),
    ("docdb_family_id", "string", "DOCDB simple-family id where any source gives it"),
    ("title", "string", "title in the office's language where known"),
    ("title_lang", "string", ""),
    ("abstract", "string", "abstract in the office's language where known"),
    ("abstract_lang", "string", ""),
    ("title_en", "string", ""),
    ("abstract_en", "string", ""),
    ("sources", "list<string>", "record origins that described it: kipris, uspto, docdb, ops"),
    ("raw_sources", "list<string>", "raw assets (dumps) that delivered it"),
]


@dg.asset(
    group_name="core",
    key_prefix="core",
    deps=raw_assets,
    pool="duckdb",
    kinds={"duckdb"},
    code_version="1",
    check_specs=[dg.AssetCheckSpec("doc_id_unique", asset=dg.AssetKey(["core", "documents"]))],
)
def documents(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """One row per IP5 publication (KR, US, JP, CN, EP), merged over every source that delivered it.

    Rebuilt from all raw partitions: the same publication from two dumps (a KR document from KIPRIS
    and from DOCDB) becomes one row that keeps what each knows, with the sources listed. Documents of
    other authorities stay in the raw tables and are counted as out of scope. Child tables
    core.document_priorities, _classifications, _parties and _citations are rebuilt alongside.
    """
    with warehouse.connect() as conn:
        ensure_schema(conn)
        conn.execute("BEGIN TRANSACTION")
        run_sql(conn, "core_documents")
        conn.execute("COMMIT")
        stats = conn.sql(
            """SELECT
                (SELECT count(*) FROM core.documents),
                (SELECT count(DISTINCT doc_id) FROM core.documents),
                (SELECT count(DISTINCT doc_id) FROM raw.all_documents
                   WHERE office NOT IN ('KR', 'US', 'JP', 'CN', 'EP')),
                (SELECT count(*) FROM core.documents WHERE len(sources) > 1),
                (SELECT count(*) FROM core.rejected_records WHERE severity = 'error')"""
        ).fetchone()
        per_office = dict(conn.sql("SELECT office, count(*) FROM core.documents GROUP BY 1 ORDER BY 1").fetchall())
        languages = documents_per_language(conn)
        children = {
            table: conn.sql(f"SELECT count(*) FROM core.{table}").fetchone()[0]  # fixed names, no data
            for table in ("document_priorities", "document_classifications", "document_parties", "document_citations")
        }
        preview = conn.sql(
            "SELECT doc_id, publication_date, coalesce(title_en, title) AS title, array_to_string(sources, ',') AS sources"
            " FROM core.documents ORDER BY publication_date DESC NULLS LAST, doc_id LIMIT 10"
        ).pl()
    rows, distinct, out_of_scope, merged, rejected = stats
    context.log.info(f"core.documents: {rows} publications, {merged} merged from several sources")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": rows,
            "dagster/column_schema": table_schema(_COLUMNS),
            "documents_per_office": dg.MetadataValue.json(per_office),
            "documents per language": dg.MetadataValue.md(markdown_table(
                ["language", "titles", "abstracts"], languages.iter_rows())),
            "merged_from_several_sources": merged,
            "out_of_scope_publications": out_of_scope,
            "rejected_records_total": rejected,
            **{f"rows_{table}": count for table, count in children.items()},
            "preview": dg.MetadataValue.md(markdown_table(preview.columns, preview.iter_rows())),
        },
        check_results=[dg.AssetCheckResult(check_name="doc_id_unique", passed=rows == distinct,
                                           metadata={"rows": rows, "distinct_doc_ids": distinct})],
    )

