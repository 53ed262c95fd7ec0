"""Asset checks on the core layer that query the warehouse: family membership and family shapes."""


import dagster as dg
from dagster_duckdb import DuckDBResource

from roadmap_pipeline.defs.core.families import FAMILIES, FAMILY_MEMBERS

MAX_OFFICES = 5


def membership_problems(conn) -> dict[str, int]:
    """Documents of core.documents missing from core.family_members, listed twice, or unknown there."""
    missing, duplicated, unknown = conn.sql(
        """SELECT
            (SELECT count(*) FROM core.documents AS d ANTI JOIN core.family_members AS m USING (doc_id)),
            (SELECT count(*) FROM (SELECT doc_id FROM core.family_members GROUP BY doc_id HAVING count(*) > 1)),
            (SELECT count(*) FROM core.family_members AS m ANTI JOIN core.documents AS d USING (doc_id))"""
    ).fetchone()
    return {"documents_without_family": missing, "documents_in_several_families": duplicated,
            "members_not_in_documents": unknown}


def family_shape_problems(conn) -> dict[str, int]:
    """Families without members or whose member_count disagrees with core.family_members, and the reverse."""
    empty, miscounted, orphan_members = conn.sql(
        """WITH counted AS (SELECT family_id, count(*) AS n FROM core.family_members GROUP BY family_id)
        SELECT
            (SELECT count(*) FROM core.families AS f LEFT JOIN counted AS c USING (family_id)
               WHERE coalesce(c.n, 0) = 0 OR f.member_count < 1),
            (SELECT count(*) FROM core.families AS f JOIN counted AS c USING (family_id) WHERE f.member_count <> c.n),
            (SELECT count(*) FROM counted AS c ANTI JOIN core.families AS f USING (family_id))"""
    ).fetchone()
    return {"empty_families": empty, "member_count_mismatches": miscounted,
            "member_families_missing_from_families": orphan_members}


def size_problems(conn) -> dict[str, int]:
    """Families whose family_size is outside 1..5 or disagrees with the number of offices listed."""
    out_of_range, inconsistent = conn.sql(
        f"""SELECT
            count(*) FILTER (WHERE family_size IS NULL OR family_size < 1 OR family_size > {MAX_OFFICES}),
            count(*) FILTER (WHERE family_size <> len(offices))
        FROM core.families"""
    ).fetchone()
    return {"family_size_outside_1_to_5": out_of_range, "family_size_not_len_offices": inconsistent}


def linkage_shares(conn) -> dict:
    """Families by how they were linked (DOCDB ids, priorities, both, fallback), with shares."""
    counts = dict(conn.sql("SELECT coalesce(linked_by, 'null'), count(*) FROM core.families GROUP BY 1").fetchall())
    total = sum(counts.values())
    several_docdb = conn.sql("SELECT count(*) FROM core.families WHERE len(docdb_family_ids) > 1").fetchone()[0]
    return {
        "families": total,
        "by_linkage": counts,
        "shares": {k: round(v / total, 4) for k, v in counts.items()} if total else {},
        "families_joining_several_docdb_ids": several_docdb,
    }


@dg.asset_check(asset=FAMILY_MEMBERS, description="Every document of core.documents is in exactly one family.")
def every_document_in_one_family(warehouse: DuckDBResource) -> dg.AssetCheckResult:
    with warehouse.get_connection() as conn:
        problems = membership_problems(conn)
    return dg.AssetCheckResult(passed=not any(problems.values()), metadata=problems)


@dg.asset_check(asset=FAMILIES, description="No family without members; member_count matches core.family_members.")
def no_empty_families(warehouse: DuckDBResource) -> dg.AssetCheckResult:
    with warehouse.get_connection() as conn:
        problems = family_shape_problems(conn)
    return dg.AssetCheckResult(passed=not any(problems.values()), metadata=problems)


@dg.asset_check(asset=FAMILIES, description="family_size (IP5 offices with a member) is between 1 and 5.")
def family_size_between_1_and_5(warehouse: DuckDBResource) -> dg.AssetCheckResult:
    with warehouse.get_connection() as conn:
        problems = size_problems(conn)
    return dg.AssetCheckResult(passed=not any(problems.values()), metadata=problems)


@dg.asset_check(
    asset=FAMILIES,
    description="Share of families linked by DOCDB family id, by priorities alone, both, or by the fallback"
    " (in metadata); fails only if a family has no linkage recorded.",
)
def family_linkage_shares(warehouse: DuckDBResource) -> dg.AssetCheckResult:
    with warehouse.get_connection() as conn:
        stats = linkage_shares(conn)
    valid = {"docdb", "priorities", "both", "fallback"}
    return dg.AssetCheckResult(
        passed=set(stats["by_linkage"]) <= valid,
        metadata={
            "families": stats["families"],
            "by_linkage": dg.MetadataValue.json(stats["by_linkage"]),
            "shares": dg.MetadataValue.json(stats["shares"]),
            "families_joining_several_docdb_ids": stats["families_joining_several_docdb_ids"],
        },
    )


family_checks = [every_document_in_one_family, no_empty_families, family_size_between_1_and_5, family_linkage_shares]
