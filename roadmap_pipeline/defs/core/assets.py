"""Core layer: the five sources merged into one row per IP5 publication."""


import dagster as dg

from roadmap_pipeline.defs.metadata import table_schema
from roadmap_pipeline.defs.raw.assets import KINDS, ensure_schema, raw_keys
from roadmap_pipeline.defs.resources import Warehouse
from roadmap_pipeline.lib.language_counts import documents_per_language
from roadmap_pipeline.lib.markdown import markdown_table
from roadmap_pipeline.lib.records import OFFICE_LANGUAGES, RAW_TABLES, SOURCES, Document
from roadmap_pipeline.lib.warehouse import run_sql

DOCUMENTS = dg.AssetKey(["core", "documents"])
_NOT_MERGED = {"status", "source_format", "locator"}  # facts of a record, not of the publication
_COLUMNS = [
    *((c.name, c.type, c.description) for c in RAW_TABLES[0].columns
      if c.name in Document.__dataclass_fields__ and c.name not in _NOT_MERGED),
    ("sources", "varchar[]", "record origins that described it: kipris, uspto, docdb, ops"),
    ("raw_sources", "varchar[]", "raw assets (dumps) that delivered it"),
]
# Each child table of core.documents: the raw kind it merges, and what one row is.
_CHILDREN = {
    "document_priorities": ("priorities", "priority claim, all from one record of the publication (DOCDB/OPS first)"),
    "document_classifications": ("classifications", "(publication, scheme, class symbol), with the origins that gave it"),
    "document_parties": ("parties", "applicant or inventor, all from one record of the publication"),
    "document_citations": ("citations", "(publication, cited document), with the origins that gave it"),
}
_SPECS = [
    dg.AssetSpec(DOCUMENTS, group_name="core", kinds={"duckdb"}, code_version="2", deps=raw_keys("documents"),
                 description="One row per IP5 publication (KR, US, JP, CN, EP), merged over every source that delivered it."
                 "\n\nRebuilt from all raw partitions: the same publication from two dumps (a KR document from"
                 " KIPRIS and from DOCDB) becomes one row that keeps what each knows, with the sources listed."
                 " Documents of other authorities stay in the raw tables and are counted as out of scope.",
                 metadata={"dagster/column_schema": table_schema(_COLUMNS)}),
    *(dg.AssetSpec(["core", table], group_name="core", kinds={"duckdb"}, code_version="2",
                   deps=[*raw_keys("documents"), *raw_keys(kind)], description=f"One row per {row}.")
      for table, (kind, row) in _CHILDREN.items()),
    dg.AssetSpec(["core", "rejected_records"], group_name="core", kinds={"duckdb"}, code_version="2",
                 deps=raw_keys("rejects"),
                 description="One row per rejected record or file of any source, with the reason and an excerpt."),
]


def merge_documents(conn) -> None:
    """Rebuild core.documents, its child tables and core.rejected_records from every source's raw tables."""
    run_sql(conn, "core_documents",
            {"offices": list(OFFICE_LANGUAGES), "office_languages": list(OFFICE_LANGUAGES.values())},
            {"sources": [source.name for source in SOURCES], "kinds": KINDS})


@dg.multi_asset(
    name="documents",
    specs=_SPECS,
    pool="duckdb",
    check_specs=[dg.AssetCheckSpec("doc_id_unique", asset=DOCUMENTS)],
)
def documents(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """core.documents, its child tables and the quarantine of rejected records, from all raw partitions."""
    with warehouse.connect() as conn:
        ensure_schema(conn)
        conn.execute("BEGIN TRANSACTION")
        merge_documents(conn)
        conn.execute("COMMIT")
        # all_documents and offices: temporary relations of the merge, on this connection
        stats = conn.sql(
            """SELECT
                (SELECT count(*) FROM core.documents),
                (SELECT count(DISTINCT doc_id) FROM core.documents),
                (SELECT count(DISTINCT doc_id) FROM all_documents ANTI JOIN offices USING (office)),
                (SELECT count(*) FROM core.documents WHERE len(sources) > 1),
                (SELECT count(*) FROM core.rejected_records WHERE severity = 'error')"""
        ).fetchone()
        per_office = dict(conn.sql("SELECT office, count(*) FROM core.documents GROUP BY 1 ORDER BY 1").fetchall())
        languages = documents_per_language(conn)
        rows = {spec.key: conn.sql(f"SELECT count(*) FROM {'.'.join(spec.key.path)}").fetchone()[0]  # fixed names
                for spec in _SPECS}
        preview = conn.sql(
            "SELECT doc_id, publication_date, coalesce(title_en, title) AS title, array_to_string(sources, ',') AS sources"
            " FROM core.documents ORDER BY publication_date DESC NULLS LAST, doc_id LIMIT 10"
        ).pl()
    total, distinct, out_of_scope, merged, rejected = stats
    context.log.info(f"core.documents: {total} publications, {merged} merged from several sources")
    for key, count in rows.items():
        metadata = {"dagster/row_count": count}
        if key == DOCUMENTS:
            metadata.update({
                "documents_per_office": dg.MetadataValue.json(per_office),
                "documents per language": dg.MetadataValue.md(markdown_table(
                    ["language", "titles", "abstracts"], languages.iter_rows())),
                "merged_from_several_sources": merged,
                "out_of_scope_publications": out_of_scope,
                "preview": dg.MetadataValue.md(markdown_table(preview.columns, preview.iter_rows())),
            })
        elif key.path[-1] == "rejected_records":
            metadata["errors"] = rejected
        yield dg.MaterializeResult(asset_key=key, metadata=metadata)
    yield dg.AssetCheckResult(asset_key=DOCUMENTS, check_name="doc_id_unique", passed=total == distinct,
                              metadata={"rows": total, "distinct_doc_ids": distinct})
