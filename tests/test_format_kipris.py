"""KIPRIS Plus parser on the real responses in tests/fixtures/kipo-kipris.

Expected values were read by eye from the XML files, not copied from the parser's output. Records
that no real file has (an item without numbers, broken XML, priorities) are made by editing the bytes
of the real files, each edit stated where it is made.
"""

from __future__ import annotations

import io
from datetime import date

import pytest

from roadmap_pipeline.lib.formats import kipris
from roadmap_pipeline.lib.formats.classification import class_symbol
from roadmap_pipeline.lib.formats.dates import written_date
from roadmap_pipeline.lib.records import Citation, Classification, Document, Party, Priority, Reject

KIPRIS = "kipo-kipris"
BIBLIO = f"{KIPRIS}/describug__real_kipris_biblio_KR1020200168607.xml"
SEARCH = f"{KIPRIS}/describug__real_kipris_search_batteries.xml"
FAMILY = f"{KIPRIS}/describug__real_kipris_family_KR1020200168607.xml"
CITATIONS = f"{KIPRIS}/describug__real_kipris_citations_KR1020200168607.xml"
CITING = f"{KIPRIS}/describug__real_kipris_citing_KR1020130028607.xml"
NODATA = f"{KIPRIS}/describug__real_kipris_rest_nodata.xml"
NO_PERIOD = f"{KIPRIS}/error-responses/describug__real_kipris_no_period.xml"
NOT_SUBSCRIBED = f"{KIPRIS}/error-responses/describug__real_kipris_rest_not_subscribed.xml"

TITLE = "복수의 배터리들을 충전하는 방법 및 그 방법을 적용한 전자 장치"
# The file writes "BATTERIES AND  ELECTRONIC" with two spaces; whitespace runs are collapsed.
TITLE_EN = "METHOD TO CHARGE A PLURALITY OF BATTERIES AND ELECTRONIC DEVICE APPLYING THE METHOD"
IPC = ["H02J7/00", "G01R31/382", "G01R19/165", "H01M10/44"]


def _read(fixtures, name: str) -> bytes:
    return (fixtures / name).read_bytes()


def _parse(data: bytes, name: str = "test.xml") -> list[Document | Reject]:
    return list(kipris.parse(io.BytesIO(data), name))


def _split(records):
    documents = [r for r in records if isinstance(r, Document)]
    rejects = [r for r in records if isinstance(r, Reject)]
    return documents, rejects


@pytest.fixture
def biblio(fixtures):
    return _split(_parse(_read(fixtures, BIBLIO), "biblio.xml"))


@pytest.fixture
def search(fixtures):
    return _split(_parse(_read(fixtures, SEARCH), "search.xml"))


# --- bibliographic detail ------------------------------------------------------------------------


def test_biblio_gives_the_open_and_the_registered_publication(biblio):
    documents, rejects = biblio
    assert [d.doc_id for d in documents] == ["KR-20220079145-A", "KR-103028032-B1"]
    assert rejects == []
    opened, registered = documents
    assert (opened.office, opened.publication_number, opened.kind) == ("KR", "20220079145", "A")
    assert opened.publication_date == date(2022, 6, 13)  # openDate
    assert (registered.publication_number, registered.kind) == ("103028032", "B1")
    # publicationDate (registration gazette, 2026.10.07), not registerDate (2026.09.30)
    assert registered.publication_date == date(2026, 10, 7)


def test_biblio_shared_bibliographic_fields(biblio):
    documents, _ = biblio
    for doc in documents:
        assert doc.application_id == "KR-20200168607"
        assert doc.filing_date == date(2020, 12, 4)
        assert (doc.title, doc.title_lang) == (TITLE, "ko")
        assert doc.title_en == TITLE_EN
        assert doc.abstract.startswith("본 개시의 일 실시예에 따른 전자 장치는, 차저(charger),")
        assert doc.abstract.endswith("이 외에도 명세서를 통해 파악되는 다양한 실시 예가 가능하다.")
        assert doc.abstract_lang == "ko" and doc.abstract_en is None
        assert doc.classifications == [Classification("IPC", s) for s in IPC]
        assert doc.docdb_family_id is None  # the family id comes from DOCDB/OPS or the members
        assert doc.priorities == []  # priorityInfoArray is empty, internationalInfo blank
        assert (doc.source_format, doc.locator) == ("kipris-biblio", "item 1")


