"""Families on real records: grouping by priorities alone gives back DOCDB's simple families.

The real samples are parsed by the project's parsers into a temporary warehouse (raw assets, then
core/documents, via materialize). Family 50474376 has an OPS record for every member; the KR-rooted
family of KR 10-2020-0168607 has an EP, KR and WO member in DOCDB family 81854188 and a US member
(a bypass continuation of the PCT) in DOCDB family 81849288. Two landings are checked: every OPS
file, where the biblio records (without active indicators) win for the members they cover, and the
OPS family listings alone (with active indicators and linkage types).
"""

import shutil
from collections import defaultdict
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from roadmap_pipeline.defs.core.assets import documents
from roadmap_pipeline.defs.core.families import build_families, build_family_members
from roadmap_pipeline.defs.raw.assets import raw_assets
from roadmap_pipeline.defs.resources import LandingZone, warehouse_resource

FIXTURES = Path(__file__).parent / "fixtures"
MONTH = "2024-08"
FAMILY_50474376 = {"EP-2906782-A2", "EP-2906782-A4", "CN-104968889-A", "US-2014102795-A1", "US-9291047-B2",
                   "US-2016245070-A1", "US-10047600-B2"}
LANDINGS = {
    "all_ops_records": {"EP": ["epo-ops/*.xml"], "KR": ["kipo-kipris/describug__real_kipris_*.xml"]},
    "family_listings": {"EP": ["epo-ops/*family*.xml"], "KR": ["kipo-kipris/describug__real_kipris_*.xml"]},
}


def _warehouse(root, fixtures, landing) -> str:
    for office, patterns in LANDINGS[landing].items():
        folder = root / "raw" / office / MONTH
        folder.mkdir(parents=True)
        for pattern in patterns:
            for path in sorted(fixtures.glob(pattern)):
                shutil.copy(path, folder)
    resources = {"warehouse": warehouse_resource(str(root / "wh.duckdb")),
                 "landing_zone": LandingZone(raw_dir=str(root / "raw"), artifacts_dir=str(root / "artifacts"))}
    instance = dg.DagsterInstance.ephemeral()
    assert dg.materialize(raw_assets, partition_key=MONTH, resources=resources, instance=instance).success
    assert dg.materialize([documents, *raw_assets], selection=[documents], resources=resources,
                          instance=instance).success
    return str(root / "wh.duckdb")


@pytest.fixture(scope="module", params=list(LANDINGS))
def warehouse(request, tmp_path_factory):
    return request.param, _warehouse(tmp_path_factory.mktemp(request.param), FIXTURES, request.param)


def _partition(rows) -> set[frozenset[str]]:
    groups = defaultdict(set)
    for doc_id, key in rows:
        groups[key].add(doc_id)
    return {frozenset(g) for g in groups.values()}


def test_priorities_alone_reproduce_docdb_grouping(warehouse, tmp_path):
    landing, path = warehouse
    copy = tmp_path / "no_docdb.duckdb"
    shutil.copyfile(path, copy)
    with duckdb.connect(str(copy)) as conn:
        # Biblio records, which carry no active indicators, win where they exist.
        unflagged = conn.sql("SELECT count(*) FROM core.document_priorities WHERE active IS NULL").fetchone()[0]
        assert (unflagged > 0) == (landing == "all_ops_records")
        docdb = conn.sql("SELECT doc_id, docdb_family_id FROM core.documents WHERE docdb_family_id IS NOT NULL").fetchall()
        assert {f for _, f in docdb} == {"50474376", "81854188", "81849288"}
        assert FAMILY_50474376 <= {d for d, f in docdb if f == "50474376"}
        conn.execute("UPDATE core.documents SET docdb_family_id = NULL")  # every DOCDB family id removed
        build_family_members(conn)
        family = dict(conn.sql("SELECT doc_id, family_id FROM core.family_members").fetchall())
    found = _partition((doc_id, family[doc_id]) for doc_id, _ in docdb)
    assert found == _partition(docdb)
    assert {family[d] for d in FAMILY_50474376} == {family["US-9291047-B2"]}
    assert family["US-2022181889-A1"] != family["EP-4210193-A1"] == family["KR-20220079145-A"]
    # The granted KR patent, which no source gives a DOCDB id, joins its published application.
    assert family["KR-103028032-B1"] == family["KR-20220079145-A"]


def test_families_carry_docdb_ids_and_attributes(warehouse, tmp_path):
    copy = tmp_path / "with_docdb.duckdb"
    shutil.copyfile(warehouse[1], copy)
    with duckdb.connect(str(copy)) as conn:
        build_family_members(conn)
        build_families(conn)
        family = dict(conn.sql("SELECT doc_id, family_id FROM core.family_members").fetchall())
        rows = conn.sql("SELECT family_id, earliest_priority_date, first_filing_country, offices, family_size,"
                        " extended_family_id, linked_by, representative_doc_id FROM core.families").fetchall()
    attributes = {r[0]: r[1:] for r in rows}
    assert {family[d] for d in FAMILY_50474376} == {"50474376"}
    assert family["KR-103028032-B1"] == family["KR-20220079145-A"] == family["EP-4210193-A1"] == "81854188"
    assert family["US-2022181889-A1"] == "81849288"
    date_, country, offices, size, extended, linked, _ = attributes["50474376"]
    assert (str(date_), country, offices, size, extended, linked) == ("2012-10-12", "US", ["CN", "EP", "US"], 3,
                                                                      "50474376", "both")
    kr = attributes["81854188"]
    assert (str(kr[0]), kr[1], kr[2]) == ("2020-12-04", "KR", ["EP", "KR"])
    # Two simple families of one invention: one extended family, named by the smaller DOCDB id.
    assert kr[4] == attributes["81849288"][4] == "81849288"
