"""USPTO ICE XML parser on the real bulk samples (v4.0 to v4.7), its quarantine and its streaming.

Expected values were read off the XML files by eye; identifiers are the DOCDB forms of the data
contract (designs have the DOCDB application kind F, provisionals P, PCT applications W).
"""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest

from roadmap_pipeline.lib.formats import uspto
from roadmap_pipeline.lib.records import Document, Reject

GRANTS_V43 = "uspto/PatentsView-DB__ipg130416.small.xml"
APPLICATIONS_V43 = "uspto/PatentsView-DB__ipa130117.one.xml"
GRANTS_V47_ZIP = "uspto/alexandria3k__ipgb20221025_wk43.zip"
GRANT_V40 = "uspto/go-uspto__grant_v4-0-B2.xml"
APPLICATION_V40 = "uspto/PatentPublicData__xmlApp2004_US20050004437A1.xml"
GRANT_V42 = "uspto/PatentPublicData__xml2006_US07272630B2.xml"
GRANT_V45_JP = "uspto/PatentPublicData__xml2014_US08927118.xml"
GRANT_V45_NO_CPC = "uspto/PatentPublicData__xml2014_US08930553.xml"
APPLICATION_V44 = "uspto/go-uspto__application_v4-4-A1.xml"
APPLICATION_V45 = "uspto/go-uspto__application_v4-5-A1.xml"


def _parse_bytes(data: bytes, name: str = "test.xml", **options) -> list[Document | Reject]:
    return list(uspto.parse(io.BytesIO(data), name, **options))


@pytest.fixture
def read(fixtures):
    """Parse a fixture (the XML member of a zip) into a list of records."""

    def _read(relative: str) -> list[Document | Reject]:
        path = fixtures / relative
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                data = archive.read("ipgb20221025.xml")
            return _parse_bytes(data, f"{path.name}!ipgb20221025.xml")
        with path.open("rb") as stream:
            return list(uspto.parse(stream, path.name))

    return _read


def _documents(records) -> dict[str, Document]:
    return {r.doc_id: r for r in records if isinstance(r, Document)}


def _priorities(doc: Document) -> list[tuple]:
    return [(p.priority_id, p.priority_date, p.active, p.linkage_type) for p in doc.priorities]


def _symbols(doc: Document, scheme: str) -> list[str]:
    return [c.symbol for c in doc.classifications if c.scheme == scheme]


def _people(doc: Document, role: str) -> list[tuple[str, str | None]]:
    return [(p.name, p.country) for p in doc.parties if p.role == role]


# --------------------------------------------------------------------------------------------------
# v4.3 weekly grant file: 27 concatenated documents, 2 of them sequence listings
# --------------------------------------------------------------------------------------------------


def test_v43_grant_file_is_split_into_its_27_documents(read):
    records = read(GRANTS_V43)
    docs = [r for r in records if isinstance(r, Document)]
    skipped = [r for r in records if isinstance(r, Reject) and r.severity != "warning"]
    assert len(docs) == 25 and len(skipped) == 2
    assert [(r.locator, r.reason, r.severity) for r in skipped] == [
        ("doc 13 (line 8086)", "not a patent document: sequence-cwu", "skipped"),
        ("doc 15 (line 13234)", "not a patent document: sequence-cwu", "skipped"),
    ]
    assert all(r.source_file == "PatentsView-DB__ipg130416.small.xml" for r in skipped)
    assert skipped[0].excerpt.startswith('<?xml version="1.0" encoding="UTF-8"?>') and len(skipped[0].excerpt) <= 300
    assert {d.source_format for d in docs} == {"uspto-grant-v4.3"}
    assert [d.locator for d in docs[:4]] == [
        "doc 1 (line 1)",
        "doc 2 (line 1449)",
        "doc 3 (line 1686)",
        "doc 4 (line 2168)",
    ]
    assert docs[-1].doc_id == "US-8421615-B2" and docs[-1].locator == "doc 27 (line 30195)"


