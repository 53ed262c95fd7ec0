"""The incremental core against the full recompute, table for table, on the demo corpus month by month.

The SYNTHETIC demo corpus (3,000 documents) is parsed once; its raw partitions are then loaded into
a second warehouse one delivery month at a time, and after each month core is refreshed there as a
refresh does (new partitions merged, the families they reach recomputed, the search texts of the
changed families rebuilt) and, on a copy, recomputed in full. Then constructed months: a publication
whose DOCDB family id is one family's and whose priority is another's (the two become one), a month
loaded again unchanged, and a month gone from the raw tables.
"""

import shutil
from datetime import date

import dagster as dg
import duckdb
import pytest

from roadmap_pipeline.defs.core.assets import merge_documents
from roadmap_pipeline.defs.core.families import refresh_families, refresh_family_members
from roadmap_pipeline.defs.raw.assets import KINDS, ensure_schema, raw_assets
from roadmap_pipeline.defs.resources import LandingZone, warehouse_resource
from roadmap_pipeline.defs.taxonomy.assets import search_texts
from roadmap_pipeline.lib.records import SOURCES
from roadmap_pipeline.run import RANGE_END_TAG, RANGE_START_TAG

synthetic = pytest.importorskip("roadmap_pipeline.demo.synthetic")

TABLES = ["core.documents", "core.document_priorities", "core.document_classifications", "core.document_parties",
          "core.document_citations", "core.rejected_records", "core.family_members", "core.families",
          "taxonomy.search_texts"]
NEW_MONTH = "2026-09"


@pytest.fixture(scope="module")
def parsed(tmp_path_factory):
    """A warehouse holding the raw tables of the demo corpus (every month), and its months."""
    root = tmp_path_factory.mktemp("parsed")
    synthetic.generate_corpus(root / "raw", 3000, seed=7)
    resources = {"warehouse": warehouse_resource(root / "wh.duckdb"),
                 "landing_zone": LandingZone(raw_dir=str(root / "raw"), artifacts_dir=str(root / "art"))}
    instance = dg.DagsterInstance.ephemeral()
    months = sorted({folder.name for folder in (root / "raw").glob("*/*") if folder.is_dir()})
    tags = {RANGE_START_TAG: months[0], RANGE_END_TAG: months[-1]}
    assert dg.materialize(raw_assets, resources=resources, instance=instance, tags=tags).success
    return root / "wh.duckdb", months


def refresh(path, full=False) -> list[str]:
    """The core step of a refresh on the warehouse at `path`: the modes of documents, members and families."""
    with duckdb.connect(str(path)) as conn:
        conn.execute("BEGIN")
        documents, _ = merge_documents(conn, full)
        conn.execute("COMMIT")
        members = refresh_family_members(conn, full)[0]
        families = refresh_families(conn, full)[0]
    assert dg.materialize([search_texts], resources={"warehouse": warehouse_resource(path)}).success
    return [documents, members, families]


def differences(path, other) -> dict[str, tuple[int, int]]:
    """Per table, rows only in `path`'s and rows only in `other`'s (multisets), where any differ."""
    found = {}
    with duckdb.connect(str(path)) as conn:
        conn.execute(f"ATTACH '{other}' AS other (READ_ONLY)")
        for table in TABLES:
            mine, theirs = (conn.sql(f"SELECT count(*) FROM (SELECT * FROM {a} EXCEPT ALL SELECT * FROM {b})").fetchone()[0]
                            for a, b in ((table, f"other.{table}"), (f"other.{table}", table)))
            if mine or theirs:
                found[table] = (mine, theirs)
    return found


def same_as_full(path, tmp_path) -> None:
    full = tmp_path / "full.duckdb"
    shutil.copy(path, full)
    assert refresh(full, full=True) == ["full", "full", "full"]
    assert differences(path, full) == {}