def test_biblio_parties_map_the_korean_country_name(biblio):
    documents, _ = biblio
    assert documents[0].parties == [
        Party("applicant", 1, "삼성전자주식회사", "KR"),  # <country>대한민국</country>
        Party("inventor", 1, "최항석", None),  # <country> </country>
    ]
    assert documents[1].parties == documents[0].parties


def test_biblio_prior_art_goes_to_the_registered_publication_only(biblio):
    opened, registered = biblio[0]
    assert opened.citations == []
    assert registered.citations == [
        Citation("KR-20120103937-A"),
        Citation("KR-20180103602-A"),
        Citation("KR-20160113426-A"),
    ]


def test_documents_of_one_record_do_not_share_lists(biblio):
    opened, registered = biblio[0]
    opened.parties.append(Party("inventor", 2, "x"))
    assert len(registered.parties) == 2


# --- search results ------------------------------------------------------------------------------


def test_search_items_give_two_publications_each(search):
    documents, rejects = search
    assert rejects == []
    assert [(d.doc_id, d.locator) for d in documents] == [
        ("KR-20220079145-A", "item 1"),
        ("KR-103028032-B1", "item 1"),
        ("KR-20220029022-A", "item 2"),
        ("KR-103028942-B1", "item 2"),
        ("KR-20210031628-A", "item 3"),
        ("KR-103019942-B1", "item 3"),
    ]
    assert {d.source_format for d in documents} == {"kipris-search"}


def test_search_item_fields(search):
    documents = search[0]
    item2_a, item2_b1 = documents[2:4]
    assert item2_a.application_id == item2_b1.application_id == "KR-20200110839"
    assert item2_a.filing_date == date(2020, 9, 1)
    assert item2_a.publication_date == date(2022, 3, 8)
    assert item2_b1.publication_date is None  # <publicationDate></publicationDate>
    assert item2_a.title == "배터리 및 그를 포함하는 전자 장치" and item2_a.title_en is None
    assert [c.symbol for c in item2_a.classifications] == [
        "H01M10/42", "H01M50/209", "H01M50/572", "H04M1/02", "H02J7/00"
    ]
    assert item2_a.parties == [Party("applicant", 1, "삼성전자주식회사", None)]
    item3_b1 = documents[5]
    assert (item3_b1.publication_date, item3_b1.filing_date) == (date(2026, 9, 16), date(2020, 9, 11))


def test_search_and_biblio_agree_on_the_same_application(search, biblio):
    from_search, from_biblio = search[0][0], biblio[0][0]
    assert from_search.doc_id == from_biblio.doc_id
    # the search abstract has a double space after "있다." where the biblio has one
    assert from_search.abstract == from_biblio.abstract
    assert [c.symbol for c in from_search.classifications] == IPC


def test_search_applicant_names_are_pipe_separated(fixtures):
    data = _read(fixtures, SEARCH).replace(  # edit: item 1 gets a second applicant
        "<applicantName>삼성전자주식회사</applicantName><applicationDate>20201204".encode(),
        "<applicantName>삼성전자주식회사 | 서울대학교산학협력단</applicantName><applicationDate>20201204".encode(),
    )
    first = _parse(data)[0]
    assert first.parties == [
        Party("applicant", 1, "삼성전자주식회사"),
        Party("applicant", 2, "서울대학교산학협력단"),
    ]


# --- applicant search (PatentUtilityInfo rows) and paging fields ----------------------------------

APPLICANT_SEARCH = "extra/neojune__kipris_applicant_search_page1.xml"


