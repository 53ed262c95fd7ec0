"""Core layer: documents deduplicated into simple patent families, with their attributes."""


import time

import dagster as dg

from roadmap_pipeline.defs.core.assets import documents
from roadmap_pipeline.defs.metadata import table_schema
from roadmap_pipeline.defs.resources import Warehouse
from roadmap_pipeline.lib.markdown import markdown_table
from roadmap_pipeline.lib.warehouse import run_sql

# The SQL files of each asset, run in this order on one connection (temp tables pass between them).
# SQL files in order; a (name, identifiers) pair runs a generic file on named temp tables.
MEMBER_SQL = (
    "families_priority_sets",
    "families_set_edges",
    ("connected_components", {"edges": "family_set_edges", "components": "family_set_components"}),
    "families_fallback_edges",
    ("connected_components", {"edges": "family_fallback_edges", "components": "family_fallback_components"}),
    "families_members",
)
FAMILY_SQL = (
    "families_keys",
    "families_extended",
    ("connected_components", {"edges": "family_link_edges", "components": "family_extended"}),
    "families_attributes",
)

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


@dg.asset(
    group_name="core",
    key_prefix="core",
    deps=[documents],
    pool="duckdb",
    kinds={"duckdb"},
    code_version="2",
)
def family_members(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """One row per publication of core.documents, naming the simple patent family it belongs to.

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

    Recomputed in full on every refresh rather than updating only the affected families, decided by
    measurement: bench/families_bench.py builds this table and core.families from 1 million
    documents in 13.1 s (median of 3, peak RSS 2.2 GB, on the project's 2-core machine), within
    the 15 s budget; a full rebuild also cannot drift from the rules as an incremental update can
    (a new document may merge two families, a deletion split one).
    """
    started = time.perf_counter()
    with warehouse.connect() as conn:
        build_family_members(conn)
        rows, families, with_docdb = conn.sql(
            "SELECT count(*), count(DISTINCT family_id), count(docdb_family_id) FROM core.family_members"
        ).fetchone()
        fallback = conn.sql("SELECT count(*) FROM core.family_members WHERE fallback").fetchone()[0]
        preview = conn.sql(
            "SELECT family_id, doc_id, docdb_family_id, array_to_string(priority_set, ' ') AS priority_set"
            " FROM core.family_members ORDER BY family_id, doc_id LIMIT 10"
        ).pl()
    context.log.info(f"core.family_members: {rows} publications in {families} simple families")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": rows,
            "dagster/column_schema": table_schema(_MEMBER_COLUMNS),
            "families": families,
            "documents_with_docdb_family_id": with_docdb,
            "documents_in_fallback_families": fallback,
            "seconds": round(time.perf_counter() - started, 2),
            "preview": dg.MetadataValue.md(markdown_table(preview.columns, preview.iter_rows())),
        }
    )


@dg.asset(
    group_name="core",
    key_prefix="core",
    deps=[family_members],
    pool="duckdb",
    kinds={"duckdb"},
    code_version="2",
)
def families(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """One row per simple patent family, with the attributes the indicators count by.

    The counting unit of every indicator: earliest priority and first-filing country, offices and
    family_size, members and a representative's title and abstract, the union of CPC/IPC, applicants
    and their countries, forward citations. first_filing_country is the country of the earliest
    priority (a PCT application counts for its receiving office); family_size counts the IP5
    offices with a member; forward_citations counts the other families that cite any member. The
    extended_family_id groups families linked by any shared application, as INPADOC does, for
    analysts who count that way.

    Recomputed in full with core.family_members on every refresh (both together: 13.1 s at 1
    million documents, bench/families_bench.py), so attributes never lag behind a membership.
    """
    started = time.perf_counter()
    with warehouse.connect() as conn:
        build_families(conn)
        rows = conn.sql("SELECT count(*) FROM core.families").fetchone()[0]
        linked = dict(conn.sql("SELECT linked_by, count(*) FROM core.families GROUP BY 1 ORDER BY 1").fetchall())
        sizes = dict(conn.sql("SELECT family_size, count(*) FROM core.families GROUP BY 1 ORDER BY 1").fetchall())
        countries = dict(conn.sql(
            "SELECT first_filing_country, count(*) FROM core.families GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10"
        ).fetchall())
        extended = conn.sql("SELECT count(DISTINCT extended_family_id) FROM core.families").fetchone()[0]
        preview = conn.sql(
            "SELECT family_id, earliest_priority_date, first_filing_country, array_to_string(offices, ',') AS offices,"
            " member_count, forward_citations, title FROM core.families"
            " ORDER BY member_count DESC, earliest_priority_date, family_id LIMIT 10"
        ).pl()
    context.log.info(f"core.families: {rows} simple families, {extended} extended families")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": rows,
            "dagster/column_schema": table_schema(_FAMILY_COLUMNS),
            "families_by_linkage": dg.MetadataValue.json(linked),
            "families_by_size": dg.MetadataValue.json({str(k): v for k, v in sizes.items()}),
            "families_by_first_filing_country_top10": dg.MetadataValue.json({str(k): v for k, v in countries.items()}),
            "extended_families": extended,
            "seconds": round(time.perf_counter() - started, 2),
            "preview": dg.MetadataValue.md(markdown_table(preview.columns, preview.iter_rows())),
        }
    )
