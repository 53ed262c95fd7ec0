"""Tests of roadmap_pipeline.lib.formats.exports: Lens, Espacenet, Google, KIPRIS analyst exports.

The expected ids were worked out by hand from the cells of the real rows (quoted in the comments)
and the rules numbers.py documents: US pre-grant YYYY + 6-digit serial, WO YYYY + 6 from 2004 and
YY + 5 before 2002, EP seven digits, KR registrations as type code + 7 digits with kind B1/Y1,
KIPRIS application TT-YYYY-NNNNNNN as YYYY + 7 digits, US legacy applications serial + YY.
Encodings, separators and damaged rows the real files lack are made by re-encoding or editing the
bytes of the real fixtures.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from roadmap_pipeline.lib.formats.exports import WORKBOOK, detect, parse
from roadmap_pipeline.lib.formats.exports.fields import (
    FieldError,
    class_symbol,
    comma_names,
    excel_mangled,
    export_application_id,
    export_date,
    export_publication_id,
    korean_applicants,
    script_language,
    split_korean_title,
)
from roadmap_pipeline.lib.numbers import NumberError
from roadmap_pipeline.lib.records import Classification, Document, Party, Priority, Reject

FIXTURES = Path(__file__).parent / "fixtures" / "exports"
LENS_PAI = FIXTURES / "physical_ai_lens__pai.trimmed.csv"
LENS_JET = FIXTURES / "lens_jet_engine_cpc__lens-export.trimmed.csv"
LENS_API = FIXTURES / "xamk_green_concrete_lens__patents.trimmed.csv"
GOOGLE_DL = FIXTURES / "koehrsen_nn_patents__gp-search-deep-learning.trimmed.csv"
GOOGLE_ML = FIXTURES / "koehrsen_nn_patents__gp-search-machine-learning.trimmed.csv"
KIPRIS = FIXTURES / "kipris_inu_korean__incheon_national_univ_kipris.trimmed.csv"
KIPRIS_XLSX = FIXTURES / "kipris_inu_korean__incheon_national_univ_kipris.converted.xlsx"
ESPACENET = "espacenet_machine_vise__Espacenet-{}-Suchergebnis_20250310_{}.csv"
ESPACENET_EN = FIXTURES / ESPACENET.format("machine-vise", "1901")
ESPACENET_DE = FIXTURES / ESPACENET.format("machinenschraubstock", "1858")

_CACHE: dict[Path, list] = {}


def _records(data: bytes, name: str = "export.csv") -> list[Document | Reject]:
    return list(parse(io.BytesIO(data), name))


def _file(path: Path) -> list[Document | Reject]:
    if path not in _CACHE:
        _CACHE[path] = _records(path.read_bytes(), path.name)
    return _CACHE[path]


def _docs(records) -> list[Document]:
    return [r for r in records if isinstance(r, Document)]


def _rejects(records) -> list[Reject]:
    return [r for r in records if isinstance(r, Reject)]


def _doc(records, doc_id: str) -> Document:
    (found,) = [d for d in _docs(records) if d.doc_id == doc_id]
    return found


def _at(records, locator: str) -> list[Document]:
    return [d for d in _docs(records) if d.locator == locator]


def _names(doc: Document, role: str) -> list[str]:
    return [p.name for p in doc.parties if p.role == role]


def _symbols(doc: Document, scheme: str) -> list[str]:
    return [c.symbol for c in doc.classifications if c.scheme == scheme]


def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


# --------------------------------------------------------------------------------------------
# Detection


@pytest.mark.parametrize(
    ("path", "flavour"),
    [
        (LENS_PAI, "lens"),
        (LENS_JET, "lens"),
        (LENS_API, "lens-api"),
        (GOOGLE_DL, "google-patents"),
        (ESPACENET_EN, "espacenet"),
        (ESPACENET_DE, "espacenet"),
        (KIPRIS, "kipris"),
    ],
    ids=lambda v: v.name if isinstance(v, Path) else v,
)
def test_detect_tells_the_flavour_from_the_header(path, flavour):
    assert detect(path.read_bytes()[:16384]) == flavour
    assert {d.source_format for d in _docs(_file(path))} == {f"export-{flavour}"}


def test_detect_ignores_the_file_name_and_refuses_other_tables():
    patstat = b"appln_id,appln_auth,appln_nr,appln_filing_year,appln_title,cpc_class_symbol\r\n"
    assert detect(patstat) is None
    assert detect(b"") is None
    assert detect(b"\x89PNG\r\n\x1a\n" + bytes(range(256))) is None


def test_detect_workbook_whole_or_cut_off():
    data = KIPRIS_XLSX.read_bytes()
    assert detect(data) == "kipris"
    assert detect(data[:4096]) == WORKBOOK


# --------------------------------------------------------------------------------------------
# Lens.org CSV (Display Key form, no application numbers)


def test_lens_display_key_counts():
    records = _file(LENS_PAI)
    assert len(_docs(records)) == 160  # 150 + 10 chosen rows, every row one publication
    (reject,) = _rejects(records)
    # Row "IT 202100008006 A1 … B25J/" (source line 7253): the IPCR cell holds a bare "B25J/".
    assert (reject.locator, reject.excerpt) == ("line 158 IPCR Classifications", "B25J/")
    assert _at(records, "line 158")[0].doc_id == "IT-202100008006-A1"
    assert _symbols(_at(records, "line 158")[0], "IPC") == []


def test_lens_display_key_rows():
    records = _file(LENS_PAI)
    # US 2025/0100135 A1,US,ROBOT CONTROL POLICY,2024-09-19,2025-03-27,…,MENTEE ROBOTICS LTD,
    # B25J9/16;;G06N3/008
    doc = _doc(records, "US-2025100135-A1")
    assert (doc.office, doc.publication_number, doc.kind, doc.locator) == (
        "US", "2025100135", "A1", "line 2")
    assert (doc.publication_date, doc.filing_date) == (date(2025, 3, 27), date(2024, 9, 19))
    assert (doc.title, doc.title_lang, doc.abstract, doc.application_id) == (
        "ROBOT CONTROL POLICY", None, None, None)
    assert doc.classifications == [Classification("IPC", "B25J9/16"),
                                   Classification("IPC", "G06N3/008")]
    assert doc.parties == [Party("applicant", 1, "MENTEE ROBOTICS LTD")]
    assert doc.docdb_family_id is None
    # WO 2025/062342 A1 → YYYY + six-digit serial.
    assert _at(records, "line 3")[0].doc_id == "WO-2025062342-A1"
    assert _at(records, "line 152")[0].doc_id == "AU-2023216831-B2"
    kr = _at(records, "line 154")[0]
    assert (kr.doc_id, _names(kr, "applicant")) == ("KR-102228525-B1", ["한양대학교 산학협력단"])
    # JP WO2019130429 A1: a JP re-publication of a PCT application, DOCDB JPWO2019130429A1.
    jp = _at(records, "line 156")[0]
    assert (jp.doc_id, jp.title_lang) == ("JP-WO2019130429-A1", "ja")
    assert _at(records, "line 157")[0].doc_id == "JP-H06126660-A"
    assert _at(records, "line 159")[0].doc_id == "US-RE49461-E"
    assert _at(records, "line 161")[0].doc_id == "TW-I872028-B"
    assert _at(records, "line 158")[0].parties == [
        Party("applicant", 1, "FONDAZIONE ST ITALIANO TECNOLOGIA"),
        Party("applicant", 2, "CAMOZZI AUTOMATION S P A"),
    ]


# --------------------------------------------------------------------------------------------
# Lens.org CSV (Publication Number form, with application and priority numbers)


def test_lens_full_counts_and_rejected_cells():
    records = _file(LENS_JET)
    assert len(_docs(records)) == 155
    rejects = _rejects(records)
    assert [r.locator for r in rejects] == (
        ["line 80 Application Number", "line 152 Application Number"]
        + ["line 156 Priority Numbers"] * 8
    )
    # "US 3690102D A": a DOCDB application number with a letter, not normalizable.
    assert "3690102D" in rejects[0].reason
    # "AU 1952/092005 W": a PCT application before the PCT existed.
    assert "1978" in rejects[1].reason
    # The documents themselves are kept, without the unreadable number.
    assert _at(records, "line 80")[0].doc_id == "US-3690102-A"
    assert _at(records, "line 80")[0].application_id is None
    assert len(_at(records, "line 156")[0].priorities) == 2


def test_lens_full_rows():
    records = _file(LENS_JET)
    # 2,US,B2,US 8001762 B2,…,2011-08-23,2011,US 89029007 A,2007-08-03,US 83547206 P 20060804,…
    doc = _at(records, "line 3")[0]
    assert (doc.doc_id, doc.publication_date, doc.filing_date) == (
        "US-8001762-B2", date(2011, 8, 23), date(2007, 8, 3))
    assert doc.application_id == "US-89029007"  # DOCDB legacy serial+YY (890290 + 07)
    # Provisional 60/835,472 of 2006: series 60 is the only one up to 2006.
    assert doc.priorities == [Priority("US-83547206-P", date(2006, 8, 4))]
    assert _names(doc, "applicant") == _names(doc, "inventor") == [
        "EFREMKIN ARTEM P", "EFREMKIN PAVEL V"]
    # 5,WO,A1,WO 1995/027654 A1,…,US 9504489 W,1995-04-07,US 22552194 A 19940411;;US 22558594 A …
    wo = _at(records, "line 6")[0]
    assert (wo.doc_id, wo.application_id) == ("WO-9527654-A1", "US-9504489-W")
    assert [p.priority_id for p in wo.priorities] == ["US-22552194", "US-22558594"]
    assert wo.classifications == [Classification("CPC", "B64D27/023"),
                                  Classification("IPC", "B64D27/02")]
    # US 2009/0048785 W: Lens's seven-digit PCT serial.
    assert _at(records, "line 15")[0].application_id == "US-2009048785-W"
    # JP H045436 A, JP S543610 A: DOCDB keeps short era serials unpadded.
    jp = _at(records, "line 67")[0]
    assert (jp.doc_id, jp.application_id) == ("JP-H045436-A", "JP-10523590")
    assert _at(records, "line 153")[0].doc_id == "JP-S543610-A"
    kr = _at(records, "line 93")[0]
    assert (kr.doc_id, kr.application_id) == ("KR-101159648-B1", "KR-20110075838")
    assert _names(kr, "inventor") == ["YOON KI CHEON", "KAM MIN GYU"]
    # "EP 1357170 B9 20061018": a corrected publication written with its date.
    ep = _at(records, "line 154")[0]
    assert (ep.doc_id, ep.application_id, ep.publication_date) == (
        "EP-1357170-B9", "EP-03007626", date(2006, 10, 18))
    # Title "JP H0692239 B2": Lens shows the number where there is no title.
    untitled = _at(records, "line 155")[0]
    assert (untitled.doc_id, untitled.title) == ("JP-H0692239-B2", None)


# --------------------------------------------------------------------------------------------
# Lens API (flattened)


def test_lens_api_rows():
    records = _file(LENS_API)
    assert (len(_docs(records)), len(_rejects(records))) == (155, 0)
    doc = _at(records, "line 2")[0]
    assert (doc.doc_id, doc.publication_date, doc.filing_date) == (
        "CN-218289675-U", date(2023, 1, 13), date(2022, 9, 15))
    assert doc.abstract.startswith("The utility model discloses a green concrete unloading device")
    # title_lang says "nl" for this English title: not used.
    assert (doc.title, doc.title_lang, doc.abstract_lang) == (
        "Green concrete discharging device", None, "en")
    assert (doc.application_id, doc.priorities, doc.parties) == (None, [], [])
    assert _at(records, "line 7")[0].doc_id == "US-2021115630-A1"
    assert _at(records, "line 152")[0].abstract_lang == "ko"
    # A Chinese abstract of a CN patent that the export tags "ko".
    cn = _at(records, "line 154")[0]
    assert (cn.doc_id, cn.abstract_lang, cn.title_lang) == ("CN-108793837-B", "zh", "zh")
    jp = _at(records, "line 155")[0]
    assert (jp.doc_id, jp.abstract_lang) == ("JP-WO2013054568-A1", "ja")
    # An English abstract quoting Korean terms stays English.
    assert _at(records, "line 156")[0].abstract_lang == "en"


# --------------------------------------------------------------------------------------------
# Espacenet result lists (";", preamble, multi-line cells, several publications per row)


def test_espacenet_counts():
    # 364 and 277 rows; rows list 2-4 publications of one application line by line.
    assert (len(_docs(_file(ESPACENET_EN))), len(_rejects(_file(ESPACENET_EN)))) == (418, 0)
    assert (len(_docs(_file(ESPACENET_DE))), len(_rejects(_file(ESPACENET_DE)))) == (381, 0)


def test_espacenet_rows():
    records = _file(ESPACENET_EN)
    doc = _doc(records, "US-4750722-A")
    assert (doc.locator, doc.publication_date, doc.docdb_family_id) == (
        "line 9", date(1988, 6, 14), "25067405")
    assert doc.parties == [Party("applicant", 1, "CHICK JAMES P", "US"),
                           Party("inventor", 1, "CHICK JAMES P", "US")]
    assert _symbols(doc, "IPC") == ["B25B1/10", "B25B1/24"]  # listed B25B1/10 twice
    assert _symbols(doc, "CPC") == ["B25B1/103", "B25B1/24", "B25B1/2405", "B25B1/2478",
                                    "B25B1/2494"]
    # Row 1 spans lines 9-15 (multi-line IPC and CPC cells): row 2 starts on line 16.
    second = _doc(records, "US-6024352-A")
    assert second.locator == "line 16"
    assert (_names(second, "applicant"), _names(second, "inventor")) == (
        ["SAURER ALLMA GMBH"], ["ALBRECHT LUDWIG"])
    # "US2003098538A1 \nUS6773003B2" with "2003-05-29 \n2004-08-10": two documents, one row.
    assert [(d.doc_id, d.publication_date) for d in _at(records, "line 60")] == [
        ("US-2003098538-A1", date(2003, 5, 29)), ("US-6773003-B2", date(2004, 8, 10))]
    # JPS5253499U: an era number with a five-digit serial; "Kein Titel verfügbar" is no title.
    jp = _doc(records, "JP-S5253499-U")
    assert (jp.locator, jp.title) == ("line 233", None)


def test_espacenet_german_rows():
    records = _file(ESPACENET_DE)
    assert [(d.doc_id, d.publication_date) for d in _at(records, "line 9")] == [
        ("EP-0372563-A2", date(1990, 6, 13)), ("EP-0372563-A3", date(1991, 7, 10))]
    assert {d.docdb_family_id for d in _at(records, "line 9")} == {"6368812"}
    # CPC combination set "C09J4/00, C08F220/00, INV (EP,US)".
    assert {"C09J4/00", "C08F220/00"} <= set(_symbols(_doc(records, "DE-1769934-A1"), "CPC"))


# --------------------------------------------------------------------------------------------
# Google Patents


def test_google_counts():
    assert (len(_docs(_file(GOOGLE_DL))), len(_rejects(_file(GOOGLE_DL)))) == (156, 0)
    assert (len(_docs(_file(GOOGLE_ML))), len(_rejects(_file(GOOGLE_ML)))) == (35, 0)


def test_google_rows():
    records = _file(GOOGLE_DL)
    doc = _at(records, "line 3")[0]  # line 1 is "search URL:", line 2 the header
    assert (doc.doc_id, doc.publication_date, doc.filing_date) == (
        "US-2015112182-A1", date(2015, 4, 23), date(2014, 10, 16))
    # The query asked for language=ENGLISH; the trailing space of the title is dropped.
    assert doc.title_lang == "en" and doc.title.endswith("of Fractional Flow Reserve")
    assert _names(doc, "applicant") == ["Siemens Aktiengesellschaft"]
    assert len(_names(doc, "inventor")) == 8
    assert (doc.priorities, doc.application_id, doc.abstract) == ([], None, None)
    kr = _at(records, "line 30")[0]
    assert (kr.doc_id, _names(kr, "applicant"), _names(kr, "inventor")) == (
        "KR-101541808-B1", ["한국해양과학기술원"], ["오재용", "김혜진"])
    assert _at(records, "line 153")[0].doc_id == "CN-201918042-U"
    # "John D. Rinaldo, Jr., Lowell L. Wood, JR.": the suffixes stay on their names.
    assert _names(_at(records, "line 155")[0], "inventor")[-2:] == [
        "John D. Rinaldo, Jr.", "Lowell L. Wood, JR."]
    wo = _at(records, "line 157")[0]
    assert (wo.doc_id, _names(wo, "applicant")) == ("WO-0070481-A1", ["Manna, Inc."])
    assert _names(_at(records, "line 158")[0], "applicant") == ["Sabirmedical, S.L."]
    other = _file(GOOGLE_ML)
    assert [d.doc_id for d in _docs(other)[-5:]] == [
        "DE-10235525-A1", "JP-H10207504-A", "FR-564019-A", "US-RE43255-E", "EP-2182458-A1"]
    assert _doc(other, "FR-564019-A").parties == [Party("inventor", 1, "Robert-Gaston Leroux")]


# --------------------------------------------------------------------------------------------
# KIPRIS crawl


def test_kipris_counts():
    records = _file(KIPRIS)
    docs = _docs(records)
    assert (len(docs), len(_rejects(records))) == (228, 0)
    # 161 rows: each registered row gives a B1/Y1, each published row an A/U.
    assert len({d.locator for d in docs}) == 161


def test_kipris_rows():
    records = _file(KIPRIS)
    # 1020160138184, 2016.10.24, 1018463630000, 2018.04.02, (no open number)
    (doc,) = _at(records, "line 2")
    assert (doc.doc_id, doc.application_id, doc.filing_date) == (
        "KR-101846363-B1", "KR-20160138184", date(2016, 10, 24))
    assert doc.publication_date is None  # the registration date is not the gazette date
    assert (doc.title, doc.title_lang) == (
        "스프레이 분사를 이용한 슈퍼커패시터용 3차원 그래핀 전극의 제조방법", "ko")
    assert doc.title_en == ("PREPARATION METHOD OF 3D GRAPHENE ELECTRODE FOR SUPERCAPACITOR "
                            "USING SPRAY DISCHARGE")
    assert _symbols(doc, "IPC") == ["H01G11/86", "H01G11/32", "H01G11/46", "B05D1/12", "B05D3/02"]
    assert _names(doc, "applicant") == ["인천대학교 산학협력단", "에이치씨테크(주)"]
    assert _names(doc, "inventor") == ["안호선", "김지훈", "이길원", "최홍", "심규현"]
    assert doc.abstract_lang == "ko" and doc.abstract.startswith("본 발명은 스프레이 분사를")
    # 1020170059992, 1019580860000, 1020180125286, 2018.11.23: open and registered.
    assert [(d.doc_id, d.publication_date) for d in _at(records, "line 3")] == [
        ("KR-20180125286-A", date(2018, 11, 23)), ("KR-101958086-B1", None)]
    # Utility models: 2020120000879 / open 2020130004875; 2020120000188 / reg 2004693000000.
    (utility,) = _at(records, "line 156")
    assert (utility.doc_id, utility.application_id) == ("KR-20130004875-U", "KR-20120000879-U")
    assert [d.doc_id for d in _at(records, "line 157")] == [
        "KR-20130004418-U", "KR-200469300-Y1"]
    assert [d.doc_id for d in _at(records, "line 162")] == [
        "KR-20000055975-A", "KR-100320713-B1"]
    assert _at(records, "line 162")[0].application_id == "KR-19990004919"
    assert _names(_at(records, "line 153")[0], "applicant") == [
        "인천대학교 산학협력단", "(주) 디.에이치.테크", "주식회사 에스", "피", "지"]
    assert _names(_at(records, "line 160")[0], "applicant") == [
        "주식회사 셀비온", "안국약품 주식회사", "인천대학교 산학협력단"]
    # The crawler cut this abstract at its semicolons into the next columns.
    spilled = _at(records, "line 110")[0].abstract
    assert "제1 공진부; 상기 제1 공진부와 접하거나" in spilled
    assert spilled.endswith("효과를 갖는다.")


def test_kipris_workbook_gives_the_csv_documents():
    records = _records(KIPRIS_XLSX.read_bytes(), KIPRIS_XLSX.name)
    docs = _docs(records)
    assert (len(docs), len(_rejects(records))) == (30, 0)
    csv_docs = {d.doc_id: d for d in _docs(_file(KIPRIS))
                if int(d.locator.split()[1]) <= 21 or d.locator == "line 156"}
    assert {d.doc_id for d in docs} == set(csv_docs)
    sheet = "sheet incheon_national_univ_kipris"
    assert _doc(records, "KR-101846363-B1").locator == f"{sheet} row 2"
    assert _doc(records, "KR-20130004875-U").locator == f"{sheet} row 22"
    for doc in docs:
        expected = csv_docs[doc.doc_id]
        assert (doc.application_id, doc.title, doc.abstract, doc.parties) == (
            expected.application_id, expected.title, expected.abstract, expected.parties)


# --------------------------------------------------------------------------------------------
# Encodings and separators


def _same_documents(records, reference, count: int) -> None:
    docs = _docs(records)
    assert len(docs) == count and not _rejects(records)
    expected = _docs(reference)[:count]
    assert [(d.doc_id, d.locator, d.title, d.parties) for d in docs] == [
        (d.doc_id, d.locator, d.title, d.parties) for d in expected]


def test_utf16_with_and_without_bom():
    text = b"".join(_lines(LENS_PAI)[:21]).decode("utf-8")
    _same_documents(_records(text.encode("utf-16")), _file(LENS_PAI), 20)
    _same_documents(_records(text.encode("utf-16-be")), _file(LENS_PAI), 20)


def test_utf8_bom_and_tab_separated_utf16():
    rows = list(csv.reader(io.StringIO(b"".join(_lines(LENS_PAI)[:21]).decode("utf-8"))))
    tsv = io.StringIO()
    csv.writer(tsv, delimiter="\t").writerows(rows)
    _same_documents(_records(tsv.getvalue().encode("utf-16")), _file(LENS_PAI), 20)
    bom = b"\xef\xbb\xbf" + b"".join(_lines(LENS_PAI)[:21])
    _same_documents(_records(bom), _file(LENS_PAI), 20)


def test_semicolon_separated_google_export():
    rows = list(csv.reader(io.StringIO(b"".join(_lines(GOOGLE_DL)[:12]).decode("utf-8"))))
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    assert detect(out.getvalue().encode()) == "google-patents"
    _same_documents(_records(out.getvalue().encode()), _file(GOOGLE_DL), 10)


def test_kipris_saved_by_korean_excel_as_cp949():
    data = b"".join(_lines(KIPRIS)[:6]).decode("utf-8").encode("cp949")
    assert detect(data) == "kipris"
    records = _records(data)
    assert [d.doc_id for d in _docs(records)] == [d.doc_id for d in _docs(_file(KIPRIS))[:8]]
    assert _docs(records)[0].title == _docs(_file(KIPRIS))[0].title


def test_multi_line_title_cell_keeps_line_numbers():
    lines = _lines(LENS_PAI)
    row = lines[1].replace(b"ROBOT CONTROL POLICY", b'"ROBOT CONTROL\r\nPOLICY"')
    records = _records(lines[0] + row + lines[2])
    first, second = _docs(records)
    assert (first.title, first.locator) == ("ROBOT CONTROL POLICY", "line 2")
    assert (second.doc_id, second.locator) == ("WO-2025062342-A1", "line 4")


# --------------------------------------------------------------------------------------------
# Reject paths


def test_excel_mangled_numbers_are_never_guessed():
    lines = _lines(KIPRIS)
    registered = lines[2].replace(b"1020180125286", b"1.02018E+12")  # open number mangled
    only_open = lines[155].replace(b"2020130004875", b"2.02013E+12")  # its only publication
    application = lines[1].replace(b"1020160138184", b"1.02016E+12")
    records = _records(lines[0] + registered + only_open + application)
    assert [d.doc_id for d in _docs(records)] == ["KR-101958086-B1", "KR-101846363-B1"]
    assert _doc(records, "KR-101846363-B1").application_id is None
    rejects = _rejects(records)
    assert [r.locator for r in rejects] == [
        "line 2 공개번호 NUMERIC", "line 3", "line 4 출원번호 NUMERIC"]
    assert all("scientific notation" in r.reason for r in rejects)
    assert "2.02013E+12" in rejects[1].reason


def test_undecodable_bytes_in_text_and_in_number():
    lines = _lines(LENS_PAI)
    in_title = lines[1].replace(b"ROBOT CONTROL", b"ROBOT \xff CONTROL")
    in_number = lines[2].replace(b"WO 2025/062342", b"WO 2025/06\xfe342")
    records = _records(lines[0] + in_title + in_number + lines[3])
    assert [d.doc_id for d in _docs(records)] == ["US-2025100135-A1", "US-2026091502-A1"]
    assert "\ufffd" in _docs(records)[0].title
    kept, lost = _rejects(records)
    assert (kept.locator, lost.locator) == ("line 2", "line 3")
    assert "Title" in kept.reason and "kept" in kept.reason
    assert "Display Key" in lost.reason and "destroyed" in lost.reason


def test_quote_left_open_does_not_swallow_rows_silently():
    lines = _lines(LENS_PAI)
    # Open to the end of the file: the CSV module fails, the lost lines are named.
    open_quote = lines[1].replace(b"ROBOT CONTROL POLICY", b'"ROBOT CONTROL POLICY')
    (reject,) = _records(lines[0] + open_quote + b"".join(lines[2:6]))
    assert reject.locator == "line 2" and "lines 2-6 are not read" in reject.reason
    # Paired with a later quote that ends a cell: no CSV error, but 14 cells for 10 columns.
    stray = lines[1].replace(b"MENTEE ROBOTICS LTD", b'"MENTEE ROBOTICS LTD')
    closing = lines[3].replace(b"MANIPULATION,2025-05-29", b'MANIPULATION",2025-05-29')
    records = _records(lines[0] + stray + lines[2] + closing + lines[4])
    assert [d.locator for d in _docs(records)] == ["line 5"]
    (reject,) = _rejects(records)
    assert reject.locator == "line 2" and "lines 2-4" in reject.reason and "14 cells" in reject.reason


def test_cells_beyond_the_header_are_reported():
    lines = _lines(LENS_PAI)
    records = _records(lines[0] + lines[1].rstrip(b"\r\n") + b",stray\r\n")
    assert len(_docs(records)) == 1
    (reject,) = _rejects(records)
    assert (reject.locator, reject.excerpt) == ("line 2", "stray")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"\r\n\r\n", "empty file"),
        (bytes(range(256)) * 20, "binary"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        (b"PK\x03\x04" + b"\x00" * 100, "XLSX"),
        (b"appln_id,appln_auth,appln_nr,appln_filing_year,appln_title,cpc_class_symbol\r\n"
         b"1,US,2.02E+11,2019,HBM,G11C   5/04\r\n", "PATSTAT"),
        (b"number;name;date\n1;a;2020\n", "'number', 'name', 'date' (3 columns)"),
    ],
    ids=["empty", "blank-lines", "garbage", "xls", "broken-xlsx", "patstat", "unknown"],
)
def test_file_level_rejects(data, reason):
    (reject,) = _records(data, "landing/file.csv")
    assert (reject.source_file, reject.locator) == ("landing/file.csv", "file")
    assert reason in reject.reason


def test_row_without_publication_number():
    lines = _lines(LENS_PAI)
    records = _records(lines[0] + b"," + lines[1].split(b",", 1)[1] + lines[2])
    assert [d.doc_id for d in _docs(records)] == ["WO-2025062342-A1"]
    (reject,) = _rejects(records)
    assert (reject.locator, reject.reason) == ("line 2", "no publication number: Display Key blank")


# --------------------------------------------------------------------------------------------
# Cell readers


def test_number_forms_outside_numbers_py():
    assert export_publication_id("JP", "S5928054", "A", fmt="original") == "JP-S5928054-A"
    assert export_publication_id("", "JPH0724559", "U", fmt="epodoc") == "JP-H0724559-U"
    assert export_publication_id("JP", "WO2019130429", "A1", fmt="original") == "JP-WO2019130429-A1"
    # Google's ten-digit WO form before 2004 is DOCDB's YY + 5 digits.
    assert export_publication_id("WO", "1995027654", "A1", fmt="original") == "WO-9527654-A1"
    assert export_publication_id("WO", "2014205231", "A1", fmt="original") == "WO-2014205231-A1"
    assert export_application_id("US", "2011/0031627", "W", None) == "US-2011031627-W"
    with pytest.raises(NumberError):
        export_publication_id("JP", "X5928054", "A", fmt="original")
    with pytest.raises(NumberError):
        export_application_id("US", "2011/1031627", "W", None)  # not a padded six-digit serial


def test_dates():
    assert export_date(" 2016.10.24") == date(2016, 10, 24)
    assert export_date("1995-8-25") == date(1995, 8, 25)
    assert export_date("20100129") == date(2010, 1, 29)
    assert export_date("27.03.2025") == date(2025, 3, 27)
    assert export_date(" ") is None
    for ambiguous_or_bad in ("03/04/2025", "2025-02-30", "soon"):
        with pytest.raises(FieldError):
            export_date(ambiguous_or_bad)


def test_class_symbols():
    assert class_symbol("G11C   5/04") == "G11C5/04"
    assert class_symbol("H01G 11/86") == "H01G11/86"
    assert class_symbol("B25B1/103 (EP,US)") == "B25B1/103"
    assert class_symbol("H01M 010/44(2006.01)") == "H01M10/44"
    assert class_symbol("Y10T428/31681") == "Y10T428/31681"
    assert class_symbol("B31B ") == "B31B"
    with pytest.raises(FieldError):
        class_symbol("B25J/")


def test_names_and_titles():
    assert comma_names("Overture Services, Inc., Foo Co., Ltd.") == [
        "Overture Services, Inc.", "Foo Co., Ltd."]
    assert korean_applicants("아이에스테크놀로지 주식회사 인천대학교 산학협력단") == [
        "아이에스테크놀로지 주식회사", "인천대학교 산학협력단"]
    assert korean_applicants("인천대학교 산학협력단 주식회사 한화건설") == [
        "인천대학교 산학협력단", "주식회사 한화건설"]
    assert split_korean_title("비옷(RAINCOAT)") == ("비옷", "RAINCOAT")
    assert split_korean_title("환원된 산화그래핀(RGO 용액)") == ("환원된 산화그래핀(RGO 용액)", None)
    assert excel_mangled("2.02E+11") and excel_mangled("1,02016E+12")
    assert not excel_mangled("1020160138184")
    assert script_language("半導体装置", "JP") == "ja"
    assert script_language("Deep learning 딥러닝 method for images and text", "KR") is None
