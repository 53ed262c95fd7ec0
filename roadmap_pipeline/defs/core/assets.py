"""Core layer: the five sources merged into one row per IP5 publication."""


import time

import dagster as dg
from dagster_duckdb import DuckDBResource

from roadmap_pipeline.defs.metadata import table_schema
from roadmap_pipeline.defs.raw.assets import KINDS, ensure_schema, raw_key, raw_keys
from roadmap_pipeline.lib.language_counts import documents_per_language
from roadmap_pipeline.lib.markdown import markdown_table
from roadmap_pipeline.lib.records import OFFICE_LANGUAGES, RAW_TABLES, SOURCES, Document
from roadmap_pipeline.lib.warehouse import run_sql, statements

DOCUMENTS = dg.AssetKey(["core", "documents"])
MERGED_PARTITIONS = dg.AssetKey(["core", "merged_partitions"])
DOCUMENT_CHANGES = dg.AssetKey(["core", "document_changes"])


class CoreConfig(dg.Config):
    """How a core refresh runs."""

    full: bool = False
    """Recompute every core table from all raw partitions instead of merging what changed."""


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
    dg.AssetSpec(DOCUMENTS, group_name="core", kinds={"duckdb"}, code_version="3", deps=raw_keys("documents"),
                 description="One row per IP5 publication (KR, US, JP, CN, EP), merged over every source that delivered it."
                 "\n\nThe same publication from two dumps (a KR document from KIPRIS and from DOCDB) becomes"
                 " one row that keeps what each knows, with the sources listed. A refresh merges the raw"
                 " partitions not merged before (core.merged_partitions): every publication they name is"
                 " merged again from all its records; run config full recomputes every row."
                 " Documents of other authorities stay in the raw tables and are counted as out of scope.",
                 metadata={"dagster/column_schema": table_schema(_COLUMNS)}),
    *(dg.AssetSpec(["core", table], group_name="core", kinds={"duckdb"}, code_version="2",
                   deps=[*raw_keys("documents"), *raw_keys(kind)], description=f"One row per {row}.")
      for table, (kind, row) in _CHILDREN.items()),
    dg.AssetSpec(["core", "rejected_records"], group_name="core", kinds={"duckdb"}, code_version="2",
                 deps=raw_keys("rejects"),
                 description="One row per rejected record or file of any source, with the reason and an excerpt."),
    dg.AssetSpec(MERGED_PARTITIONS, group_name="core", kinds={"duckdb"}, code_version="1",
                 deps=[key for kind in KINDS for key in raw_keys(kind)],
                 description="One row per raw partition (source, month) merged into core.documents, with its"
                 " record count and a fingerprint of its rows.\n\nHow a refresh knows which months are new:"
                 " a month not listed is merged on its own; a listed month gone from the raw tables or loaded"
                 " again with other rows makes the merge a full recompute."),
    dg.AssetSpec(DOCUMENT_CHANGES, group_name="core", kinds={"duckdb"}, code_version="1",
                 deps=raw_keys("documents"),
                 description="One row per publication replaced in core.documents since the family tables last"
                 " read this table, with its application id and cited documents before; one row of nulls after"
                 " a full rebuild.\n\nThe family tables recompute only the families these publications touch"
                 " and then empty it."),
]