def load_month(path, source_path, month) -> None:
    with duckdb.connect(str(path)) as conn:
        ensure_schema(conn)
        conn.execute(f"ATTACH '{source_path}' AS parsed (READ_ONLY)")
        for source in SOURCES:
            for kind in KINDS:
                conn.execute(f"DELETE FROM raw.{source.name}_{kind} WHERE partition_month = ?", [month])
                conn.execute(f"INSERT INTO raw.{source.name}_{kind} SELECT * FROM parsed.raw.{source.name}_{kind}"
                             " WHERE partition_month = ?", [month])


@pytest.fixture(scope="module")
def refreshed(parsed, tmp_path_factory):
    """The warehouse refreshed month by month, with each month's modes, compared with a full recompute each month."""
    source_path, months = parsed
    tmp = tmp_path_factory.mktemp("incremental")
    path = tmp / "wh.duckdb"
    modes = {}
    for month in months:
        load_month(path, source_path, month)
        modes[month] = refresh(path)
        same_as_full(path, tmp)
    return path, modes


def test_month_by_month_equals_full_recompute(refreshed, parsed):
    _, modes = refreshed
    months = parsed[1]
    assert len(months) >= 12
    assert modes[months[0]] == ["full", "full", "full"]  # nothing merged before
    assert all(modes[m] == ["incremental"] * 3 for m in months[1:]), modes


def _family_pair(conn):
    """A family with a DOCDB id and another, without one, of a single priority claim: (docdb id, priority, their family ids)."""
    docdb_family, docdb_id = conn.sql(
        "SELECT family_id, min(docdb_family_id) FROM core.family_members WHERE docdb_family_id IS NOT NULL"
        " GROUP BY 1 ORDER BY 1 LIMIT 1").fetchone()
    other_family, priority = conn.sql(
        """SELECT f.family_id, f.earliest_priority_id FROM core.families AS f
        WHERE f.linked_by = 'priorities' AND f.member_count > 1
            AND (SELECT count(DISTINCT m.priority_set) FROM core.family_members AS m WHERE m.family_id = f.family_id) = 1
            AND len((SELECT any_value(m.priority_set) FROM core.family_members AS m WHERE m.family_id = f.family_id)) = 1
        ORDER BY f.family_id LIMIT 1""").fetchone()
    return docdb_id, priority, docdb_family, other_family


def test_a_month_joining_two_families(refreshed, tmp_path):
    path = tmp_path / "wh.duckdb"
    shutil.copy(refreshed[0], path)
    with duckdb.connect(str(path)) as conn:
        docdb_id, priority, first, second = _family_pair(conn)
        members = [r[0] for r in conn.sql("SELECT doc_id FROM core.family_members WHERE family_id IN (?, ?)",
                                          params=[first, second]).fetchall()]
        families_before = conn.sql("SELECT count(*) FROM core.families").fetchone()[0]
        # An EP publication of DOCDB family `docdb_id` claiming the other family's only priority.
        conn.execute(
            "INSERT INTO raw.epo_documents (source, partition_month, rec, source_file, doc_id, office, kind,"
            " source_format, publication_date, application_id, filing_date, docdb_family_id, title, title_lang)"
            " VALUES ('epo', ?, 0, 'constructed.xml', 'EP-4999999-A1', 'EP', 'A1', 'docdb', ?, 'EP-23999999', ?, ?,"
            " 'Joining publication', 'en')",
            [NEW_MONTH, date(2026, 9, 2), date(2023, 1, 5), docdb_id])
        conn.execute("INSERT INTO raw.epo_priorities (source, partition_month, rec, doc_id, seq, priority_id, active)"
                     " VALUES ('epo', ?, 0, 'EP-4999999-A1', 1, ?, true)", [NEW_MONTH, priority])
    assert refresh(path) == ["incremental"] * 3
    with duckdb.connect(str(path)) as conn:
        joined = {r[0] for r in conn.sql("SELECT DISTINCT family_id FROM core.family_members WHERE list_contains(?, doc_id)"
                                         " OR doc_id = 'EP-4999999-A1'", params=[members]).fetchall()}
        assert conn.sql("SELECT count(*) FROM core.families").fetchone()[0] == families_before - 1
        assert conn.execute("SELECT count(*) FROM taxonomy.search_texts WHERE family_id = ?", [second]).fetchone()[0] == 0
    assert joined == {first}  # the DOCDB family id of the joined family, as a full rebuild names it
    same_as_full(path, tmp_path)


