"""Core layer: documents deduplicated into simple patent families, with their attributes."""


import time
from contextlib import contextmanager

import dagster as dg
from dagster_duckdb import DuckDBResource

from roadmap_pipeline.defs.core.assets import DOCUMENT_CHANGES, DOCUMENTS, CoreConfig, tables_exist
from roadmap_pipeline.defs.metadata import table_schema
from roadmap_pipeline.lib.markdown import markdown_table
from roadmap_pipeline.lib.records import IP5_OFFICES
from roadmap_pipeline.lib.warehouse import run_sql

# The SQL files of each asset, run in this order on one connection (temp tables pass between them).
# SQL files in order; a (name, identifiers) pair runs a generic file on named temp tables.
MEMBER_SQL = (
    "families_priority_sets",
    "families_set_edges",
    ("connected_components", {"edges": "family_set_edges", "components": "family_set_components"}),
    "families_title_key",
    "families_fallback_edges",
    ("connected_components", {"edges": "family_fallback_edges", "components": "family_fallback_components"}),
    "families_members",
)
FAMILY_SQL = (
    "families_keys",
    "families_extended",
    ("connected_components", {"edges": "family_link_edges", "components": "family_extended"}),
    ("families_attributes", {"offices": [office.lower() for office in IP5_OFFICES]}),
)
# The core tables a recomputation of some families copies into a scratch database.
_MEMBER_INPUTS = ("documents", "document_priorities", "document_parties")
_FAMILY_INPUTS = ("documents", "document_priorities", "document_classifications", "document_parties",
                  "document_citations", "family_members")
_REGION = "family_region"
FAMILY_MEMBERS = dg.AssetKey(["core", "family_members"])
MEMBER_CHANGES = dg.AssetKey(["core", "family_member_changes"])
FAMILIES = dg.AssetKey(["core", "families"])
FAMILY_CHANGES = dg.AssetKey(["core", "family_changes"])

_MEMBER_COLUMNS = [
    ("family_id", "string", "simple family: the DOCDB family id where a member has one, else 'P' + md5 of the priority set"),
    ("doc_id", "string", "publication of core.documents (each exactly once)"),
    ("docdb_family_id", "string", "the document's own DOCDB family id, where a source gives it"),
    ("priority_set", "list<string>", "the document's simple-family priority set (active priorities, sorted)"),
    ("earliest_priority_id", "string", "earliest priority of the set"),
    ("earliest_priority_date", "date", ""),
    ("fallback", "boolean", "the family was formed by the fallback (no priority or DOCDB evidence in it): title, applicant and filing dates"),
]

_FAMILY_COLUMNS = [
    ("family_id", "string", "DOCDB family id where any member carries one (several: the smallest number), else 'P' + md5"),
    ("earliest_priority_date", "date", "earliest priority date of the family"),
    ("first_filing_country", "string", "CC of the earliest priority (a PCT's receiving office): the nationality indicators use"),
    ("offices", "list<string>", "IP5 offices with a member (KR, US, JP, CN, EP)"),
    ("family_size", "int", "number of offices, 1 to 5"),
    ("member_count", "int", "publications in the family"),
    ("representative_doc_id", "string", "member with an English abstract, else the earliest published"),
    ("title", "string", "English title where a member has one, else the representative's"),
    ("title_lang", "string", ""),
    ("abstract", "string", "English abstract where a member has one, else the first in the original language"),
    ("abstract_lang", "string", ""),
    ("cpc", "list<string>", "union of the members' CPC symbols"),
    ("ipc", "list<string>", "union of the members' IPC symbols"),
    ("applicants", "list<string>", "applicant names as the sources write them"),
    ("applicant_countries", "list<string>", "ISO countries of the applicants"),
    ("forward_citations", "int", "other families citing any member"),
    ("earliest_priority_id", "string", ""),
    ("docdb_family_ids", "list<string>", "DOCDB family ids carried by members"),
    ("extended_family_id", "string", "INPADOC-style extended family: families linked by any shared application"),
    ("linked_by", "string", "priorities (no DOCDB id), docdb (DOCDB ids join several priority sets), both, or fallback"
     " (no priority or DOCDB evidence: publications joined by title, applicant and filing dates)"),
]


# Each persistent table is replaced by one CREATE OR REPLACE statement (atomic on its own), so no
# explicit transaction: inside one, DuckDB has no statistics for the temp tables made in it and can
# pick nested-loop joins that run for minutes at a million documents.
# The family tables are rebuilt in full every refresh, so their strings are written without FSST and
# dictionary compression, whose analysis costs more time than anything else in the writes
# (bench/families_bench.py); the tables take more room on disk in exchange.
_SESSION = {"preserve_insertion_order": "false", "disabled_compression_methods": "'fsst,dictionary'"}