def test_patent_utility_info_rows(fixtures):
    documents, rejects = _split(_parse(_read(fixtures, APPLICANT_SEARCH), "a.xml"))
    assert rejects == []
    assert [(d.doc_id, d.locator, d.source_format) for d in documents] == [
        ("KR-20240107554-A", "item 1", "kipris-search"),
        ("KR-101944113-B1", "item 2", "kipris-search"),
    ]
    opened, registered = documents
    # OpeningNumber/OpeningDate give the A; RegistrationNumber with PublicDate (not
    # RegistrationDate 20190124) the B1
    assert (opened.application_id, opened.filing_date, opened.publication_date) == (
        "KR-20220190309", date(2022, 12, 30), date(2024, 7, 9))
    assert (registered.application_id, registered.filing_date, registered.publication_date) == (
        "KR-20170126044", date(2017, 9, 28), date(2019, 1, 30))
    assert (registered.title, registered.title_lang) == ("급성 안면통증 예방 및 개선용 조성물", "ko")
    assert registered.abstract.endswith("급성 안면통증을 완화시킬 수 있다.")
    assert [c.symbol for c in registered.classifications] == [
        "A23L33/105", "A61K36/185", "A61K36/889", "A61K36/45"]
    assert registered.parties == [Party("applicant", 1, "동의대학교 산학협력단")]


def test_patent_utility_info_row_with_both_publications(fixtures):
    data = _read(fixtures, APPLICANT_SEARCH)  # edit: item 1 gets a registration
    data = data.replace(b"<RegistrationNumber></RegistrationNumber>",
                        b"<RegistrationNumber>1027000010000</RegistrationNumber>", 1)
    data = data.replace(b"<PublicDate></PublicDate>", b"<PublicDate>20250102</PublicDate>", 1)
    documents = _split(_parse(data))[0]
    assert [(d.doc_id, d.publication_date) for d in documents[:2]] == [
        ("KR-20240107554-A", date(2024, 7, 9)), ("KR-102700001-B1", date(2025, 1, 2))]


@pytest.mark.parametrize(
    "paging",
    [b"<TotalSearchCount>1784</TotalSearchCount><SearchStartNumber>1</SearchStartNumber>",
     b"<numOfRows>3</numOfRows><pageNo>1</pageNo><totalCount>44</totalCount>",
     b"<totalSearchCount/>"],
)
def test_paging_fields_inside_items_are_ignored(fixtures, paging):
    data = _read(fixtures, SEARCH).replace(b"<items>", b"<items>" + paging, 1)
    documents, rejects = _split(_parse(data))
    assert rejects == []
    assert [d.locator for d in documents] == ["item 1", "item 1", "item 2", "item 2", "item 3", "item 3"]


def test_applicant_search_paging_fields_give_no_reject(fixtures):
    records = _parse(_read(fixtures, APPLICANT_SEARCH))
    assert all(isinstance(r, Document) for r in records) and len(records) == 2


def test_empty_record_element_is_still_an_error():
    data = b"<response><body><items><item></item><PatentUtilityInfo/></items></body></response>"
    rejects = _parse(data)
    assert [(r.locator, r.severity) for r in rejects] == [("item 1", "error"), ("item 2", "error")]
    assert "empty KIPRIS record <item>" in rejects[0].reason
    assert "empty KIPRIS record <PatentUtilityInfo>" in rejects[1].reason


# --- family, citation and citing services --------------------------------------------------------


def test_family_members_carry_the_docdb_family_id(fixtures):
    documents, rejects = _split(_parse(_read(fixtures, FAMILY)))
    assert rejects == []
    assert [(d.doc_id, d.application_id, d.filing_date, d.publication_date) for d in documents] == [
        ("EP-4210193-A1", "EP-21900938", date(2021, 11, 26), date(2023, 7, 12)),
        ("EP-4210193-A4", "EP-21900938", date(2021, 11, 26), date(2024, 5, 8)),
        ("WO-2022119250-A1", "KR-2021017662-W", date(2021, 11, 26), date(2022, 6, 9)),
    ]
    assert {d.docdb_family_id for d in documents} == {"81854188"}
    assert {d.source_format for d in documents} == {"kipris-family"}
    assert [(d.office, d.kind) for d in documents] == [("EP", "A1"), ("EP", "A4"), ("WO", "A1")]


def test_citation_service_items_are_skipped_with_the_normalized_ids(fixtures):
    documents, rejects = _split(_parse(_read(fixtures, CITATIONS), "cit.xml"))
    assert documents == []
    assert [(r.locator, r.severity) for r in rejects] == [
        ("item 1", "skipped"), ("item 2", "skipped"), ("item 3", "skipped")
    ]
    cited = ["KR-20120103937-A", "KR-20180103602-A", "KR-20160113426-A"]
    for reject, cited_id in zip(rejects, cited):
        assert cited_id in reject.reason and "KR-20200168607" in reject.reason
        assert reject.source_file == "cit.xml"
    assert "<OriginalcitationLiteraturenumber>KR1020120103937 A" in rejects[0].excerpt