def test_v43_design_grant_with_jp_priority(read):
    doc = _documents(read(GRANTS_V43))["US-D680087-S1"]
    assert (doc.office, doc.publication_number, doc.kind) == ("US", "D680087", "S1")
    assert doc.publication_date == date(2013, 4, 16)
    assert doc.application_id == "US-201229410027-F"  # design application, DOCDB kind F
    assert doc.filing_date == date(2012, 1, 3)
    assert _priorities(doc) == [
        ("JP-2011015204", date(2011, 7, 4), True, None),
        ("US-201229410027-F", date(2012, 1, 3), False, None),
    ]
    assert doc.title == doc.title_en == "Television set" and doc.title_lang == "en"
    assert doc.abstract is None and doc.abstract_lang is None  # designs have no abstract
    assert doc.classifications == []  # Locarno and USPC only
    assert _people(doc, "applicant") == [("Sharp Kabushiki Kaisha", "JP")]
    assert _people(doc, "inventor") == [
        ("Fujii, Yoshito", "JP"),
        ("Iida, Katsuhiro", "JP"),
        ("Ohtani, Tohru", "JP"),
        ("Gomi, Hiroshi", "JP"),
    ]
    assert [p.seq for p in doc.parties if p.role == "inventor"] == [1, 2, 3, 4]
    assert len(doc.citations) == 81  # 81 patcit, 5 nplcit left out
    assert (doc.citations[0].cited_id, doc.citations[0].category) == ("US-D427169-S", "cited by applicant")


def test_v43_kr_priority_division_and_kr_citation(read):
    doc = _documents(read(GRANTS_V43))["US-8418361-B2"]
    assert doc.application_id == "US-201113299685" and doc.filing_date == date(2011, 11, 18)
    assert _priorities(doc) == [
        ("KR-20080034874", date(2008, 4, 15), True, None),
        ("US-200812213975", date(2008, 6, 26), False, "3"),  # division of an abandoned parent
        ("US-201113299685", date(2011, 11, 18), False, None),
    ]
    assert _symbols(doc, "IPC") == ["H05K3/02"] and _symbols(doc, "CPC") == []
    assert _people(doc, "applicant") == [("Samsung Electro-Mechanics Co., Ltd.", "KR")]
    assert _people(doc, "inventor")[0] == ("Lee, Suk Won", "KR")
    assert doc.title == "Method of manufacturing printed circuit board having landless via hole"
    assert doc.abstract.startswith("Method of manufacturing printed circuit board, including:")
    cited = [(c.cited_id, c.category) for c in doc.citations]
    assert cited[:3] == [
        ("US-5817405-A", "cited by applicant"),
        ("US-6490170-B2", "cited by examiner"),
        ("US-7858885-B2", "cited by applicant"),
    ]
    assert ("KR-100688702-B1", "cited by applicant") in cited  # KR registration written without kind


def test_v43_kr_citations_are_docdb_ids(read):
    doc = _documents(read(GRANTS_V43))["US-8420484-B2"]
    cited = {c.cited_id for c in doc.citations}
    assert {"KR-20050011376-A", "KR-100843711-B1", "KR-20080089095-A"} <= cited
    assert _priorities(doc)[0] == ("KR-20090049351", date(2009, 6, 4), True, None)
    assert _people(doc, "applicant") == [("Hynix Semiconductor Inc.", "KR")]


def test_v43_regional_ep_priority_and_pct_national_phase(read):
    doc = _documents(read(GRANTS_V43))["US-8420588-B2"]
    assert doc.application_id == "US-201013394746" and doc.filing_date == date(2010, 9, 1)
    # A 371 entry: the PCT application stands in for the US one, as DOCDB lists it.
    assert _priorities(doc) == [
        ("EP-09011586", date(2009, 9, 10), True, None),
        ("EP-2010005368-W", date(2010, 9, 1), False, "W"),
    ]
    assert _symbols(doc, "IPC") == ["C11D3/20", "C11D3/22", "C11D7/26", "C11D13/10", "B08B3/04"]
    assert _people(doc, "applicant") == [("Cognis IP Management GmbH", "DE")]
    assert ("Löhl, Thorsten", "DE") in _people(doc, "inventor")  # &#xf6; decoded
    assert doc.title == "Isosorbide glyceryl ether derivatives and their use in household applications"


def test_v43_pct_without_priority_is_the_active_first_filing(read):
    doc = _documents(read(GRANTS_V43))["US-8420530-B2"]
    assert doc.application_id == "US-67288507"
    assert _priorities(doc) == [("SG-2007000247-W", date(2007, 8, 10), True, "W")]
    assert _people(doc, "applicant") == [("Agency for Science, Technology and Research", "SG")]
    assert _people(doc, "inventor") == [
        ("Thet, Naing Tun", "SG"),
        ("Joachim, Christian", "FR"),
        ("Chandrasekhar, Natarajan", "IN"),
    ]


def test_v43_two_assignees_are_two_applicants(read):
    doc = _documents(read(GRANTS_V43))["US-8421615-B2"]
    assert _people(doc, "applicant") == [
        ("Samsung Electronics Co., Ltd.", "KR"),
        ("Research and Business Foundation, Korea University", "KR"),
    ]
    assert len(_people(doc, "inventor")) == 6
    assert _symbols(doc, "IPC") == ["G08B1/08"]