def merge_documents(conn, full: bool = False, loaded: set[tuple[str, str]] | None = None) -> tuple[str, str]:
    """Bring core.documents, its child tables and core.rejected_records up to date with the raw tables.

    Only the raw partitions not merged before are read (their publications' rows replaced from all
    their records, their rejects appended), unless `full` is set or a merge of the new partitions
    alone could differ from a rebuild: nothing merged yet, or a partition merged before that is gone
    from the raw tables or whose rows changed (its old records cannot be told apart any more). Runs
    in the caller's transaction.

    Args:
        conn: A warehouse connection.
        full: Recompute everything from all raw partitions.
        loaded: The (source, month) partitions loaded since the last merge, where the caller knows
            them (the raw assets' materializations): only those and the new ones are fingerprinted.
            None fingerprints every partition.

    Returns:
        The mode ("full", "incremental" or "unchanged") and why it was chosen.
    """
    names = {"sources": [source.name for source in SOURCES], "kinds": KINDS}
    run_sql(conn, "core_partitions", identifiers={**names, "fingerprint_all": loaded is None})
    if loaded is not None:
        # The partitions loaded since the last merge or not merged yet; the others keep their fingerprints.
        unknown = conn.sql("SELECT source, partition_month FROM raw_partitions ANTI JOIN core.merged_partitions"
                           " USING (source, partition_month)").fetchall()
        for source, month in sorted(set(unknown) | loaded):
            fingerprint = conn.execute(
                statements("core_partition_fingerprint", {"source": source, "kinds": KINDS})[0],
                {"month": month}).fetchone()[0]
            conn.execute("UPDATE raw_partitions SET fingerprint = ? WHERE source = ? AND partition_month = ?",
                         [fingerprint, source, month])
        conn.execute("UPDATE raw_partitions AS r SET fingerprint = m.fingerprint FROM core.merged_partitions AS m"
                     " WHERE r.fingerprint IS NULL AND m.source = r.source AND m.partition_month = r.partition_month")
    gone, changed, new = conn.sql(
        """SELECT
            count(*) FILTER (WHERE r.source IS NULL),
            count(*) FILTER (WHERE r.source IS NOT NULL AND m.source IS NOT NULL
                             AND (r.fingerprint, r.records) IS DISTINCT FROM (m.fingerprint, m.records)),
            count(*) FILTER (WHERE m.source IS NULL)
        FROM core.merged_partitions AS m FULL JOIN raw_partitions AS r USING (source, partition_month)"""
    ).fetchone()
    merged_before = conn.sql("SELECT count(*) FROM core.merged_partitions").fetchone()[0]
    has_documents = tables_exist(conn, "core", "documents", "document_changes")
    if full:
        mode, reason = "full", "a full recompute was asked for"
    elif not merged_before or not has_documents:
        mode, reason = "full", "no raw partition merged before"
    elif gone:
        mode, reason = "full", f"{gone} raw partition(s) merged before are gone from the raw tables"
    elif changed:
        mode, reason = "full", f"{changed} raw partition(s) merged before were loaded again with other rows"
    elif not new:
        return "unchanged", "no raw partition is new or changed"
    else:
        mode, reason = "incremental", f"{new} new raw partition(s)"
    if mode == "incremental":
        conn.execute("CREATE OR REPLACE TEMP TABLE core_new_partitions AS SELECT source, partition_month"
                     " FROM raw_partitions ANTI JOIN core.merged_partitions USING (source, partition_month)")
        conn.execute("CREATE OR REPLACE TEMP TABLE core_changed_docs AS SELECT DISTINCT doc_id FROM ("
                     + " UNION ALL ".join(f"SELECT doc_id, source, partition_month FROM raw.{source.name}_documents"
                                          for source in SOURCES)  # names from lib/records.py
                     + ") SEMI JOIN core_new_partitions USING (source, partition_month)")
    run_sql(conn, "core_documents",
            {"offices": list(OFFICE_LANGUAGES), "office_languages": list(OFFICE_LANGUAGES.values())},
            {**names, "incremental": mode == "incremental"})
    if mode == "full":
        conn.execute("DELETE FROM core.merged_partitions")
        conn.execute("INSERT INTO core.merged_partitions BY NAME SELECT * FROM raw_partitions")
    else:
        conn.execute("INSERT INTO core.merged_partitions BY NAME SELECT * FROM raw_partitions"
                     " SEMI JOIN core_new_partitions USING (source, partition_month)")
    return mode, reason


def tables_exist(conn, schema: str, *tables: str) -> bool:
    """Whether every one of `tables` exists in `schema` of the connection's database."""
    found = conn.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database()"
                         " AND schema_name = $schema AND list_contains($tables, table_name)",
                         {"schema": schema, "tables": list(tables)}).fetchone()[0]
    return found == len(tables)


def raw_loads_since(instance: dg.DagsterInstance, cursor: int | None) -> tuple[set[tuple[str, str]] | None, int]:
    """The (source, month) raw partitions materialized after event storage id `cursor`, and the newest id seen.

    Without a cursor (no merge recorded in this instance) the partitions are unknown: None.
    """
    loaded, newest = set(), cursor or 0
    for source in SOURCES:
        records_filter = dg.AssetRecordsFilter(asset_key=raw_key(source.name, "documents"), after_storage_id=cursor)
        page = None
        while True:
            result = instance.fetch_materializations(records_filter, limit=1000, cursor=page, ascending=True)
            for record in result.records:
                loaded.add((source.name, record.partition_key))
                newest = max(newest, record.storage_id)
            if not result.has_more:
                break
            page = result.cursor
    return (loaded if cursor is not None else None), newest