def test_citing_info_is_skipped_with_both_application_ids(fixtures):
    documents, rejects = _split(_parse(_read(fixtures, CITING)))
    assert documents == []
    [reject] = rejects
    assert (reject.locator, reject.severity) == ("item 1", "skipped")
    assert "KR-20130028607" in reject.reason and "KR-19470000187" in reject.reason


# --- quarantine ----------------------------------------------------------------------------------


def test_error_response_is_one_file_reject(fixtures):
    [reject] = _parse(_read(fixtures, NO_PERIOD), "np.xml")
    assert (reject.source_file, reject.locator, reject.severity) == ("np.xml", "file", "error")
    assert "resultCode 31" in reject.reason and "DEADLINE_HAS_EXPIRED_ERROR" in reject.reason
    assert "<successYN>N</successYN>" in reject.excerpt


def test_rest_gateway_error_without_success_flag(fixtures):
    [reject] = _parse(_read(fixtures, NOT_SUBSCRIBED))
    assert reject.locator == "file"
    assert "resultCode 101" in reject.reason
    assert "AccessKey&ServiceID Is Not Registerd Error" in reject.reason


def test_empty_result_yields_nothing(fixtures):
    assert _parse(_read(fixtures, NODATA)) == []


def test_public_data_gateway_error_envelope():
    # The data.go.kr error envelope that KIPRIS's gateway can answer with (constructed, not a capture).
    data = (
        b"<OpenAPI_ServiceResponse><cmmMsgHeader><errMsg>SERVICE ERROR</errMsg>"
        b"<returnAuthMsg>SERVICE_KEY_IS_NOT_REGISTERED_ERROR</returnAuthMsg>"
        b"<returnReasonCode>30</returnReasonCode></cmmMsgHeader></OpenAPI_ServiceResponse>"
    )
    [reject] = _parse(data)
    assert reject.locator == "file"
    assert "30" in reject.reason and "SERVICE_KEY_IS_NOT_REGISTERED_ERROR" in reject.reason


def test_item_without_any_number_is_rejected_and_the_others_kept(fixtures):
    data = _read(fixtures, SEARCH)
    for edit in (b"<applicationNumber>1020200110839</applicationNumber>",
                 b"<openNumber>1020220029022</openNumber>",
                 b"<registerNumber>1030289420000</registerNumber>"):
        assert edit in data
        data = data.replace(edit, edit[: edit.index(b">") + 1] + b" " + edit[edit.index(b"</"):])
    documents, rejects = _split(_parse(data, "s.xml"))
    assert [d.locator for d in documents] == ["item 1", "item 1", "item 3", "item 3"]
    [reject] = rejects
    assert (reject.source_file, reject.locator, reject.severity) == ("s.xml", "item 2", "error")
    assert "no usable number" in reject.reason
    assert "배터리 및 그를 포함하는 전자 장치" in reject.excerpt


def test_application_without_publication_is_rejected(fixtures):
    data = _read(fixtures, SEARCH)
    data = data.replace(b"<openNumber>1020220029022</openNumber>", b"<openNumber></openNumber>")
    data = data.replace(b"<registerNumber>1030289420000</registerNumber>", b"<registerNumber></registerNumber>")
    documents, rejects = _split(_parse(data))
    assert len(documents) == 4
    [reject] = rejects
    assert reject.locator == "item 2" and "no publication number" in reject.reason
    assert "1020200110839" in reject.reason


def test_broken_xml_is_one_reject(fixtures):
    data = _read(fixtures, BIBLIO)
    data = data.replace(b"</applicationNumber>", b"</applicationNumbr>", 1)
    documents, rejects = _split(_parse(data, "broken.xml"))
    assert documents == []
    [reject] = rejects
    assert (reject.source_file, reject.locator) == ("broken.xml", "file")
    assert reject.reason.startswith("XML not well-formed")
    assert reject.excerpt.startswith('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><response>')