def test_v43_foreign_priorities_of_the_whole_file(read):
    docs = _documents(read(GRANTS_V43)).values()
    foreign = {p.priority_id for d in docs for p in d.priorities if not p.priority_id.startswith("US-")}
    # The 13 priority-claim elements of the file, plus the two PCT applications of 371 entries.
    assert foreign == {
        "JP-2011015204", "KR-20080034874", "JP-2008058159", "JP-2008058160", "JP-2009009055",
        "JP-2010176212", "JP-2007183752", "JP-2007155620", "KR-20090049351", "EP-09011586",
        "KR-20100127643", "KR-20080125387", "KR-20070116815",
        "EP-2010005368-W", "SG-2007000247-W",
    }  # fmt: skip


# --------------------------------------------------------------------------------------------------
# v4.3 application bulk file
# --------------------------------------------------------------------------------------------------


def test_v43_application_file(read):
    records = read(APPLICATIONS_V43)
    assert [r.locator for r in records] == ["doc 1 (line 1)", "doc 2 (line 198)"]
    first, second = records
    assert first.doc_id == "US-2013014308-A1" and first.kind == "A1"
    assert first.publication_date == date(2013, 1, 17)
    assert first.application_id == "US-201113181579" and first.filing_date == date(2011, 7, 13)
    assert first.source_format == "uspto-application-v4.3"
    assert first.title == "TYPING-MATE"
    assert first.abstract.startswith("A finger nail tip cover which acts as a typing aid for users")
    assert _symbols(first, "IPC") == ["A41D13/08"]
    # The inventor is also the assignee (an individual): one applicant.
    assert _people(first, "applicant") == [("Feliciano, Yennifer", "US")]
    assert _priorities(first) == [("US-201113181579", date(2011, 7, 13), True, None)]

    assert second.doc_id == "US-2013014306-A1"
    assert second.title == "TACTICAL MIXED MARTIAL ARTS GLOVE"
    assert _priorities(second) == [
        ("US-201161433841-P", date(2011, 1, 18), True, None),
        ("US-201161473378-P", date(2011, 4, 8), True, None),
        ("US-201161526999-P", date(2011, 8, 24), True, None),
        ("US-201213353293", date(2012, 1, 18), False, None),
    ]
    # No assignee: the inventor-applicants are the applicants.
    assert _people(second, "applicant") == [("Mechling, Christopher", "US"), ("Mechling, Nicholas", "US")]
    assert _symbols(second, "IPC") == ["A41D13/08", "A41D19/02"]


# --------------------------------------------------------------------------------------------------
# v4.0, v4.2, v4.4, v4.5 single documents
# --------------------------------------------------------------------------------------------------


def test_v40_grant_with_odd_version_string(read):
    (doc,) = read(GRANT_V40)
    assert doc.source_format == "uspto-grant-v4.0"  # dtd-version="v40 2004-12-02"
    assert doc.doc_id == "US-6857133-B2" and doc.publication_date == date(2005, 2, 22)
    assert doc.application_id == "US-14125902" and doc.filing_date == date(2002, 5, 7)
    assert _symbols(doc, "IPC") == ["A41D13/00"]  # classification-ipc "A41D013/00"
    assert doc.title == "Method and apparatus for manufacturing and installing water resistant cover on a limb"
    assert doc.abstract.startswith("A water resistant covering covers a part of the body")
    # An unassigned patent: the applicant-inventor is both.
    assert _people(doc, "applicant") == [("Reynolds, David V.", "US")]
    assert _people(doc, "inventor") == [("Reynolds, David V.", "US")]
    assert (doc.citations[0].cited_id, doc.citations[0].category) == ("US-3820200-A", "cited by examiner")
    assert _priorities(doc) == [("US-14125902", date(2002, 5, 7), True, None)]


def test_v40_application_with_ch_priority_and_pct_continuation(read):
    (doc,) = read(APPLICATION_V40)
    assert doc.source_format == "uspto-application-v4.0"
    assert doc.doc_id == "US-2005004437-A1" and doc.publication_date == date(2005, 1, 6)
    assert doc.application_id == "US-83085704" and doc.filing_date == date(2004, 4, 23)
    swiss, pct, own = doc.priorities
    assert swiss.priority_id.startswith("CH-") and swiss.priority_date == date(2001, 10, 26) and swiss.active
    # A continuation of PCT/CH02/00573 (written with country US in the file).
    assert pct.priority_id.startswith("CH-") and pct.priority_id.endswith("-W")
    assert (pct.priority_date, pct.active, pct.linkage_type) == (date(2002, 10, 21), False, "1")
    assert (own.priority_id, own.active) == ("US-83085704", False)
    assert _symbols(doc, "IPC") == ["A61B5/00"]
    assert _people(doc, "applicant") == [("Kaufmann, Heiner", "CH"), ("Vering, Thomas", "CH")]
    assert _people(doc, "inventor") == [("Kaufmann, Heiner", "CH"), ("Vering, Thomas", "CH")]
    assert doc.title == "Simulation device for playful evaluation and display of blood sugar levels"