def _run(conn, names) -> None:
    for setting, value in _SESSION.items():
        conn.execute(f"SET {setting} = {value}")  # fixed settings, no data
    try:
        for step in names:
            name, identifiers = step if isinstance(step, tuple) else (step, None)
            run_sql(conn, name, identifiers=identifiers)
    finally:
        for setting in _SESSION:
            conn.execute(f"RESET {setting}")


def build_family_members(conn) -> None:
    """Rebuild core.family_members from core.documents and its priorities."""
    _run(conn, MEMBER_SQL)


def build_families(conn) -> None:
    """Rebuild core.families from core.family_members and the document tables."""
    _run(conn, FAMILY_SQL)


def _exists(conn, *tables: str) -> bool:
    return tables_exist(conn, "core", *tables)


# The tables through which each core step hands the next what changed, with the column a row of
# nulls in which asks the next for a full rebuild.
_QUEUES = {"document_changes": "doc_id", "family_member_changes": "family_id", "family_changes": "family_id"}


def _pending(conn, queue: str) -> int | None:
    """Rows waiting in core.<queue>; None when it asks for a full rebuild (a row of nulls, or no table)."""
    if not _exists(conn, queue):
        return None
    rows, everything = conn.sql(f"SELECT count(*), count(*) FILTER (WHERE {_QUEUES[queue]} IS NULL)"
                                f" FROM core.{queue}").fetchone()  # fixed names
    return None if everything else rows


def search_texts_incremental(conn) -> bool:
    """Whether taxonomy.search_texts can be brought up to date from the families in core.family_changes alone."""
    return _pending(conn, "family_changes") is not None and tables_exist(conn, "taxonomy", "search_texts")


def consume_family_changes(conn) -> None:
    """Empty core.family_changes once the search texts have read it (in the caller's transaction)."""
    if _exists(conn, "family_changes"):
        conn.execute("DELETE FROM core.family_changes")


@contextmanager
def _region(conn, docs: str, tables: tuple[str, ...], texts: bool = False):
    """A scratch in-memory database holding the rows of `tables` of the publications in temp table `docs`, in use.

    The family SQL then runs on it unchanged (it names core.<table>), seeing only those publications.
    Abstracts, most of the bytes of core.documents, are copied only with `texts`: membership never
    reads them.
    """
    main = conn.sql("SELECT current_database()").fetchone()[0]
    conn.execute(f"ATTACH ':memory:' AS {_REGION}")
    try:
        conn.execute(f"CREATE SCHEMA {_REGION}.core")
        for table in tables:  # fixed names
            columns = "* EXCLUDE (abstract, abstract_en)" if table == "documents" and not texts else "*"
            conn.execute(f"CREATE TABLE {_REGION}.core.{table} AS SELECT {columns} FROM core.{table}"
                         f" WHERE doc_id IN (SELECT doc_id FROM {docs})")
        conn.execute(f"USE {_REGION}")
        yield
    finally:
        conn.execute(f'USE "{main}"')
        conn.execute(f"DETACH {_REGION}")


def _priority_sets(conn, docs: str, into: str) -> None:
    """Temp table `into`: the priority sets (families_priority_sets.sql) of the publications in temp table `docs`.

    A set depends on the publication's own claims and on the claims of the applications it claims,
    so those publications come along; only the sets of `docs` are kept.
    """
    conn.execute(f"CREATE OR REPLACE TEMP TABLE family_set_context AS SELECT doc_id FROM {docs} UNION"
                 " SELECT d.doc_id FROM core.documents AS d WHERE d.application_id IN"
                 f" (SELECT p.priority_id FROM core.document_priorities AS p SEMI JOIN {docs} USING (doc_id))")
    with _region(conn, "family_set_context", _MEMBER_INPUTS):
        _run(conn, MEMBER_SQL[:1])
    conn.execute(f"CREATE OR REPLACE TEMP TABLE {into} AS SELECT * FROM family_priority_sets SEMI JOIN {docs} USING (doc_id)")


# Each core table's queue of changed rows, which the next step consumes.
_CHANGES = {"documents": "document_changes", "family_members": "family_member_changes", "families": "family_changes"}