def test_file_cut_after_the_first_item_keeps_that_item(fixtures):
    data = _read(fixtures, SEARCH)
    cut = data.index(b"<item>", data.index(b"</item>")) + 20  # inside item 2
    documents, rejects = _split(_parse(data[:cut]))
    assert [d.doc_id for d in documents] == ["KR-20220079145-A", "KR-103028032-B1"]
    [reject] = rejects
    assert reject.locator == "after item 1" and reject.severity == "error"
    assert reject.reason.startswith(f"file ends at byte {cut}, inside an element (truncated)")
    assert reject.reason.endswith("the 1 items before it were kept")


def test_xml_broken_after_the_first_item_keeps_that_item(fixtures):
    data = _read(fixtures, SEARCH)
    second = data.index(b"<item>", data.index(b"</item>"))
    data = data[:second] + data[second:].replace(b"</applicationNumber>", b"</applicationNumbr>", 1)
    documents, rejects = _split(_parse(data))
    assert [d.doc_id for d in documents] == ["KR-20220079145-A", "KR-103028032-B1"]
    [reject] = rejects
    assert reject.locator == "after item 1" and "not well-formed" in reject.reason


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "XML not well-formed"),
        (b"<html><body>Service unavailable</body></html>", "root element <html>"),
        (b"<response><header><resultCode>00</resultCode></header></response>", "without a <body>"),
        (b"<response><body><items><registrationInfo><x>1</x></registrationInfo></items></body></response>",
         "unsupported KIPRIS record <registrationInfo>"),
    ],
)
def test_unreadable_or_foreign_content(data, reason):
    [reject] = _parse(data)
    assert reason in reject.reason and reject.severity == "error"


# --- fields --------------------------------------------------------------------------------------


def test_unknown_country_name_is_kept_out_and_reported(fixtures):
    data = _read(fixtures, BIBLIO).replace("<country>대한민국</country>".encode(), b"<country>Atlantis</country>", 1)
    documents, rejects = _split(_parse(data))
    assert len(documents) == 2
    assert documents[0].parties[0] == Party("applicant", 1, "삼성전자주식회사", None)
    [reject] = rejects
    assert reject.locator == "item 1 applicant 1 country" and reject.excerpt == "Atlantis"


def test_ipc_pipe_lists_and_bad_symbols_in_the_ipc_array(fixtures):
    data = _read(fixtures, BIBLIO)
    data = data.replace(b"<ipcNumber>H02J 7/00</ipcNumber>", b"<ipcNumber>H02J 7/00|G06N 3/08</ipcNumber>")
    data = data.replace(b"<ipcNumber>H01M 10/44</ipcNumber>", b"<ipcNumber>battery</ipcNumber>")
    documents, rejects = _split(_parse(data))
    assert [c.symbol for c in documents[0].classifications] == ["H02J7/00", "G06N3/08", "G01R31/382", "G01R19/165"]
    [reject] = rejects
    assert reject.locator == "item 1 ipcNumber" and reject.excerpt == "battery"


def test_priorities_and_the_pct_application(fixtures):
    # Edit: fill the empty priority and international arrays, with the field names of the service.
    data = _read(fixtures, BIBLIO).replace(
        b"<priorityInfoArray/>",
        "<priorityInfoArray><priorityInfo><priorityApplicationCountry>대한민국</priorityApplicationCountry>"
        "<priorityApplicationNumber>1020190123456</priorityApplicationNumber>"
        "<priorityApplicationDate>2019.10.04</priorityApplicationDate></priorityInfo></priorityInfoArray>".encode(),
    )
    data = data.replace(
        b"<internationalApplicationDate> </internationalApplicationDate>"
        b"<internationalApplicationNumber> </internationalApplicationNumber>",
        b"<internationalApplicationDate>2021.11.26</internationalApplicationDate>"
        b"<internationalApplicationNumber>PCT/KR2021/017662</internationalApplicationNumber>",
    )
    documents, rejects = _split(_parse(data))
    assert rejects == []
    assert documents[0].priorities == [
        Priority("KR-20190123456", date(2019, 10, 4)),
        Priority("KR-2021017662-W", date(2021, 11, 26), active=False, linkage_type="W"),
    ]