def test_v42_grant_division_and_applicant_inventors(read):
    (doc,) = read(GRANT_V42)
    assert doc.source_format == "uspto-grant-v4.2"
    assert doc.doc_id == "US-7272630-B2" and doc.publication_date == date(2007, 9, 18)
    assert doc.application_id == "US-99157104"
    # No Paris priority: the parent of the division is the first filing.
    assert _priorities(doc) == [
        ("US-87637601", date(2001, 6, 6), True, "3"),
        ("US-99157104", date(2004, 11, 18), False, None),
    ]
    assert _symbols(doc, "IPC") == ["G06F15/13"]
    assert _people(doc, "applicant") == [("Microsoft Corporation", "US")]
    assert _people(doc, "inventor") == [
        ("Douceur, John R.", "US"),
        ("Theimer, Marvin M.", "US"),
        ("Adya, Atul", "US"),
        ("Bolosky, William J.", "US"),
    ]
    assert len(doc.citations) == 78  # 78 patcit
    assert (doc.citations[0].cited_id, doc.citations[0].category) == ("US-5202982-A", "cited by other")
    assert doc.abstract.startswith("Potentially identical objects (e.g., files) are located across")


def test_v45_grant_jp_priority_continuation_chain_and_cpc(read):
    (doc,) = read(GRANT_V45_JP)
    assert doc.source_format == "uspto-grant-v4.5"
    assert doc.doc_id == "US-8927118-B2" and doc.publication_date == date(2015, 1, 6)
    assert doc.application_id == "US-201213349377" and doc.filing_date == date(2012, 1, 12)
    assert _priorities(doc) == [
        ("JP-2008148514", date(2008, 6, 5), True, None),
        ("US-201113173486", date(2011, 6, 30), False, "1"),
        ("US-200812253586", date(2008, 10, 17), False, "1"),
        ("US-201213349377", date(2012, 1, 12), False, None),
    ]
    cpc = _symbols(doc, "CPC")
    assert cpc[0] == "C07D493/04"  # main-cpc first
    assert {"C07D487/04", "H01L51/0055", "H05B33/14", "C09K2211/1029", "H01L51/5092"} <= set(cpc)
    assert len(cpc) == 14  # 1 main + 13 further
    assert _symbols(doc, "IPC")[:2] == ["H05B33/14", "C07D495/04"]
    assert "H01L51/50" in _symbols(doc, "IPC")
    assert _people(doc, "applicant") == [("Idemitsu Kosan Co., Ltd.", "JP")]
    assert len(_people(doc, "inventor")) == 5
    assert doc.title.startswith("Material for organic electroluminescence device")


def test_v45_grant_without_cpc(read):
    (doc,) = read(GRANT_V45_NO_CPC)
    assert doc.doc_id == "US-8930553-B2"
    assert [(c.scheme, c.symbol) for c in doc.classifications] == [("IPC", "G06F15/16")]
    # The applicant organisation and the assignee are the same company: listed once.
    assert _people(doc, "applicant") == [("International Business Machines Corporation", "US")]
    assert _people(doc, "inventor") == [("Nissim, Nitzan", "IL"), ("Pulito, Brian", "US"), ("Zinger, Asaf", "IL")]
    assert _priorities(doc) == [("US-201213648029", date(2012, 10, 9), True, None)]


def test_v44_application_with_cpc_and_provisional(read):
    (doc,) = read(APPLICATION_V44)
    assert doc.source_format == "uspto-application-v4.4"
    assert doc.doc_id == "US-2021267109-A1" and doc.publication_date == date(2021, 9, 2)
    assert doc.application_id == "US-202117173265" and doc.filing_date == date(2021, 2, 11)
    assert _symbols(doc, "CPC") == ["A01B1/04", "A01D11/06", "B08B13/00", "B08B1/005"]
    assert _symbols(doc, "IPC") == ["A01B1/04", "B08B1/00", "B08B13/00", "A01D11/06"]
    assert _priorities(doc) == [
        ("US-202062982464-P", date(2020, 2, 27), True, None),
        ("US-202117173265", date(2021, 2, 11), False, None),
    ]
    assert _people(doc, "applicant") == [("O'Keefe, Daniel", "US")]
    # The file was pretty-printed: the abstract comes out on one line.
    assert doc.abstract == (
        "Methods and apparatus for improved yard and garden maintenance are disclosed. The yard and "
        "garden maintenance include manual and powered leaf and debris cleaning systems some "
        "incorporating specialized fork and teeth designs. In some examples, the powered leaf and "
        "debris cleaning systems may include processors, navigation and communications capability."
    )
    assert doc.abstract_lang == "en" and doc.abstract_en == doc.abstract