def _rebuild_in_full(conn, full: bool, pending: int | None, upstream: str, table: str) -> tuple[str, str, int]:
    """Rebuild core.<table> in full from core.<upstream>, consuming core.<upstream's changes>; every
    family then counts as changed for the next step (a row of nulls in core.<table's changes>)."""
    consumed, changes = _CHANGES[upstream], _CHANGES[table]
    reason = ("a full recompute was asked for" if full else f"core.{upstream} was rebuilt in full"
              if pending is None else "no family tables yet")
    {"family_members": build_family_members, "families": build_families}[table](conn)
    conn.execute(f"CREATE OR REPLACE TABLE core.{changes} AS SELECT CAST(NULL AS VARCHAR) AS family_id")
    if _exists(conn, consumed):
        conn.execute(f"DELETE FROM core.{consumed}")
    return "full", reason, conn.sql(f"SELECT count(*) FROM core.{table}").fetchone()[0]


def refresh_family_members(conn, full: bool = False) -> tuple[str, str, int]:
    """Bring core.family_members up to date with the publications listed in core.document_changes.

    Recomputes the families those publications can reach (sql/families_changed_region.sql) on a
    scratch copy of their members' rows with the SQL of the full rebuild, and replaces their rows; the
    family ids it replaced or wrote go to core.family_member_changes for core.families. A full
    rebuild when `full` is set, when core.document_changes asks for it or core.family_members is
    missing.

    Returns:
        The mode ("full", "incremental" or "unchanged"), why, and the publications recomputed.
    """
    pending = _pending(conn, "document_changes")
    if full or pending is None or not _exists(conn, "family_members", "family_member_changes"):
        return _rebuild_in_full(conn, full, pending, "documents", "family_members")
    if not pending:
        return "unchanged", "no publication changed", 0
    _run(conn, ("families_changed_seeds",))
    _priority_sets(conn, "family_seed_docs", "family_seed_sets")
    _run(conn, ("families_title_key", "families_changed_region"))
    _priority_sets(conn, "family_region_docs", "family_region_sets")
    with _region(conn, "family_region_docs", _MEMBER_INPUTS):
        conn.execute("CREATE OR REPLACE TEMP TABLE family_priority_sets AS SELECT * FROM family_region_sets")
        _run(conn, MEMBER_SQL[1:])
        conn.execute(f"CREATE OR REPLACE TEMP TABLE {_REGION}_members AS SELECT * FROM core.family_members")
    recomputed = conn.sql("SELECT count(*) FROM family_region_docs").fetchone()[0]
    conn.execute("BEGIN TRANSACTION")
    # The families touched before and after, and those their members cite now or cited before
    # (their forward citations change).
    conn.execute(f"""INSERT INTO core.family_member_changes
        SELECT family_id FROM core.family_members SEMI JOIN family_region_docs USING (doc_id)
        UNION SELECT family_id FROM {_REGION}_members
        UNION SELECT m.family_id FROM core.family_members AS m WHERE m.doc_id IN (
            SELECT c.cited_id FROM core.document_citations AS c SEMI JOIN family_region_docs USING (doc_id)
            UNION ALL SELECT unnest(previous_cited_ids) FROM core.document_changes)""")
    conn.execute("DELETE FROM core.family_members WHERE doc_id IN (SELECT doc_id FROM family_region_docs)")
    conn.execute(f"INSERT INTO core.family_members BY NAME SELECT * FROM {_REGION}_members")
    conn.execute("DELETE FROM core.document_changes")
    conn.execute("COMMIT")
    return "incremental", f"{pending} publication(s) changed", recomputed