def _with_us_priority(fixtures, written_date: str) -> tuple[list[Document], list[Reject]]:
    # Edit: a US priority filed before 2008, in the notation of the service's priority fields.
    data = _read(fixtures, BIBLIO).replace(
        b"<priorityInfoArray/>",
        "<priorityInfoArray><priorityInfo><priorityApplicationCountry>미국</priorityApplicationCountry>"
        "<priorityApplicationNumber>11/964,952</priorityApplicationNumber>"
        f"<priorityApplicationDate>{written_date}</priorityApplicationDate></priorityInfo></priorityInfoArray>".encode(),
    )
    return _split(_parse(data))


def test_us_priority_needs_its_date_for_the_docdb_form(fixtures):
    # DOCDB writes a US application filed before 2008 as serial + two-digit filing year.
    documents, rejects = _with_us_priority(fixtures, "2007.12.27")
    assert rejects == []
    assert documents[0].priorities == [Priority("US-96495207", date(2007, 12, 27))]
    # Without the date: both publications kept, without the priority, and one warning naming the fact.
    documents, rejects = _with_us_priority(fixtures, " ")
    assert [d.doc_id for d in documents] == ["KR-20220079145-A", "KR-103028032-B1"]
    assert all(d.priorities == [] for d in documents)
    [warning] = rejects
    assert (warning.locator, warning.severity, warning.excerpt) == ("item 1 priority 1", "warning", "US 11/964,952")
    assert "filing date" in warning.reason


def test_utility_model_numbers_give_kinds_u_and_y1(fixtures):
    data = _read(fixtures, SEARCH)
    for old, new in ((b">1020200110839<", b">2020200110839<"), (b">1020220029022<", b">2020220029022<"),
                     (b">1030289420000<", b">2030289420000<")):
        data = data.replace(old, new)  # edit: item 2 becomes a utility model (right type 20)
    documents = _split(_parse(data))[0]
    assert [(d.doc_id, d.application_id) for d in documents[2:4]] == [
        ("KR-20220029022-U", "KR-20200110839-U"),
        ("KR-203028942-Y1", "KR-20200110839-U"),
    ]


def test_foreign_right_type_is_rejected(fixtures):
    data = _read(fixtures, SEARCH)
    for old, new in ((b">1020200110839<", b">3020200110839<"), (b">1020220029022<", b">3020220029022<"),
                     (b">1030289420000<", b">3030289420000<")):
        data = data.replace(old, new)  # edit: item 2 gets the design right type 30
    documents, rejects = _split(_parse(data))
    assert len(documents) == 4
    [reject] = rejects
    assert reject.locator == "item 2" and "'30'" in reject.reason


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2020.12.04", date(2020, 12, 4)),
        ("20201204", date(2020, 12, 4)),
        ("(2026.01.01)", date(2026, 1, 1)),
        ("2024/01/15 00:00:00", date(2024, 1, 15)),
        (" ", None),
        ("", None),
        (None, None),
        ("00000000", None),
    ],
)
def test_kipris_date(written, expected):
    assert written_date(written) == expected


@pytest.mark.parametrize("written", ["2020.13.04", "12/04/2020", "2020."])
def test_kipris_date_rejects_non_dates(written):
    with pytest.raises(ValueError):
        written_date(written)


@pytest.mark.parametrize(
    ("raw", "symbol"),
    [
        ("H02J 7/00", "H02J7/00"),
        ("G01R 31/382", "G01R31/382"),
        ("H01M 10/44(2006.01)", "H01M10/44"),
        ("H01M 010/44", "H01M10/44"),
        ("B60W", "B60W"),
        ("g06n 3/08", "G06N3/08"),
        ("battery", None),
        ("H02J 7", None),
    ],
)
def test_ipc_symbol(raw, symbol):
    assert class_symbol(raw) == symbol


@pytest.mark.parametrize(
    ("written", "cited"),
    [
        ("KR1020120103937 A", "KR-20120103937-A"),
        ("EP4210193 A1", "EP-4210193-A1"),
        ("Journal of Power Sources, vol. 1", "Journal of Power Sources, vol. 1"),
    ],
)
def test_cited_document_id(written, cited):
    assert kipris.cited_document_id(written) == cited