def test_v45_application_national_phase_from_argentina(read):
    (doc,) = read(APPLICATION_V45)
    assert doc.source_format == "uspto-application-v4.5"
    assert doc.doc_id == "US-2022159901-A1" and doc.publication_date == date(2022, 5, 26)
    assert doc.application_id == "US-201917437086" and doc.filing_date == date(2019, 9, 19)
    assert _priorities(doc) == [("IB-2019057948-W", date(2019, 9, 19), True, "W")]
    assert _symbols(doc, "CPC") == ["A01C7/04"] and _symbols(doc, "IPC") == ["A01C7/04"]
    assert _people(doc, "applicant") == [("Spinsanti, Ariel Alberto Antonio", "AR")]
    assert doc.title == "SEED DISTRIBUTOR USED FOR AGRICULTURAL MACHINES"


# --------------------------------------------------------------------------------------------------
# v4.7 front-page file inside the weekly zip
# --------------------------------------------------------------------------------------------------


def test_v47_zip_member(read):
    records = read(GRANTS_V47_ZIP)
    assert len(records) == 11 and all(isinstance(r, Document) for r in records)
    assert {r.source_format for r in records} == {"uspto-grant-v4.7"}
    assert [r.doc_id for r in records] == [
        "US-11617522-B2", "US-D967598-S1", "US-D967598-S1", "US-PP34694-P2", "US-RE49257-E1",
        "US-RE49258-E1", "US-RE49259-E1", "US-11477944-B2", "US-11477945-B2", "US-11477946-B2",
        "US-11477947-B2",
    ]  # fmt: skip
    assert records[1].to_dict() == {**records[2].to_dict(), "locator": records[1].locator}  # the fixture's duplicate


def test_v47_utility_grant(read):
    doc = _documents(read(GRANTS_V47_ZIP))["US-11617522-B2"]
    assert doc.publication_date == date(2023, 4, 4)
    assert doc.application_id == "US-201916533534" and doc.filing_date == date(2019, 8, 6)
    assert _symbols(doc, "CPC") == ["A61B5/14532", "A61B5/14546", "A61B5/153", "A61M5/172", "A61M5/14566"]
    assert _symbols(doc, "IPC") == ["A61B5/145", "A61M5/145", "A61M5/172", "A61B5/153"]
    assert _people(doc, "applicant") == [("MEDTRONIC MINIMED, INC.", "US")]
    assert _people(doc, "inventor") == [
        ("Li, Xin X.", "CN"),
        ("Liu, Zhiyong", "CN"),
        ("Yavorsky, Matthew William", "US"),
    ]
    assert doc.title == "Sensor inserter with disposal lockout state"
    assert doc.abstract.startswith("A sensor inserter for a physiological characteristic sensor")


def test_v47_reissue_with_gb_priorities(read):
    doc = _documents(read(GRANTS_V47_ZIP))["US-RE49258-E1"]
    assert doc.application_id == "US-201815949385"
    paris = [(p.priority_id, p.priority_date, p.active) for p in doc.priorities if p.active]
    assert paris == [("GB-0208877", date(2002, 4, 18), True), ("GB-0229951", date(2002, 12, 20), True)]
    ids = [p.priority_id for p in doc.priorities]
    assert {"US-201615277516", "US-24955103", "US-201815949385"} <= set(ids)
    # "Jaguar Land Rover Limited" (applicant) and "JAGUAR LAND ROVER LIMITED" (assignee) are one.
    assert _people(doc, "applicant") == [("Jaguar Land Rover Limited", "GB")]
    assert doc.title == "Vehicle control"


def test_v47_reissue_abstract_leaves_out_deleted_words(read):
    doc = _documents(read(GRANTS_V47_ZIP))["US-RE49257-E1"]
    assert "second flange extending radially outwardly from the second annular sidewall" in doc.abstract
    assert "inwardly" not in doc.abstract.split("second flange")[1].split("sidewall")[0]
    assert _people(doc, "applicant") == [("ORBITAL ROTATION ACCESSORY INTERNATIONAL INC.", "CA")]
    assert ("US-201562167931-P", date(2015, 5, 29), True, None) in _priorities(doc)