def refresh_families(conn, full: bool = False) -> tuple[str, str, int]:
    """Bring core.families up to date with the families listed in core.family_member_changes.

    Recomputes those families and every family of their extended families
    (sql/families_changed_attributes.sql) on a scratch copy of their members' rows with the SQL of
    the full rebuild, counts their forward citations over every citing family, and replaces their
    rows; the family ids replaced go to core.family_changes for the search texts. A full rebuild
    when `full` is set, when core.family_member_changes asks for it or core.families is missing.

    Returns:
        The mode ("full", "incremental" or "unchanged"), why, and the families recomputed.
    """
    pending = _pending(conn, "family_member_changes")
    if full or pending is None or not _exists(conn, "families", "family_changes"):
        return _rebuild_in_full(conn, full, pending, "family_members", "families")
    if not pending:
        return "unchanged", "no family changed", 0
    conn.execute("CREATE OR REPLACE TEMP TABLE family_attribute_families AS"
                 " SELECT DISTINCT family_id FROM core.family_member_changes")
    while True:
        before = conn.sql("SELECT count(*) FROM family_attribute_families").fetchone()[0]
        _run(conn, ("families_changed_attributes",))
        if conn.sql("SELECT count(*) FROM family_attribute_families").fetchone()[0] == before:
            break
    _run(conn, ("families_changed_citations",))
    conn.execute("CREATE OR REPLACE TEMP TABLE family_attribute_docs AS SELECT doc_id FROM core.family_members"
                 " SEMI JOIN family_attribute_families USING (family_id)")
    with _region(conn, "family_attribute_docs", _FAMILY_INPUTS, texts=True):
        _run(conn, FAMILY_SQL)
        conn.execute(f"CREATE OR REPLACE TEMP TABLE {_REGION}_families AS SELECT * FROM core.families")
    conn.execute("BEGIN TRANSACTION")
    conn.execute("DELETE FROM core.families WHERE family_id IN (SELECT family_id FROM family_attribute_families)")
    conn.execute(f"""INSERT INTO core.families BY NAME
        SELECT f.* REPLACE (coalesce(r.forward_citations, 0) AS forward_citations)
        FROM {_REGION}_families AS f LEFT JOIN family_forward_recount AS r USING (family_id)""")
    conn.execute("INSERT INTO core.family_changes SELECT family_id FROM family_attribute_families")
    conn.execute("DELETE FROM core.family_member_changes")
    conn.execute("COMMIT")
    return "incremental", f"{pending} famil(ies) changed", before


_MEMBERS_DESCRIPTION = """One row per publication of core.documents, naming the simple patent family it belongs to.

Documents with the same priority set, or the same DOCDB family id, are one family (connected
components over both links, in SQL). The priority set is what DOCDB's simple family rests on:
the active priorities where the source flags them, inferred where it does not (see
sql/families_priority_sets.sql); a document with no claim is its own first filing. family_id is
the DOCDB family id where any member carries one (several: the smallest as a number), else 'P'
and 16 hex digits of the md5 of the sorted priority set, so the same input gives the same ids.

Analysts' exports carry neither priorities nor DOCDB ids, which leaves every publication of an
invention a family of its own. Only among such families, a fallback joins the publications of
one application or one PCT filing (same normalized title, a shared applicant, the same filing
date) and Paris-route filings (another office, within 12 months), where the evidence names one
application on each side (sql/families_fallback_edges.sql); their members are flagged.

A refresh recomputes only the families the publications replaced in core.documents can reach
(their own, those sharing a priority set or DOCDB family id with them, and for publications
without either, those of the same title), with the same SQL on a scratch copy of their rows, so a
month that joins two families gives the ids a full rebuild gives; bench/core_refresh_bench.py
compares both. The full rebuild (run config full, or after core.documents was rebuilt in full)
takes 13.1 s with core.families at 1 million documents (bench/families_bench.py).
"""


@dg.multi_asset(
    name="family_members",
    specs=[
        dg.AssetSpec(FAMILY_MEMBERS, group_name="core", kinds={"duckdb"}, code_version="3",
                     deps=[DOCUMENTS, ["core", "document_priorities"], ["core", "document_parties"], DOCUMENT_CHANGES],
                     description=_MEMBERS_DESCRIPTION),
        dg.AssetSpec(MEMBER_CHANGES, group_name="core", kinds={"duckdb"}, code_version="1",
                     description="One row per family id whose members or cited members changed since core.families"
                     " last read this table; one row of nulls after a full rebuild.\n\ncore.families recomputes"
                     " only these families and their extended families, then empties it."),
    ],
    pool="duckdb",
)
def family_members(context: dg.AssetExecutionContext, config: CoreConfig, warehouse: DuckDBResource):
    """Family membership of every publication: of the families the changed publications reach, or of all."""
    started = time.perf_counter()
    with warehouse.get_connection() as conn:
        mode, reason, recomputed = refresh_family_members(conn, config.full)
        seconds = round(time.perf_counter() - started, 2)
        context.log.info(f"core.family_members: {mode} ({reason}), {recomputed} publications recomputed in {seconds} s")
        rows, families, with_docdb, fallback = conn.sql(
            "SELECT count(*), count(DISTINCT family_id), count(docdb_family_id), count(*) FILTER (WHERE fallback)"
            " FROM core.family_members"
        ).fetchone()
        pending = conn.sql("SELECT count(*) FROM core.family_member_changes").fetchone()[0]
        preview = conn.sql(
            "SELECT family_id, doc_id, docdb_family_id, array_to_string(priority_set, ' ') AS priority_set"
            " FROM core.family_members ORDER BY family_id, doc_id LIMIT 10"
        ).pl()
    context.log.info(f"core.family_members: {rows} publications in {families} simple families")
    yield dg.MaterializeResult(asset_key=FAMILY_MEMBERS, metadata={
        "dagster/row_count": rows,
        "dagster/column_schema": table_schema(_MEMBER_COLUMNS),
        "families": families,
        "documents_with_docdb_family_id": with_docdb,
        "documents_in_fallback_families": fallback,
        "refresh": mode,
        "refresh_reason": reason,
        "publications_recomputed": recomputed,
        "seconds": seconds,
        "preview": dg.MetadataValue.md(markdown_table(preview.columns, preview.iter_rows())),
    })
    yield dg.MaterializeResult(asset_key=MEMBER_CHANGES, metadata={"dagster/row_count": pending})