@dg.multi_asset(
    name="documents",
    specs=_SPECS,
    pool="duckdb",
    check_specs=[dg.AssetCheckSpec("doc_id_unique", asset=DOCUMENTS)],
)
def documents(context: dg.AssetExecutionContext, config: CoreConfig, warehouse: DuckDBResource):
    """core.documents, its child tables and the quarantine of rejected records, from the raw partitions not merged before."""
    started = time.perf_counter()
    with warehouse.get_connection() as conn:
        ensure_schema(conn)
        conn.execute("BEGIN TRANSACTION")
        last = context.instance.get_latest_materialization_event(MERGED_PARTITIONS)
        cursor = last.asset_materialization.metadata.get("raw_event_cursor") if last else None
        loaded, newest = raw_loads_since(context.instance, cursor.value if cursor else None)
        mode, reason = merge_documents(conn, config.full, loaded)
        conn.execute("COMMIT")
        seconds = round(time.perf_counter() - started, 2)
        context.log.info(f"core.documents: {mode} merge ({reason}) in {seconds} s")
        stats = conn.sql(
            """SELECT
                (SELECT count(*) FROM core.documents),
                (SELECT count(DISTINCT doc_id) FROM core.documents),
                (SELECT count(*) FROM core.documents WHERE len(sources) > 1),
                (SELECT count(*) FROM core.rejected_records WHERE severity = 'error'),
                (SELECT count(*) FROM core.document_changes)"""
        ).fetchone()
        out_of_scope = conn.execute(
            "SELECT count(DISTINCT doc_id) FROM ("
            + " UNION ALL ".join(f"SELECT doc_id, office FROM raw.{source.name}_documents" for source in SOURCES)
            + ") WHERE NOT list_contains($offices, office)", {"offices": list(OFFICE_LANGUAGES)}).fetchone()[0]
        per_office = dict(conn.sql("SELECT office, count(*) FROM core.documents GROUP BY 1 ORDER BY 1").fetchall())
        # Counting texts per language reads every title and abstract: only when everything was read anyway.
        languages = documents_per_language(conn) if mode == "full" else None
        rows = {spec.key: conn.sql(f"SELECT count(*) FROM {'.'.join(spec.key.path)}").fetchone()[0]  # fixed names
                for spec in _SPECS}
        preview = conn.sql(
            "SELECT doc_id, publication_date, coalesce(title_en, title) AS title, array_to_string(sources, ',') AS sources"
            " FROM core.documents ORDER BY publication_date DESC NULLS LAST, doc_id LIMIT 10"
        ).pl()
    total, distinct, merged, rejected, pending = stats
    context.log.info(f"core.documents: {total} publications, {merged} merged from several sources")
    for key, count in rows.items():
        metadata = {"dagster/row_count": count}
        if key == DOCUMENTS:
            metadata.update({
                "documents_per_office": dg.MetadataValue.json(per_office),
                "merged_from_several_sources": merged,
                "out_of_scope_publications": out_of_scope,
                "merge": mode,
                "merge_reason": reason,
                "seconds": seconds,
                "preview": dg.MetadataValue.md(markdown_table(preview.columns, preview.iter_rows())),
            })
            if languages is not None:
                metadata["documents per language"] = dg.MetadataValue.md(markdown_table(
                    ["language", "titles", "abstracts"], languages.iter_rows()))
        elif key.path[-1] == "rejected_records":
            metadata["errors"] = rejected
        elif key == MERGED_PARTITIONS:
            metadata["raw_event_cursor"] = newest
            metadata["fingerprinted"] = "every partition" if loaded is None else f"{len(loaded)} loaded since the last merge and the new ones"
        elif key == DOCUMENT_CHANGES:
            metadata["publications_pending_for_families"] = pending
        yield dg.MaterializeResult(asset_key=key, metadata=metadata)
    yield dg.AssetCheckResult(asset_key=DOCUMENTS, check_name="doc_id_unique", passed=total == distinct,
                              metadata={"rows": total, "distinct_doc_ids": distinct})