def test_v47_plant_patent_and_formatted_title(read):
    doc = _documents(read(GRANTS_V47_ZIP))["US-PP34694-P2"]
    assert doc.title == "Portulaca plant named \u2018DPORMPZPUP\u2019"  # <i>Portulaca </i>plant …
    assert doc.application_id == "US-202217571093"
    # Continuation of a pending first filing, no other priority: the parent is the active one.
    assert _priorities(doc) == [
        ("US-202117319954", date(2021, 5, 13), True, "1"),
        ("US-202217571093", date(2022, 1, 7), False, None),
    ]
    # Two spellings of the owner in the file (applicant "Danizger", assignee "Danziger").
    assert _people(doc, "applicant") == [
        ("Danizger \u2018DAN\u2019 Flower Farm", "IL"),
        ("Danziger \u201cDan\u201d Flower Farm", None),
    ]


def test_v47_national_phase_with_gb_priority(read):
    docs = _documents(read(GRANTS_V47_ZIP))
    tray = docs["US-11477946-B2"]
    assert tray.application_id == "US-201916964182"
    assert _priorities(tray) == [
        ("GB-1801097", date(2018, 1, 23), True, None),
        ("GB-2019050173-W", date(2019, 1, 22), False, "W"),
    ]
    container = docs["US-11477947-B2"]
    # "International Plant Propagation Technology, Ltd." and "…TECHNOLOGY LTD": one applicant.
    assert _people(container, "applicant") == [("International Plant Propagation Technology, Ltd.", "GB")]


def test_legacy_formats_are_rejected_naming_them(fixtures):
    for name, words in [
        ("unsupported/PatentPublicData__sgml_USD435854S1.xml", "PATDOC"),
        ("unsupported/PatentPublicData__pap_US20010000044A1.xml", "PAP"),
    ]:
        (record,) = _parse_bytes((fixtures / name).read_bytes())
        assert isinstance(record, Reject) and record.severity == "error"
        assert record.reason.startswith("unsupported format:") and words in record.reason


# --------------------------------------------------------------------------------------------------
# A number whose DOCDB form needs a fact the document lacks
# --------------------------------------------------------------------------------------------------


def test_provisional_without_its_filing_date_keeps_the_document_with_a_warning(fixtures):
    # DOCDB writes a US application filed before 2008 as serial + two-digit filing year (60/888,591
    # of 2007-02-07 is US-88859107-P), so without the date no id can be built, and none is made up.
    data = (fixtures / GRANTS_V43).read_bytes()
    dated = _documents(_parse_bytes(data))["US-8420690-B2"]
    assert _priorities(dated) == [
        ("US-88859107-P", date(2007, 2, 7), True, None),
        ("US-2008053277-W", date(2008, 2, 7), False, "W"),
    ]
    written = b"<doc-number>60888591</doc-number>\n"
    records = _parse_bytes(_damage(data, "US08420690", written + b"<date>20070207</date>\n", written))
    docs = _documents(records)
    assert len(docs) == 25
    doc = docs["US-8420690-B2"]
    assert doc.application_id == dated.application_id
    # Without the provisional, the PCT application of the national-phase entry is the active priority.
    assert _priorities(doc) == [("US-2008053277-W", date(2008, 2, 7), True, "W")]
    [warning] = [r for r in records if isinstance(r, Reject) and r.locator == doc.locator]
    assert warning.severity == "warning" and warning.excerpt == "US 60888591"
    assert "priority number" in warning.reason and "filing date" in warning.reason


# --------------------------------------------------------------------------------------------------
# Quarantine: a bad document loses only itself
# --------------------------------------------------------------------------------------------------


def _document_span(data: bytes, number: str) -> tuple[int, int]:
    """Byte span of the document whose file attribute names `number` (e.g. ``US08418612``)."""
    start = data.rindex(b"<?xml ", 0, data.index(f'file="{number}'.encode()))
    end = data.find(b"<?xml ", start + 1)
    return start, end if end >= 0 else len(data)


def _damage(data: bytes, number: str, old: bytes, new: bytes) -> bytes:
    start, end = _document_span(data, number)
    document = data[start:end]
    assert old in document
    return data[:start] + document.replace(old, new, 1) + data[end:]


