"""sql/core_documents.sql on hand-made raw rows whose merged answer is known."""

from datetime import date

import duckdb
import pytest

from roadmap_pipeline.defs.core.assets import merge_documents
from roadmap_pipeline.defs.raw.assets import ensure_schema


FORMATS = {"kipo": "kipris-biblio", "epo": "docdb", "uspto": "uspto-grant-v4.5"}


def _doc(conn, source, month, rec, doc_id, **values):
    row = {"source": source, "partition_month": month, "rec": rec, "source_file": f"{source}.xml",
           "doc_id": doc_id, "office": doc_id[:2], "source_format": FORMATS[source], **values}
    columns = ", ".join(row)
    conn.execute(f"INSERT INTO raw.{source}_documents ({columns}) VALUES ({', '.join('?' * len(row))})",
                 list(row.values()))


def _priority(conn, source, month, rec, doc_id, seq, priority_id):
    conn.execute(f"INSERT INTO raw.{source}_priorities (source, partition_month, rec, doc_id, seq, priority_id)"
                 " VALUES (?, ?, ?, ?, ?, ?)", [source, month, rec, doc_id, seq, priority_id])


@pytest.fixture
def conn():
    conn = duckdb.connect()
    ensure_schema(conn)
    # The same KR publication from KIPRIS (Korean text) and from DOCDB (English text, family id).
    _doc(conn, "kipo", "2022-06", 0, "KR-20220079145-A", title="복수의 배터리들을 충전하는 방법", title_lang="ko",
         title_en="METHOD TO CHARGE A PLURALITY OF BATTERIES", application_id="KR-20200168607",
         filing_date=date(2020, 12, 4), publication_date=date(2022, 6, 13))
    _priority(conn, "kipo", "2022-06", 0, "KR-20220079145-A", 1, "KR-20200168607")
    _doc(conn, "epo", "2022-07", 5, "KR-20220079145-A", title="Method to charge batteries", title_lang="en",
         title_en="Method to charge batteries", docdb_family_id="81849288", application_id="KR-20200168607")
    _priority(conn, "epo", "2022-07", 5, "KR-20220079145-A", 1, "KR-20200168607")
    _priority(conn, "epo", "2022-07", 5, "KR-20220079145-A", 2, "KR-20190000001")
    # A US document delivered twice by USPTO: the newer month wins.
    _doc(conn, "uspto", "2022-01", 0, "US-2022181889-A1", title="old title", title_lang="en")
    _doc(conn, "uspto", "2022-02", 3, "US-2022181889-A1", title="new title", title_lang="en")
    # Out of scope (WO) and a DOCDB deletion.
    _doc(conn, "epo", "2022-07", 6, "WO-2022119244-A1", title="pct", title_lang="en")
    _doc(conn, "epo", "2022-07", 7, "EP-4210193-A1", title="to delete", title_lang="en")
    _doc(conn, "epo", "2022-08", 1, "EP-4210193-A1", title="to delete", title_lang="en", status="D")
    # A JP publication delivered to the KR folder as DOCDB next to nothing else, and a KR one that
    # arrives twice in the same folder: KIPRIS and DOCDB records of one dump are both kept.
    _doc(conn, "kipo", "2022-09", 0, "KR-20220099999-A", title="KIPRIS 제목", title_lang="ko")
    _doc(conn, "kipo", "2022-09", 1, "KR-20220099999-A", title="DOCDB TITLE", title_lang="en",
         title_en="DOCDB TITLE", docdb_family_id="12345", source_format="docdb")
    merge_documents(conn)
    return conn


def test_one_row_per_publication_merging_sources(conn):
    rows = conn.sql("SELECT doc_id, title, title_lang, title_en, docdb_family_id, sources FROM core.documents"
                    " ORDER BY doc_id").fetchall()
    assert [r[0] for r in rows] == ["KR-20220079145-A", "KR-20220099999-A", "US-2022181889-A1"]
    kr = rows[0]
    assert kr[1] == "복수의 배터리들을 충전하는 방법" and kr[2] == "ko"  # the office's language wins
    assert kr[3] == "METHOD TO CHARGE A PLURALITY OF BATTERIES"  # native source ranks first for English too
    assert kr[4] == "81849288"  # family id only DOCDB knows
    assert kr[5] == ["docdb", "kipris"]
    same_folder = rows[1]
    assert same_folder[1:5] == ("KIPRIS 제목", "ko", "DOCDB TITLE", "12345")
    assert same_folder[5] == ["docdb", "kipris"]


def test_newest_delivery_wins_and_deletes_withdraw(conn):
    assert conn.sql("SELECT title FROM core.documents WHERE doc_id = 'US-2022181889-A1'").fetchone()[0] == "new title"
    assert conn.sql("SELECT count(*) FROM core.documents WHERE doc_id = 'EP-4210193-A1'").fetchone()[0] == 0


def test_priority_set_comes_from_one_source(conn):
    ids = conn.sql("SELECT priority_id, source FROM core.document_priorities ORDER BY seq").fetchall()
    assert ids == [("KR-20200168607", "docdb"), ("KR-20190000001", "docdb")]


def test_rerun_gives_the_same_tables(conn):
    before = conn.sql("SELECT * FROM core.documents ORDER BY doc_id").fetchall()
    merge_documents(conn)
    assert conn.sql("SELECT * FROM core.documents ORDER BY doc_id").fetchall() == before


def test_a_warehouse_of_the_earlier_layout_keeps_its_rejects():
    """Rejects lived only in core.rejected_records, beside views raw.all_*: they move to the raw tables once."""
    conn = duckdb.connect()
    conn.execute("CREATE SCHEMA raw; CREATE SCHEMA core; CREATE VIEW raw.all_documents AS SELECT 1 AS x")
    conn.execute("CREATE TABLE core.rejected_records (source VARCHAR NOT NULL, partition_month VARCHAR NOT NULL,"
                 " source_file VARCHAR NOT NULL, locator VARCHAR, reason VARCHAR NOT NULL, excerpt VARCHAR,"
                 " severity VARCHAR NOT NULL)")
    conn.execute("INSERT INTO core.rejected_records VALUES ('uspto', '2013-04', 'a.xml', 'doc 1', 'no doc id', '', 'error'),"
                 " ('epo', '2013-04', 'b.xml', 'file', 'cannot read file', '', 'error'),"
                 " ('epo', '2013-05', 'c.xml', 'file', 'sequence listing', '', 'skipped')")
    before = conn.sql("SELECT * FROM core.rejected_records ORDER BY ALL").fetchall()
    ensure_schema(conn)
    ensure_schema(conn)  # once only
    assert [conn.sql(f"SELECT count(*) FROM raw.{s}_rejects").fetchone()[0] for s in ("uspto", "epo", "kipo")] == [1, 2, 0]
    assert conn.sql("SELECT count(*) FROM information_schema.tables WHERE table_type = 'VIEW'").fetchone()[0] == 0
    merge_documents(conn)
    assert conn.sql("SELECT * FROM core.rejected_records ORDER BY ALL").fetchall() == before
