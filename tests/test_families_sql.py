"""The families SQL (sql/families_*.sql) on hand-made core tables whose families are known."""

import hashlib
from datetime import date

import duckdb
import pytest

from roadmap_pipeline.defs.core.checks import family_shape_problems, membership_problems, size_problems
from roadmap_pipeline.defs.core.families import build_families, build_family_members
from roadmap_pipeline.defs.core.assets import merge_documents
from roadmap_pipeline.defs.raw.assets import ensure_schema


class Core:
    """A temporary warehouse whose core tables are filled by hand."""

    def __init__(self):
        self.conn = duckdb.connect()
        ensure_schema(self.conn)
        merge_documents(self.conn)  # empty core tables with the real columns

    def doc(self, doc_id, application_id=None, docdb=None, priorities=(), **values):
        """A publication; priorities are (priority_id, date, active, linkage) tuples, in order."""
        office, number, kind = doc_id.split("-")
        row = {"doc_id": doc_id, "office": office, "publication_number": number, "kind": kind,
               "application_id": application_id, "docdb_family_id": docdb, **values}
        self.conn.execute(f"INSERT INTO core.documents ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                          list(row.values()))
        for seq, (priority_id, when, active, linkage) in enumerate(priorities, 1):
            self.conn.execute(
                "INSERT INTO core.document_priorities (doc_id, priority_id, priority_date, active, linkage_type, seq,"
                " source) VALUES (?, ?, ?, ?, ?, ?, 'test')", [doc_id, priority_id, when, active, linkage, seq])

    def classes(self, doc_id, scheme, *symbols):
        for symbol in symbols:
            self.conn.execute("INSERT INTO core.document_classifications VALUES (?, ?, ?, ['test'])",
                              [doc_id, scheme, symbol])

    def applicant(self, doc_id, seq, name, country=None):
        self.conn.execute("INSERT INTO core.document_parties VALUES (?, 'applicant', ?, ?, ?, 'test')",
                          [doc_id, seq, name, country])

    def cites(self, doc_id, *cited):
        for cited_id in cited:
            self.conn.execute("INSERT INTO core.document_citations VALUES (?, ?, NULL, ['test'])", [doc_id, cited_id])

    def build(self):
        build_family_members(self.conn)
        build_families(self.conn)
        return self

    def family_of(self) -> dict[str, str]:
        return dict(self.conn.sql("SELECT doc_id, family_id FROM core.family_members").fetchall())

    def groups(self) -> set[frozenset[str]]:
        rows = self.conn.sql("SELECT list(doc_id ORDER BY doc_id) FROM core.family_members GROUP BY family_id")
        return {frozenset(r[0]) for r in rows.fetchall()}

    def family(self, family_id) -> dict:
        relation = self.conn.sql("SELECT * FROM core.families WHERE family_id = ?", params=[family_id])
        row = relation.fetchone()
        assert row is not None, f"no family {family_id}"
        return dict(zip(relation.columns, row))


def p_id(*priority_ids):
    """The family id of a family without DOCDB ids: 'P' + md5 of the sorted priority set."""
    return "P" + hashlib.md5(" ".join(sorted(priority_ids)).encode()).hexdigest()[:16]


PROV, PCT = "US-201261713164-P", "US-2013064552-W"
D_PROV, D_PCT = date(2012, 10, 12), date(2013, 10, 11)


def test_continuation_chain_and_national_phases_are_one_family():
    core = Core()
    # As DOCDB lists them (family 50474376): own application and continuation parents inactive.
    core.doc("US-2014102795-A1", "US-201314052000",
             priorities=[("US-201314052000", D_PCT, False, None), (PROV, D_PROV, True, None)])
    core.doc("US-2016245070-A1", "US-201615044813",
             priorities=[("US-201314052000", D_PCT, False, "1"), (PROV, D_PROV, True, None),
                         ("US-201615044813", date(2016, 2, 16), False, None)])
    core.doc("US-2019000001-A1", "US-201916000001",  # continuation of the continuation
             priorities=[("US-201615044813", date(2016, 2, 16), False, "1"),
                         ("US-201314052000", D_PCT, False, "1"), (PROV, D_PROV, True, None),
                         ("US-201916000001", date(2019, 1, 2), False, None)])
    core.doc("EP-2906782-A2", "EP-13844704", priorities=[(PROV, D_PROV, True, None), (PCT, D_PCT, False, "W")])
    core.doc("CN-104968889-A", "CN-201380062258", priorities=[(PROV, D_PROV, True, None), (PCT, D_PCT, False, "W")])
    core.doc("KR-20150000001-A", "KR-20150000001")  # an unrelated first filing
    core.build()
    family = core.family_of()
    assert len({family[d] for d in family if d != "KR-20150000001-A"}) == 1
    assert family["US-2014102795-A1"] == p_id(PROV)
    assert family["KR-20150000001-A"] == p_id("KR-20150000001")
    attributes = core.family(p_id(PROV))
    assert attributes["earliest_priority_date"] == D_PROV and attributes["first_filing_country"] == "US"
    assert attributes["offices"] == ["CN", "EP", "US"] and attributes["family_size"] == 3
    assert attributes["member_count"] == 5 and attributes["linked_by"] == "priorities"


def test_a_document_without_claims_is_its_own_first_filing():
    core = Core()
    core.doc("KR-20220079145-A", "KR-20200168607", filing_date=date(2020, 12, 4))  # KIPRIS lists no claim
    core.doc("EP-4210193-A1", "EP-21900938",
             priorities=[("KR-2021017662-W", date(2021, 11, 26), False, "W"),
                         ("KR-20200168607", date(2020, 12, 4), True, None)])
    core.doc("KR-20230000001-A", "KR-20230000001", filing_date=date(2023, 1, 2))  # alone
    core.doc("JP-2020000001-A", filing_date=date(2019, 5, 5))  # no claim and no application id
    core.build()
    assert core.groups() == {frozenset({"KR-20220079145-A", "EP-4210193-A1"}), frozenset({"KR-20230000001-A"}),
                             frozenset({"JP-2020000001-A"})}
    kr = core.family(p_id("KR-20200168607"))
    assert kr["earliest_priority_date"] == date(2020, 12, 4) and kr["first_filing_country"] == "KR"
    alone = core.family(p_id("KR-20230000001"))
    assert alone["earliest_priority_date"] == date(2023, 1, 2) and alone["member_count"] == 1
    assert core.family(p_id("JP-2020000001-A"))["first_filing_country"] == "JP"


def test_docdb_ids_join_priority_sets_and_the_smallest_number_names_the_family():
    core = Core()
    # Two DOCDB ids on one priority set: one family, named by the smaller number (99 < 100).
    core.doc("EP-1000001-A1", "EP-1", docdb="100", priorities=[("DE-1", date(2010, 1, 1), True, None)])
    core.doc("US-1000002-A1", "US-2", docdb="99", priorities=[("DE-1", date(2010, 1, 1), True, None)])
    core.doc("CN-1000003-A", "CN-3", priorities=[("DE-1", date(2010, 1, 1), True, None)])
    # One DOCDB id over two priority sets, chained through further ids, needing several rounds.
    chain = [("KR-5", "41"), ("KR-4", "41"), ("KR-4", "42"), ("KR-3", "42"), ("KR-3", "43"), ("KR-2", "43"),
             ("KR-2", "44"), ("KR-1", "44")]
    for n, (priority, docdb) in enumerate(chain):
        core.doc(f"JP-{2000 + n}-A", f"JP-{2000 + n}", docdb=docdb, priorities=[(priority, date(2011, 1, 1), True, None)])
    core.doc("EP-3000000-A1", "EP-3000000", priorities=[("KR-1", date(2011, 1, 1), True, None)])
    core.build()
    family = core.family_of()
    assert {family[d] for d in ("EP-1000001-A1", "US-1000002-A1", "CN-1000003-A")} == {"99"}
    assert {family[f"JP-{2000 + n}-A"] for n in range(len(chain))} == {"41"}
    assert family["EP-3000000-A1"] == "41"
    assert core.family("99")["linked_by"] == "both" and core.family("99")["docdb_family_ids"] == ["100", "99"]
    assert core.family("41")["linked_by"] == "docdb"
    assert core.family("41")["docdb_family_ids"] == ["41", "42", "43", "44"]


def test_pct_priorities_national_phases_and_bypass_continuations():
    core = Core()
    # A PCT first filing: the receiving office is the first-filing country.
    core.doc("EP-2000001-A1", "EP-20000001", docdb=None, priorities=[(PCT, D_PCT, True, "W")])
    core.doc("KR-20150000002-A", "KR-20157000002",  # KIPRIS: national phase of the PCT, no Paris claim
             priorities=[(PCT, D_PCT, False, "W")])
    core.doc("US-2015000003-A1", "US-201514000003",  # USPTO 371 entry: the PCT flagged active
             priorities=[(PCT, D_PCT, True, "W")])
    # A bypass continuation of a PCT that claims a KR priority (DOCDB linkage A): its own family.
    kr_pct = "KR-2021017662-W"
    core.doc("EP-4210193-A1", "EP-21900938",
             priorities=[(kr_pct, date(2021, 11, 26), False, "W"), ("KR-20200168607", date(2020, 12, 4), True, None)])
    core.doc("US-2022181889-A1", "US-202117539575",
             priorities=[(kr_pct, date(2021, 11, 26), False, "A"), ("KR-20200168607", date(2020, 12, 4), True, None)])
    core.doc("US-2022999999-A1", "US-202117999999",  # the same, as the USPTO parser reads it
             priorities=[("KR-20200168607", date(2020, 12, 4), True, None), (kr_pct, date(2021, 11, 26), False, "1"),
                         ("US-202117999999", date(2021, 12, 1), False, None)])
    core.build()
    family = core.family_of()
    assert family["EP-2000001-A1"] == family["KR-20150000002-A"] == family["US-2015000003-A1"] == p_id(PCT)
    pct_family = core.family(p_id(PCT))
    assert pct_family["first_filing_country"] == "US" and pct_family["earliest_priority_date"] == D_PCT
    assert family["EP-4210193-A1"] == p_id("KR-20200168607")
    assert family["US-2022181889-A1"] == family["US-2022999999-A1"] == p_id("KR-20200168607", kr_pct)
    # ... but one extended (INPADOC-style) family.
    assert (core.family(p_id("KR-20200168607"))["extended_family_id"]
            == core.family(p_id("KR-20200168607", kr_pct))["extended_family_id"])
    assert pct_family["extended_family_id"] == p_id(PCT)


def test_unflagged_claims_are_read_as_docdb_would_flag_them():
    core = Core()
    # OPS biblio records carry no active indicators; they list the PCT, own and parent applications.
    core.doc("CA-2887530-A1", "CA-2887530", priorities=[(PROV, D_PROV, None, None), (PCT, D_PCT, None, None)])
    core.doc("US-9291047-B2", "US-201314052000",
             priorities=[("US-201314052000", D_PCT, None, None), (PROV, D_PROV, None, None)])
    core.doc("US-2016245070-A1", "US-201615044813",
             priorities=[("US-201615044813", date(2016, 2, 16), None, None), ("US-201314052000", D_PCT, None, None),
                         (PROV, D_PROV, None, None)])
    core.doc("EP-2906782-A2", "EP-13844704", priorities=[(PROV, D_PROV, True, None), (PCT, D_PCT, False, "W")])
    # KIPRIS: two Paris claims without flags, both count.
    core.doc("KR-20160000001-A", "KR-20167000001",
             priorities=[("US-201461000001-P", date(2014, 1, 1), None, None), ("JP-2014000002", date(2014, 2, 2), None, None)])
    core.doc("JP-2015000003-A", "JP-2015000003",
             priorities=[("US-201461000001-P", date(2014, 1, 1), True, None), ("JP-2014000002", date(2014, 2, 2), True, None)])
    core.build()
    assert core.groups() == {
        frozenset({"CA-2887530-A1", "US-9291047-B2", "US-2016245070-A1", "EP-2906782-A2"}),
        frozenset({"KR-20160000001-A", "JP-2015000003-A"}),
    }
    assert core.family(p_id("US-201461000001-P", "JP-2014000002"))["first_filing_country"] == "US"


def test_family_attributes():
    core = Core()
    prio = [("JP-2014000001", date(2014, 1, 1), True, None)]
    core.doc("JP-2015000001-A", "JP-2015000001", priorities=prio, publication_date=date(2015, 7, 1),
             title="発明", title_lang="ja", abstract="日本語の要約", abstract_lang="ja")
    core.doc("KR-20150000001-A", "KR-20157000001", priorities=prio, publication_date=date(2015, 6, 1),
             title="발명", title_lang="ko", abstract="한국어 요약", abstract_lang="ko")
    core.doc("US-2015000001-A1", "US-201514000001", priorities=prio, publication_date=date(2015, 8, 1),
             title="Invention", title_lang="en", abstract="English abstract.", abstract_lang="en")
    core.doc("US-9000001-B2", "US-201514000001", priorities=prio, publication_date=date(2017, 1, 1),
             title="Invention", title_lang="en", abstract="English abstract, granted.", abstract_lang="en")
    core.classes("JP-2015000001-A", "CPC", "G06N3/08", "G06N20/00")
    core.classes("US-2015000001-A1", "CPC", "G06N3/08", "B25J9/16")
    core.classes("US-2015000001-A1", "IPC", "G06N3/08")
    core.applicant("KR-20150000001-A", 1, "삼성전자주식회사", "KR")
    core.applicant("US-2015000001-A1", 1, "SAMSUNG ELECTRONICS CO., LTD.", "KR")
    core.applicant("US-2015000001-A1", 2, "ACME, INC.", "US")
    # A second family citing two members of the first, a third citing one, a self-citation.
    core.doc("EP-3000001-A1", "EP-30000001", priorities=[("EP-30000001", date(2018, 1, 1), True, None)],
             publication_date=date(2019, 1, 1))
    core.doc("CN-3000002-A", "CN-30000002", priorities=[("CN-30000002", date(2018, 2, 1), True, None)],
             publication_date=date(2019, 2, 1), title="发明", title_lang="zh", title_en="An invention")
    core.cites("EP-3000001-A1", "JP-2015000001-A", "US-9000001-B2", "US-1234567-B1")
    core.cites("CN-3000002-A", "KR-20150000001-A")
    core.cites("US-9000001-B2", "US-2015000001-A1")
    core.build()
    family = core.family(p_id("JP-2014000001"))
    assert family["representative_doc_id"] == "US-2015000001-A1"  # English abstract, then the earliest
    assert (family["title"], family["title_lang"], family["abstract"]) == ("Invention", "en", "English abstract.")
    assert family["offices"] == ["JP", "KR", "US"] and family["family_size"] == 3 and family["member_count"] == 4
    assert family["cpc"] == ["B25J9/16", "G06N20/00", "G06N3/08"] and family["ipc"] == ["G06N3/08"]
    assert family["applicants"] == ["ACME, INC.", "SAMSUNG ELECTRONICS CO., LTD.", "삼성전자주식회사"]
    assert family["applicant_countries"] == ["KR", "US"]
    assert family["forward_citations"] == 2  # two citing families; the self-citation does not count
    assert family["first_filing_country"] == "JP" and family["earliest_priority_date"] == date(2014, 1, 1)
    citing = core.family(p_id("CN-30000002"))
    assert citing["forward_citations"] == 0 and citing["cpc"] == [] and citing["applicants"] == []
    assert (citing["title"], citing["title_lang"]) == ("An invention", "en")
    assert citing["representative_doc_id"] == "CN-3000002-A" and citing["abstract"] is None


def _shuffled_core(reverse: bool) -> Core:
    core = Core()
    rows = [
        ("EP-1000001-A1", "EP-1", "100", [("DE-1", date(2010, 1, 1), True, None)]),
        ("US-1000002-A1", "US-2", None, [("DE-1", date(2010, 1, 1), True, None)]),
        ("KR-1000003-A", "KR-3", None, []),
        ("JP-1000004-A", "JP-4", None, [("KR-3", date(2009, 1, 1), True, None), ("US-5-P", date(2009, 2, 1), True, None)]),
    ]
    for doc_id, application_id, docdb, priorities in (reversed(rows) if reverse else rows):
        core.doc(doc_id, application_id, docdb=docdb, priorities=priorities)
    return core.build()


def test_family_ids_are_deterministic_and_a_rerun_gives_the_same_tables():
    first, second = _shuffled_core(False), _shuffled_core(True)
    assert first.family_of() == second.family_of()
    assert first.family_of()["JP-1000004-A"] == p_id("KR-3", "US-5-P")
    before = first.conn.sql("SELECT * FROM core.families ORDER BY family_id").fetchall()
    members = first.conn.sql("SELECT * FROM core.family_members ORDER BY doc_id").fetchall()
    first.build()
    assert first.conn.sql("SELECT * FROM core.families ORDER BY family_id").fetchall() == before
    assert first.conn.sql("SELECT * FROM core.family_members ORDER BY doc_id").fetchall() == members


def test_check_queries_find_what_they_look_for():
    core = _shuffled_core(False)
    assert not any(membership_problems(core.conn).values())
    assert not any(family_shape_problems(core.conn).values())
    assert not any(size_problems(core.conn).values())
    core.conn.execute("DELETE FROM core.family_members WHERE doc_id = 'KR-1000003-A'")
    core.conn.execute("INSERT INTO core.family_members (family_id, doc_id) VALUES ('100', 'US-1000002-A1')")
    core.conn.execute("UPDATE core.families SET family_size = 6 WHERE family_id = '100'")
    assert membership_problems(core.conn) == {"documents_without_family": 1, "documents_in_several_families": 1,
                                              "members_not_in_documents": 0}
    shape = family_shape_problems(core.conn)
    assert shape["empty_families"] == 1 and shape["member_count_mismatches"] == 1
    assert size_problems(core.conn)["family_size_outside_1_to_5"] == 1


@pytest.mark.parametrize("flag", [True, None])
def test_own_application_beside_claims_never_splits_a_family(flag):
    core = Core()
    core.doc("US-2014000001-A1", "US-201314000001",
             priorities=[("US-201314000001", D_PCT, False if flag else None, None), (PROV, D_PROV, flag, None)])
    core.doc("EP-2000009-A1", "EP-13000009", priorities=[(PROV, D_PROV, True, None)])
    core.build()
    assert core.groups() == {frozenset({"US-2014000001-A1", "EP-2000009-A1"})}