def _check_only_doc5_lost(records, reason_start: str) -> Reject:
    assert len(records) == 28  # 25 records of the file, 2 sequence listings, 1 warning (doc 12)
    bad = records[4]
    assert isinstance(bad, Reject) and bad.severity == "error"
    assert bad.locator == "doc 5 (line 2981)"
    assert bad.reason.startswith(reason_start)
    assert 'file="US08418612-20130416.XML"' in bad.excerpt and len(bad.excerpt) <= 300
    docs = _documents(records)
    assert len(docs) == 24 and "US-8418612-B2" not in docs
    assert {"US-8418590-B2", "US-8418880-B2", "US-8421615-B2"} <= set(docs)
    assert docs["US-8418880-B2"].locator == "doc 6 (line 3704)"
    return bad


def test_broken_xml_in_the_middle_loses_only_that_document(fixtures):
    data = (fixtures / GRANTS_V43).read_bytes()
    broken = _damage(data, "US08418612", b"</invention-title>", b"</invention-titel>")
    bad = _check_only_doc5_lost(_parse_bytes(broken), "malformed XML:")
    assert "invention-title" in bad.reason
    assert "file line" in bad.reason


def test_undecodable_bytes_lose_only_that_document(fixtures):
    data = (fixtures / GRANTS_V43).read_bytes()
    broken = _damage(data, "US08418612", b"Printing plate making apparatus", b"Printing \xff\xfe plate")
    _check_only_doc5_lost(_parse_bytes(broken), "undecodable bytes:")


def test_document_without_publication_number_is_rejected(fixtures):
    data = (fixtures / GRANTS_V43).read_bytes()
    broken = _damage(data, "US08418612", b"<doc-number>08418612</doc-number>", b"")
    bad = _check_only_doc5_lost(_parse_bytes(broken), "missing publication number")
    assert bad.reason == "missing publication number"


def test_truncated_file_loses_only_its_last_document(fixtures):
    data = (fixtures / APPLICATIONS_V43).read_bytes()
    cut = data.index(b"A glove employable for mixed martial arts")  # inside the abstract of doc 2
    records = _parse_bytes(data[:cut])
    assert isinstance(records[0], Document) and records[0].doc_id == "US-2013014308-A1"
    assert isinstance(records[1], Reject) and records[1].severity == "error"
    assert records[1].reason == (
        f"file ends inside this document, at byte {cut} (truncated): no </us-patent-application> end tag; "
        "the documents before it were kept"
    )
    assert records[1].locator == "doc 2 (line 198)"


def test_file_cut_in_the_claims_loses_that_document(fixtures):
    # The claims are not parsed (see uspto._front_part), but a document without its end tag is
    # known to be cut short whatever its front page holds.
    data = (fixtures / APPLICATIONS_V43).read_bytes()
    cut = data.rindex(b"<claim ")
    records = _parse_bytes(data[:cut])
    assert [type(r) for r in records] == [Document, Reject]
    assert records[1].locator == "doc 2 (line 198)" and "truncated" in records[1].reason


def test_document_cut_by_the_next_one_is_rejected(fixtures):
    data = (fixtures / APPLICATIONS_V43).read_bytes()
    second = data.index(b"<?xml ", 10)
    cut = data.rindex(b"<claim ", 0, second)  # doc 1 cut in its claims, doc 2 follows whole
    records = _parse_bytes(data[:cut] + data[second:])
    assert isinstance(records[0], Reject) and records[0].locator == "doc 1 (line 1)"
    assert records[0].reason == (
        f"document cut short: the next document starts at byte {cut}, before its </us-patent-application> end tag"
    )
    assert isinstance(records[1], Document) and records[1].doc_id == "US-2013014306-A1"


def test_damage_after_the_front_page_is_not_looked_at(fixtures):
    # Only the bibliographic data and abstract are parsed (see uspto._front_part): markup broken
    # in the claims of a complete document does not lose its record.
    data = (fixtures / APPLICATIONS_V43).read_bytes()
    claims = data.rindex(b"<claim ")
    records = _parse_bytes(data[:claims] + b"<claim <<broken" + data[claims + 7 :])
    assert [r.doc_id for r in records] == ["US-2013014308-A1", "US-2013014306-A1"]


def test_undeclared_html_entity_is_read_as_its_character(fixtures):
    data = (fixtures / GRANT_V40).read_bytes()
    # Without the DOCTYPE an undeclared entity is a fatal error; it is retried as a character reference.
    data = data.replace(b'<!DOCTYPE us-patent-grant SYSTEM "us-patent-grant-v40-2004-12-02.dtd" [ ]>\n', b"")
    data = data.replace(b"water resistant cover on a limb", b"water resistant cover &mdash; on a limb")
    (doc,) = _parse_bytes(data)
    assert doc.title == "Method and apparatus for manufacturing and installing water resistant cover \u2014 on a limb"