_FAMILIES_DESCRIPTION = """One row per simple patent family, with the attributes the indicators count by.

The counting unit of every indicator: earliest priority and first-filing country, offices and
family_size, members and a representative's title and abstract, the union of CPC/IPC, applicants
and their countries, forward citations. first_filing_country is the country of the earliest
priority (a PCT application counts for its receiving office); family_size counts the IP5
offices with a member; forward_citations counts the other families that cite any member. The
extended_family_id groups families linked by any shared application, as INPADOC does, for
analysts who count that way.

A refresh recomputes the families core.family_members changed or whose members' citations
changed, with every family of their extended families (whose id may change with them), on a
scratch copy of their rows with the SQL of the full rebuild; forward citations are counted over
every citing family.
"""


@dg.multi_asset(
    name="families",
    specs=[
        dg.AssetSpec(FAMILIES, group_name="core", kinds={"duckdb"}, code_version="3",
                     deps=[FAMILY_MEMBERS, MEMBER_CHANGES, DOCUMENTS, *(["core", t] for t in _FAMILY_INPUTS[1:-1])],
                     description=_FAMILIES_DESCRIPTION),
        dg.AssetSpec(FAMILY_CHANGES, group_name="core", kinds={"duckdb"}, code_version="1",
                     description="One row per family id whose row of core.families was replaced or removed since the"
                     " search texts last read this table; one row of nulls after a full rebuild.\n\nThe search"
                     " texts are rebuilt for these families only, then it is emptied."),
    ],
    pool="duckdb",
)
def families(context: dg.AssetExecutionContext, config: CoreConfig, warehouse: DuckDBResource):
    """Family attributes: of the families whose members changed and their extended families, or of all."""
    started = time.perf_counter()
    with warehouse.get_connection() as conn:
        mode, reason, recomputed = refresh_families(conn, config.full)
        seconds = round(time.perf_counter() - started, 2)
        context.log.info(f"core.families: {mode} ({reason}), {recomputed} families recomputed in {seconds} s")
        rows = conn.sql("SELECT count(*) FROM core.families").fetchone()[0]
        linked = dict(conn.sql("SELECT linked_by, count(*) FROM core.families GROUP BY 1 ORDER BY 1").fetchall())
        sizes = dict(conn.sql("SELECT family_size, count(*) FROM core.families GROUP BY 1 ORDER BY 1").fetchall())
        countries = dict(conn.sql(
            "SELECT first_filing_country, count(*) FROM core.families GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10"
        ).fetchall())
        extended = conn.sql("SELECT count(DISTINCT extended_family_id) FROM core.families").fetchone()[0]
        pending = conn.sql("SELECT count(*) FROM core.family_changes").fetchone()[0]
        preview = conn.sql(
            "SELECT family_id, earliest_priority_date, first_filing_country, array_to_string(offices, ',') AS offices,"
            " member_count, forward_citations, title FROM core.families"
            " ORDER BY member_count DESC, earliest_priority_date, family_id LIMIT 10"
        ).pl()
    context.log.info(f"core.families: {rows} simple families, {extended} extended families")
    yield dg.MaterializeResult(asset_key=FAMILIES, metadata={
        "dagster/row_count": rows,
        "dagster/column_schema": table_schema(_FAMILY_COLUMNS),
        "families_by_linkage": dg.MetadataValue.json(linked),
        "families_by_size": dg.MetadataValue.json({str(k): v for k, v in sizes.items()}),
        "families_by_first_filing_country_top10": dg.MetadataValue.json({str(k): v for k, v in countries.items()}),
        "extended_families": extended,
        "refresh": mode,
        "refresh_reason": reason,
        "families_recomputed": recomputed,
        "seconds": seconds,
        "preview": dg.MetadataValue.md(markdown_table(preview.columns, preview.iter_rows())),
    })
    yield dg.MaterializeResult(asset_key=FAMILY_CHANGES, metadata={"dagster/row_count": pending})