def test_a_month_loaded_again_unchanged_changes_nothing(refreshed, parsed, tmp_path):
    path = tmp_path / "wh.duckdb"
    shutil.copy(refreshed[0], path)
    load_month(path, parsed[0], parsed[1][-1])
    assert refresh(path) == ["unchanged"] * 3
    assert differences(path, refreshed[0]) == {}


def test_a_month_gone_from_raw_is_a_full_recompute(refreshed, parsed, tmp_path):
    path = tmp_path / "wh.duckdb"
    shutil.copy(refreshed[0], path)
    gone = parsed[1][-1]
    raw_documents = " UNION ALL ".join(f"SELECT doc_id, partition_month FROM raw.{s.name}_documents" for s in SOURCES)
    with duckdb.connect(str(path)) as conn:
        only_there = [r[0] for r in conn.sql(
            f"SELECT doc_id FROM ({raw_documents}) GROUP BY doc_id HAVING bool_and(partition_month = ?)"
            " INTERSECT SELECT doc_id FROM core.documents", params=[gone]).fetchall()]
        for source in SOURCES:
            for kind in KINDS:
                conn.execute(f"DELETE FROM raw.{source.name}_{kind} WHERE partition_month = ?", [gone])
        conn.execute("BEGIN")
        mode, reason = merge_documents(conn)
        conn.execute("COMMIT")
        assert (mode, reason) == ("full", "5 raw partition(s) merged before are gone from the raw tables")
        assert conn.execute("SELECT count(*) FROM core.documents WHERE list_contains(?, doc_id)", [only_there]).fetchone()[0] == 0
    assert only_there
    assert refresh(path)[1:] == ["full", "full"]
    same_as_full(path, tmp_path)


def test_the_assets_fingerprint_only_what_the_instance_saw_loaded(parsed, tmp_path):
    """Through Dagster: after a core build, a new month is merged alone, and loading it again unchanged changes nothing."""
    from roadmap_pipeline.defs.core.assets import documents
    from roadmap_pipeline.defs.core.families import families, family_members

    raw_dir = parsed[0].parent / "raw"
    months = parsed[1]
    resources = {"warehouse": warehouse_resource(tmp_path / "wh.duckdb"),
                 "landing_zone": LandingZone(raw_dir=str(raw_dir), artifacts_dir=str(tmp_path / "art"))}
    instance = dg.DagsterInstance.ephemeral()
    core = [documents, family_members, families]

    def load(first, last):
        tags = {RANGE_START_TAG: first, RANGE_END_TAG: last}
        assert dg.materialize(raw_assets, resources=resources, instance=instance, tags=tags).success

    def refresh_core():
        result = dg.materialize(core, resources=resources, instance=instance)
        assert result.success
        return {m.asset_key.to_user_string(): {k: v.value for k, v in m.metadata.items()}
                for m in (e.event_specific_data.materialization for e in result.get_asset_materialization_events())}

    load(months[0], months[-2])
    first = refresh_core()
    assert first["core/documents"]["merge"] == "full"
    assert first["core/merged_partitions"]["fingerprinted"] == "every partition"
    load(months[-1], months[-1])
    second = refresh_core()
    assert second["core/documents"]["merge"] == "incremental"
    assert second["core/merged_partitions"]["fingerprinted"] == f"{len(SOURCES)} loaded since the last merge and the new ones"
    assert second["core/family_members"]["refresh"] == "incremental"
    load(months[-1], months[-1])
    third = refresh_core()
    assert [third[key][name] for key, name in (("core/documents", "merge"), ("core/family_members", "refresh"),
                                               ("core/families", "refresh"))] == ["unchanged"] * 3