def test_entity_left_unresolved_under_a_doctype_is_read_as_its_character(fixtures):
    data = (fixtures / GRANT_V40).read_bytes()
    data = data.replace(b"water resistant cover on a limb", b"water resistant cover&mdash;on a limb&hellip;")
    (doc,) = _parse_bytes(data)
    assert doc.title.endswith("cover\u2014on a limb\u2026")


def test_oversized_documents_are_rejected_unread_and_lines_stay_right(fixtures):
    data = (fixtures / GRANTS_V43).read_bytes()
    normal = _parse_bytes(data)
    limited = _parse_bytes(data, max_doc_bytes=40_000)  # doc 1 has 35,488 bytes, doc 3 40,861
    # One record per document either way (a document's warnings come only when it is read).
    def located(records):
        return [r.locator for r in records if not (isinstance(r, Reject) and r.severity == "warning")]

    assert located(limited) == located(normal)
    too_large = [r for r in limited if isinstance(r, Reject) and r.reason.startswith("document too large")]
    assert too_large and all(r.severity == "error" and r.excerpt.startswith("<?xml") for r in too_large)
    assert limited[0] == normal[0]  # under the limit: read as usual
    assert "doc 3 (line 1686)" in {r.locator for r in too_large}


# --------------------------------------------------------------------------------------------------
# Splitting and streaming
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("chunk_bytes", [1, 5, 6, 7, 4093])
def test_any_chunk_size_splits_the_same(fixtures, chunk_bytes):
    data = (fixtures / APPLICATIONS_V43).read_bytes()
    expected = [r.to_dict() for r in _parse_bytes(data)]
    assert [r.to_dict() for r in _parse_bytes(data, chunk_bytes=chunk_bytes)] == expected


def test_documents_glued_on_one_line_are_still_split(fixtures):
    with zipfile.ZipFile(fixtures / GRANTS_V47_ZIP) as archive:
        data = archive.read("ipgb20221025.xml")
    assert not data.endswith(b"\n")  # the member ends right after its root end tag
    records = _parse_bytes(data + data)
    assert len(records) == 22 and all(isinstance(r, Document) for r in records)
    assert records[11].doc_id == "US-11617522-B2"


class _NoSlurpStream(io.RawIOBase):
    """A stream that fails on read() without a size or with a huge one, and records positions."""

    def __init__(self, data: bytes, limit: int):
        self._data = io.BytesIO(data)
        self._limit = limit
        self.sizes: list[int] = []

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0 or size > self._limit:
            raise AssertionError(f"read({size}) would load the whole stream")
        self.sizes.append(size)
        return self._data.read(size)

    def tell(self) -> int:
        return self._data.tell()


def test_parser_streams_in_bounded_chunks(fixtures):
    data = (fixtures / GRANTS_V43).read_bytes()
    stream = _NoSlurpStream(data, limit=64 * 1024)
    records = uspto.parse(stream, "ipg130416", chunk_bytes=64 * 1024)
    first = next(records)
    assert isinstance(first, Document) and first.doc_id == "US-D680087-S1"
    assert stream.tell() <= 2 * 64 * 1024 < len(data)  # the first document came before the rest was read
    assert len(list(records)) == 27  # 24 documents, 2 sequence listings, 1 warning
    assert max(stream.sizes) == 64 * 1024


def test_non_patent_documents_are_not_buffered(fixtures):
    data = (fixtures / GRANTS_V43).read_bytes()
    sequence = [raw for raw in uspto.split_documents(io.BytesIO(data)) if raw.root == "sequence-cwu"]
    assert [(raw.index, raw.line, raw.data) for raw in sequence] == [(13, 8086, None), (15, 13234, None)]
    assert sequence[0].size == 90_278  # a long listing, dropped as it streamed by


def test_sniff_root():
    head = b'<?xml version="1.0"?>\n<!DOCTYPE a SYSTEM "a.dtd" [ ]>\n<!-- c --><us-patent-grant x="1">'
    assert uspto.sniff_root(head) == "us-patent-grant"
    # An internal subset longer than the head: no guess from inside it.
    assert uspto.sniff_root(b'<?xml version="1.0"?>\n<!DOCTYPE PATDOC [\n<!ENTITY a SYSTEM "a.tif" NDATA TIF>') is None
    assert uspto.sniff_root(b"") is None


def test_byte_order_mark_before_the_first_document(fixtures):
    data = b"\xef\xbb\xbf" + (fixtures / GRANT_V40).read_bytes()
    (doc,) = _parse_bytes(data)
    assert doc.doc_id == "US-6857133-B2" and doc.locator == "doc 1 (line 1)"
