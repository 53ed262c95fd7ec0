"""Tests of roadmap_pipeline.lib.numbers: DOCDB ids from every notation the sources use.

The strongest tests are generated from the real records in tests/fixtures: every DOCDB/OPS
reference that gives the same number in several data formats (docdb, epodoc, original) must
normalize to one id, and every number in the USPTO and KIPRIS files must normalize at all.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from roadmap_pipeline.lib.numbers import (
    NumberError,
    NumberNeedsFact,
    application_id,
    normalize_kind,
    publication_id,
    split_epodoc,
)

FIXTURES = Path(__file__).parent / "fixtures"
CORE_OFFICES = {"KR", "US", "JP", "CN", "EP", "WO"}

# Reference elements and which id they carry.
REFERENCE_KINDS = {
    "publication-reference": "publication",
    "patcit": "publication",
    "application-reference": "application",
    "priority-claim": "application",
}

# Forms in the fixtures that cannot be normalized, and why. They must raise NumberError, never
# give another id. OPS writes the PCT priority of EP2906782 as a bare "2013064552" whose only
# country is epodoc's "WO": the receiving office (US) is not in the number.
UNRESOLVABLE = {("original", "2013064552"): "PCT number without its receiving office"}


# ------------------------------------------------------------------------------------------
# Reading the DOCDB / OPS fixtures


@dataclass(frozen=True)
class Form:
    """One data-format variant of a number inside a reference element."""

    fmt: str
    country: str
    number: str
    kind: str
    date: str


@dataclass(frozen=True)
class Group:
    """All variants of one reference (publication, application or priority)."""

    source: str
    ref: str  # "publication" or "application"
    forms: tuple[Form, ...]

    def form(self, fmt: str) -> Form | None:
        return next((f for f in self.forms if f.fmt == fmt), None)

    @property
    def country(self) -> str:
        docdb, epodoc = self.form("docdb"), self.form("epodoc")
        if docdb:
            return docdb.country
        return split_epodoc(epodoc.number)[0] if epodoc else ""

    @property
    def date(self) -> date | None:
        for form in self.forms:
            if form.date:
                return date(int(form.date[:4]), int(form.date[4:6]), int(form.date[6:8]))
        return None

    @property
    def label(self) -> str:
        return f"{self.source}:{self.ref}:" + "|".join(f"{f.fmt}={f.number}" for f in self.forms)


def _local(tag: str) -> str:
    """Element name without namespace or prefix."""
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def _parse(path: Path) -> ET.Element:
    """Root of a DOCDB/OPS file, tolerating the fragments' missing exch namespace and entities."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"<\?xml[^>]*\?>|<!DOCTYPE[^>]*>", "", text)
    # DOCDB's named entities (&ccaron; …) live in an external DTD; none occur inside numbers.
    text = re.sub(r"&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9A-Fa-f]+);)\w+;", "?", text)
    return ET.fromstring(f'<wrapper xmlns:exch="http://www.epo.org/exchange">{text}</wrapper>')


def _form(fmt: str, document_id: ET.Element) -> Form:
    fields = {_local(child.tag): (child.text or "").strip() for child in document_id}
    return Form(
        fmt,
        fields.get("country", ""),
        fields.get("doc-number", ""),
        fields.get("kind", ""),
        fields.get("date", ""),
    )


def _groups_in(path: Path) -> list[Group]:
    """Reference groups of one file, in both the OPS and the DOCDB bulk layout."""
    groups: list[Group] = []
    source = path.name.split("__", 1)[-1]
    for parent in _parse(path).iter():
        bulk: dict[tuple[str, str | None], list[Form]] = {}
        for child in parent:
            name = _local(child.tag)
            if name not in REFERENCE_KINDS:
                continue
            # OPS: the variants are document-id children with a document-id-type.
            typed = [
                d for d in child if _local(d.tag) == "document-id" and d.get("document-id-type")
            ]
            if typed:
                forms = tuple(_form(d.get("document-id-type"), d) for d in typed)
                groups.append(Group(source, REFERENCE_KINDS[name], forms))
            # DOCDB bulk: the variants are sibling references with a data-format each.
            elif child.get("data-format"):
                document_id = next((d for d in child if _local(d.tag) == "document-id"), None)
                if document_id is not None:
                    key = (name, child.get("sequence"))
                    bulk.setdefault(key, []).append(_form(child.get("data-format"), document_id))
        for (name, _), forms in bulk.items():
            groups.append(Group(source, REFERENCE_KINDS[name], tuple(forms)))
    return groups


def _all_groups() -> list[Group]:
    seen: dict[tuple, Group] = {}
    for folder in ("epo-ops", "epo-docdb"):
        for path in sorted((FIXTURES / folder).glob("*.xml")):
            for group in _groups_in(path):
                seen.setdefault((group.ref, group.forms), group)
    return list(seen.values())


GROUPS = _all_groups()


def _normalize(group: Group, form: Form) -> str:
    """The id of one variant, called the way a parser of these files calls the module."""
    docdb = group.form("docdb")
    kind = docdb.kind if docdb else None
    country = {"docdb": form.country, "epodoc": ""}.get(form.fmt, group.country)
    if form.fmt == "docdb":
        kind = form.kind
    if group.ref == "publication":
        return publication_id(country, form.number, kind, fmt=form.fmt)
    return application_id(country, form.number, kind, filing_date=group.date, fmt=form.fmt)


def _comparable(group: Group) -> bool:
    """Whether the module promises one id across formats for this group.

    Publications: everywhere (epodoc is CC + docdb number). Applications: only the offices with
    known epodoc/original rules and PCT; elsewhere epodoc numbers (CA20132887530 for docdb
    2887530, PT20210117283 for 11728321) are outside the lenient rule.
    """
    docdb = group.form("docdb")
    if group.ref == "publication" or group.country in CORE_OFFICES:
        return True
    # PCT applications (under any receiving office) and DOCDB dummy priorities (1258192X).
    if docdb is None:
        return False
    return docdb.kind == "W" or re.fullmatch(r"\d+X", docdb.number) is not None


def test_fixture_walk_finds_every_format_and_office():
    """Guard against the walker silently finding nothing."""
    multi = [g for g in GROUPS if len(g.forms) > 1]
    assert len(multi) >= 40
    combos = {(g.ref, f.fmt) for g in multi for f in g.forms}
    formats = ("docdb", "epodoc", "original")
    assert combos >= {(ref, fmt) for ref in ("publication", "application") for fmt in formats}
    countries = {g.country for g in GROUPS}
    assert countries >= {"KR", "US", "CN", "EP", "WO", "DE", "CA", "RU", "YU", "PT", "IB", "IL"}
    assert sum(len(g.forms) == 3 for g in GROUPS) >= 10


@pytest.mark.parametrize(
    "group", [g for g in GROUPS if len(g.forms) > 1 and _comparable(g)], ids=lambda g: g.label
)
def test_fixture_variants_normalize_to_one_id(group: Group):
    ids = {}
    for form in group.forms:
        reason = UNRESOLVABLE.get((form.fmt, form.number))
        if reason:
            with pytest.raises(NumberError):
                _normalize(group, form)
            continue
        ids[form.fmt] = _normalize(group, form)
    assert len(set(ids.values())) == 1, ids


@pytest.mark.parametrize("group", [g for g in GROUPS if not _comparable(g)], ids=lambda g: g.label)
def test_fixture_variants_outside_the_rules_still_normalize(group: Group):
    for form in group.forms:
        assert _normalize(group, form).startswith(f"{group.country}-")


@pytest.mark.parametrize(
    "group", [g for g in GROUPS if g.form("docdb")], ids=lambda g: g.label
)
def test_fixture_docdb_numbers_pass_through(group: Group):
    docdb = group.form("docdb")
    result = _normalize(group, docdb)
    if group.ref == "publication":
        assert result == f"{docdb.country}-{docdb.number}-{docdb.kind}"
    else:
        suffix = "" if docdb.kind in ("", "A") else f"-{docdb.kind}"
        assert result == f"{docdb.country}-{docdb.number}{suffix}"


def test_fixture_unresolvable_forms_are_present():
    """The exceptions above are real: drop them when the fixtures change."""
    found = {(f.fmt, f.number) for g in GROUPS for f in g.forms}
    assert set(UNRESOLVABLE) <= found


# ------------------------------------------------------------------------------------------
# Cross-source: KIPRIS and OPS describe the same KR invention (KR 10-2020-0168607)


def _kipris(name: str) -> str:
    return (FIXTURES / "kipo-kipris" / name).read_text(encoding="utf-8")


def _tag_values(text: str, tag: str) -> list[str]:
    return [v.strip() for v in re.findall(rf"<{tag}>([^<]*)</{tag}>", text)]


def _ops_family_ids() -> set[str]:
    ids = set()
    path = FIXTURES / "epo-ops" / "describug__real_ops_family_KR1020200168607.xml"
    for group in _groups_in(path):
        docdb = group.form("docdb")
        if docdb:
            ids.add(_normalize(group, docdb))
    return ids


def test_kipris_biblio_matches_ops_family():
    biblio = _kipris("describug__real_kipris_biblio_KR1020200168607.xml")
    ops = _ops_family_ids()
    (app,) = _tag_values(biblio, "applicationNumber")
    (open_number,) = _tag_values(biblio, "openNumber")
    (register,) = _tag_values(biblio, "registerNumber")
    assert application_id("KR", app, fmt="kipris") == "KR-20200168607"
    assert application_id("KR", app, fmt="kipris") in ops
    assert publication_id("KR", open_number, None, fmt="kipris") == "KR-20220079145-A"
    assert publication_id("KR", open_number, None, fmt="kipris") in ops
    assert publication_id("KR", register, "B1", fmt="kipris") == "KR-103028032-B1"
    assert publication_id("KR", register, None, fmt="kipris") == "KR-103028032-B1"


def test_kipris_family_matches_ops_family():
    family = _kipris("describug__real_kipris_family_KR1020200168607.xml")
    ops = _ops_family_ids()
    items = re.findall(r"<item>(.*?)</item>", family, re.S)
    assert len(items) == 3
    for item in items:
        value = dict(re.findall(r"<(\w+)>([^<]*)</\1>", item))
        app = application_id(
            value["applicationCountryCode"],
            value["applicationNumber"],
            value["applicationKindCode"],
            fmt="kipris",
        )
        pub = publication_id(
            value["publicationCountryCode"],
            value["publicationNumber"],
            value["publicationKindCode"],
            fmt="kipris",
        )
        assert app in ops and pub in ops, (app, pub)


def test_kipris_citation_notations_agree():
    citations = _kipris("describug__real_kipris_citations_KR1020200168607.xml")
    written = _tag_values(citations, "OriginalcitationLiteraturenumber")
    standard = _tag_values(citations, "StandardCitationLiteraturenumber")
    kinds = _tag_values(citations, "StandardCitationIdentificationCode")
    assert len(written) == len(standard) == len(kinds) == 3
    for text, number, kind in zip(written, standard, kinds):
        assert publication_id("KR", text, None, fmt="kipris") == publication_id(
            "KR", number, kind, fmt="kipris"
        )
    assert publication_id("KR", written[0], None, fmt="kipris") == "KR-20120103937-A"


# ------------------------------------------------------------------------------------------
# USPTO: every number in the bulk files normalizes to a DOCDB-shaped id

_USPTO_BLOCK = re.compile(
    r"<(publication-reference|application-reference|priority-claim|us-provisional-application)"
    r"\b[^>]*>(.*?)</\1>",
    re.S,
)
_DOCDB_PUBLICATION = re.compile(r"[A-Z]{2}-[0-9A-Z]+-[A-Z][0-9]?")
_DOCDB_APPLICATION = re.compile(r"[A-Z]{2}-[0-9A-Z]+(-[A-Z])?")


def _uspto_texts() -> list[str]:
    grants = FIXTURES / "uspto" / "PatentsView-DB__ipg130416.small.xml"
    texts = [grants.read_text(encoding="utf-8")]
    with zipfile.ZipFile(FIXTURES / "uspto" / "alexandria3k__ipgb20221025_wk43.zip") as archive:
        texts.append(archive.read("ipgb20221025.xml").decode("utf-8"))
    return texts


def _uspto_ids() -> list[tuple[str, str]]:
    """(element, id) for every reference in the USPTO fixtures."""
    results = []
    for text in _uspto_texts():
        for element, body in _USPTO_BLOCK.findall(text):
            field = dict(re.findall(r"<(country|doc-number|kind|date)>([^<]*)</\1>", body))
            filed = field.get("date")
            filing_date = date(int(filed[:4]), int(filed[4:6]), int(filed[6:8])) if filed else None
            if element == "publication-reference":
                result = publication_id(
                    field["country"], field["doc-number"], field["kind"], fmt="uspto"
                )
            else:
                kind = "P" if element == "us-provisional-application" else None
                result = application_id(
                    field["country"],
                    field["doc-number"],
                    kind,
                    filing_date=filing_date,
                    fmt="uspto",
                )
            results.append((element, result))
    return results


def test_uspto_numbers_all_normalize():
    results = _uspto_ids()
    assert len(results) >= 80
    for element, result in results:
        pattern = _DOCDB_PUBLICATION if element == "publication-reference" else _DOCDB_APPLICATION
        assert pattern.fullmatch(result), (element, result)
    ids = {result for _, result in results}
    assert {
        "US-8418361-B2",
        "US-D680087-S1",
        "US-D967598-S1",
        "US-PP34694-P2",
        "US-RE49257-E1",
        "US-11477944-B2",
        "US-201229410027-F",
        "US-201213529578",
        "JP-2007155620",
        "KR-20070116815",
        "EP-09011586",
        "US-202163166721-P",
        "US-57610204-P",
    } <= ids


def test_uspto_zip_duplicate_record_gives_one_id():
    """The zip holds USD0967598 twice; both copies must give the same id (dedup key)."""
    pubs = [
        result
        for element, result in _uspto_ids()
        if element == "publication-reference" and result.startswith("US-D967598")
    ]
    assert pubs == ["US-D967598-S1", "US-D967598-S1"]


# ------------------------------------------------------------------------------------------
# Hand-written cases, one per rule

PUBLICATIONS = [
    # US: USPTO notation -> DOCDB
    (("US", "20220160114", "A2", "uspto"), "US-2022160114-A2"),
    (("US", "20050004437", "A1", "uspto"), "US-2005004437-A1"),
    (("US", "2022160114", "A1", "docdb"), "US-2022160114-A1"),
    (("US", "US 2014/0102795", "A1", "original"), "US-2014102795-A1"),
    (("US", "09291047", "B2", "uspto"), "US-9291047-B2"),
    (("US", "9,291,047", "B2", "original"), "US-9291047-B2"),
    (("US", "11477944", "B2", "uspto"), "US-11477944-B2"),
    (("US", "5321893", "A", "docdb"), "US-5321893-A"),
    (("US", "D0982278", "S1", "uspto"), "US-D982278-S1"),
    (("US", "USD0982278", "S1", "original"), "US-D982278-S1"),
    (("US", "PP012345", "P2", "uspto"), "US-PP12345-P2"),
    (("US", "RE048123", "E1", "uspto"), "US-RE48123-E1"),
    (("US", "H0002123", "H1", "uspto"), "US-H2123-H1"),
    (("US", "US 9,291,047 B2", None, "original"), "US-9291047-B2"),
    (("", "US9291047", "B2", "epodoc"), "US-9291047-B2"),
    # KR: KIPRIS open / registration numbers, DOCDB, epodoc
    (("KR", "1020220079145", None, "kipris"), "KR-20220079145-A"),
    (("KR", "10-2022-0079145", None, "kipris"), "KR-20220079145-A"),
    (("KR", "10-2022-0079145", "A", "original"), "KR-20220079145-A"),
    (("KR", "20-2020-0001234", None, "kipris"), "KR-20200001234-U"),
    (("KR", "10-3028032-0000", "B1", "kipris"), "KR-103028032-B1"),
    (("KR", "1030280320000", None, "kipris"), "KR-103028032-B1"),
    (("KR", "10-1990123-0000", None, "kipris"), "KR-101990123-B1"),
    (("KR", "1019901230000", "B1", "kipris"), "KR-101990123-B1"),
    (("KR", "20-0123456-0000", None, "kipris"), "KR-200123456-Y1"),
    (("KR", "KR1020120103937 A", None, "kipris"), "KR-20120103937-A"),
    (("KR", "20220079145", "A", "docdb"), "KR-20220079145-A"),
    (("KR", "103028032", "B1", "docdb"), "KR-103028032-B1"),
    (("", "KR20220079145", "A", "epodoc"), "KR-20220079145-A"),
    # JP
    (("JP", "2010123456", "A", "docdb"), "JP-2010123456-A"),
    (("JP", "4961043", "B2", "docdb"), "JP-4961043-B2"),
    (("JP", "特開2010-123456", "A", "original"), "JP-2010123456-A"),
    (("JP", "2010-12345", "A", "original"), "JP-2010012345-A"),
    (("JP", "特許第4961043", "B2", "original"), "JP-4961043-B2"),
    (("JP", "特開平10-123456", "A", "original"), "JP-H10123456-A"),
    (("JP", "JPH10123456", "A", "original"), "JP-H10123456-A"),
    (("", "JPH10123456", "A", "epodoc"), "JP-H10123456-A"),
    (("JP", "H10123456", "A", "docdb"), "JP-H10123456-A"),
    (("JP", "S61-12345", "A", "original"), "JP-S6112345-A"),
    (("JP", "２０１０－１２３４５６", "A", "original"), "JP-2010123456-A"),
    # CN
    (("CN", "104968889", "A", "docdb"), "CN-104968889-A"),
    (("CN", "CN 104968889 A", None, "original"), "CN-104968889-A"),
    (("", "CN104968889", "A", "epodoc"), "CN-104968889-A"),
    # EP: seven digits, leading zeros kept
    (("EP", "2906782", "A2", "docdb"), "EP-2906782-A2"),
    (("", "EP2906782", "A4", "epodoc"), "EP-2906782-A4"),
    (("EP", "0123456", "B1", "docdb"), "EP-0123456-B1"),
    (("EP", "123456", "B1", "original"), "EP-0123456-B1"),
    (("EP", "EP 2 906 782", "A2", "original"), "EP-2906782-A2"),
    # WO: YYYY+6 from 2004, DOCDB's own YY+5 / YY+6 before
    (("WO", "2022/259205", "A1", "original"), "WO-2022259205-A1"),
    (("WO", "WO 2022/259205", "A1", "original"), "WO-2022259205-A1"),
    (("", "WO2022259205", "A1", "epodoc"), "WO-2022259205-A1"),
    (("WO", "2023/012807", "A1", "original"), "WO-2023012807-A1"),
    (("WO", "94/11762", "A1", "original"), "WO-9411762-A1"),
    (("", "WO9411762", "A1", "epodoc"), "WO-9411762-A1"),
    (("WO", "98/12345", "A1", "original"), "WO-9812345-A1"),
    (("WO", "1998/12345", "A1", "original"), "WO-9812345-A1"),
    (("WO", "03/021278", "A2", "original"), "WO-03021278-A2"),
    (("WO", "03021278", "A2", "docdb"), "WO-03021278-A2"),
    (("WO", "04/12345", "A1", "original"), "WO-2004012345-A1"),
    # other offices: separators stripped, nothing assumed
    (("DE", "1258188", "B", "docdb"), "DE-1258188-B"),
    (("DE", "10 2005 012 345", "A1", "original"), "DE-102005012345-A1"),
    (("", "YU6701", "A", "epodoc"), "YU-6701-A"),
    # kind codes are upper-cased and stripped
    (("EP", "2906782", " a 2", "docdb"), "EP-2906782-A2"),
]


@pytest.mark.parametrize(("args", "expected"), PUBLICATIONS, ids=[e for _, e in PUBLICATIONS])
def test_publication_id(args, expected):
    country, number, kind, fmt = args
    assert publication_id(country, number, kind, fmt=fmt) == expected


APPLICATIONS = [
    # KR
    (("KR", "10-2020-0168607", None, None, "kipris"), "KR-20200168607"),
    (("KR", "1020200168607", None, None, "kipris"), "KR-20200168607"),
    (("KR", "10-2020-0168607", None, None, "original"), "KR-20200168607"),
    (("KR", "20200168607", "A", None, "docdb"), "KR-20200168607"),
    (("KR", "20-2020-0012345", None, None, "kipris"), "KR-20200012345-U"),
    (("KR", "20200012345", "U", None, "docdb"), "KR-20200012345-U"),
    (("KR", "10-2008-0107376", None, None, "original"), "KR-20080107376"),
    (("", "KR20080107376", None, None, "epodoc"), "KR-20080107376"),
    (("KR", "1019470000187", None, None, "kipris"), "KR-19470000187"),
    # JP: western year + 6 digits from 2000, serial + two-digit year before
    (("JP", "2008-148514", None, None, "original"), "JP-2008148514"),
    (("JP", "2008148514", "A", None, "docdb"), "JP-2008148514"),
    (("JP", "特願2008-148514", None, None, "original"), "JP-2008148514"),
    (("JP", "平成20-148514", None, None, "original"), "JP-2008148514"),
    (("JP", "H20-148514", None, None, "original"), "JP-2008148514"),
    (("JP", "特願平10-123456", None, None, "original"), "JP-12345698"),
    (("JP", "昭和60-123456", None, None, "original"), "JP-12345685"),
    (("JP", "S60-123456", None, None, "original"), "JP-12345685"),
    (("JP", "H20148514", None, None, "original"), "JP-2008148514"),
    (("JP", "実願2008-001234", None, None, "original"), "JP-2008001234-U"),
    (("", "JP20080148514", None, None, "epodoc"), "JP-2008148514"),
    # US: filing year + series + serial from 2008, serial + YY before; provisionals kind P
    (("US", "14052000", None, date(2013, 10, 11), "uspto"), "US-201314052000"),
    (("US", "14/052,000", None, date(2013, 10, 11), "original"), "US-201314052000"),
    (("US", "201314052000", "A", None, "docdb"), "US-201314052000"),
    (("", "US201314052000", None, None, "epodoc"), "US-201314052000"),
    (("US", "61713164", None, date(2012, 10, 12), "original"), "US-201261713164-P"),
    (("US", "61/713,164", None, date(2012, 10, 12), "original"), "US-201261713164-P"),
    (("US", "61713164", "P", date(2012, 10, 12), "uspto"), "US-201261713164-P"),
    (("US", "201261713164 P", None, None, "original"), "US-201261713164-P"),
    (("US", "201261713164", "P", None, "docdb"), "US-201261713164-P"),
    (("", "US201261713164P", None, None, "epodoc"), "US-201261713164-P"),
    (("US", "63/230,089", None, date(2021, 8, 6), "original"), "US-202163230089-P"),
    (("US", "60095006", None, date(1998, 7, 30), "original"), "US-9500698-P"),
    (("US", "9500698", "P", date(1998, 7, 30), "docdb"), "US-9500698-P"),
    (("", "US19980095006P", None, None, "epodoc"), "US-9500698-P"),
    (("US", "34515994", "A", None, "docdb"), "US-34515994"),
    (("US", "29410027", None, date(2012, 1, 3), "uspto"), "US-201229410027-F"),
    (("US", "29410027", "F", date(2012, 1, 3), "uspto"), "US-201229410027-F"),
    (("US", "201229410027", "A", None, "docdb"), "US-201229410027-F"),
    # CN: check digit dropped (and verified on 13-digit numbers)
    (("CN", "2013800622588", None, None, "original"), "CN-201380062258"),
    (("CN", "201380062258.8", None, None, "original"), "CN-201380062258"),
    (("CN", "CN201380062258.8", None, None, "original"), "CN-201380062258"),
    (("CN", "201380062258", "A", None, "docdb"), "CN-201380062258"),
    (("", "CN20138062258", None, None, "epodoc"), "CN-201380062258"),
    (("CN", "2026104796018", None, None, "original"), "CN-202610479601"),
    (("CN", "98123456.7", None, None, "original"), "CN-98123456"),
    # EP
    (("EP", "13844704.0", None, None, "original"), "EP-13844704"),
    (("EP", "13844704", "A", None, "docdb"), "EP-13844704"),
    (("", "EP20130844704", None, None, "epodoc"), "EP-13844704"),
    (("EP", "09011586", None, None, "uspto"), "EP-09011586"),
    # PCT: receiving office, YYYY + 6-digit serial from 2004 (YY + 5 before), kind W
    (("WO", "PCT/US2013/064552", None, None, "original"), "US-2013064552-W"),
    (("", "PCT/US2013/064552", None, None, "original"), "US-2013064552-W"),
    (("WO", "PCT/KR2021/017662", None, None, "kipris"), "KR-2021017662-W"),
    (("", "WO2013US64552", None, None, "epodoc"), "US-2013064552-W"),
    (("", "WO2009KR06271", None, None, "epodoc"), "KR-2009006271-W"),
    (("US", "2013064552", "W", None, "docdb"), "US-2013064552-W"),
    (("KR", "KR2009/006271", "W", None, "original"), "KR-2009006271-W"),
    (("WO", "US 2013/064552", None, None, "original"), "US-2013064552-W"),
    (("IB", "IB2022/055385", "W", None, "original"), "IB-2022055385-W"),
    (("WO", "PCT/US98/12345", None, None, "original"), "US-9812345-W"),
    (("US", "PCT/CH02/00573", None, None, "uspto"), "CH-0200573-W"),
    (("US", "9812345", "W", None, "docdb"), "US-9812345-W"),
    # DOCDB dummy priorities
    (("US", "1258190X", "A", None, "docdb"), "US-1258190X"),
    (("", "USX1258190", None, None, "epodoc"), "US-1258190X"),
    # other offices, kinds
    (("DE", "B0077613", "A", None, "docdb"), "DE-B0077613"),
    (("CH", "1974/01", None, None, "uspto"), "CH-197401"),
    (("DE", "202005012345", "u", None, "docdb"), "DE-202005012345-U"),
    (("EP", "13844704", "T", None, "docdb"), "EP-13844704-T"),
]


@pytest.mark.parametrize(
    ("args", "expected"), APPLICATIONS, ids=[f"{a[1]}->{e}" for a, e in APPLICATIONS]
)
def test_application_id(args, expected):
    country, number, kind, filing_date, fmt = args
    assert application_id(country, number, kind, filing_date=filing_date, fmt=fmt) == expected


PUBLICATION_ERRORS = [
    (("US", "", "A1", "uspto"), "non-empty"),
    (("US", "   ", "A1", "uspto"), "non-empty"),
    (("US", "2022016011X", "A1", "uspto"), "digits"),
    (("US", "123456789", "B2", "docdb"), "grant number"),
    (("US", "20220160114", None, "uspto"), "kind code"),
    (("US", "20220160114", "B2", "uspto"), "pre-grant kind"),
    (("US", "D0982278", "S1+", "uspto"), "kind code"),
    (("EP", "12345678", "A1", "docdb"), "up to 7 digits"),
    (("EP", "29O6782", "A1", "docdb"), "up to 7 digits"),
    (("EP", "0000000", "A1", "docdb"), "up to 7 digits"),
    (("KR", "30-2020-0012345", None, "kipris"), "type 10"),
    (("KR", "1020220010000", None, "kipris"), "kind"),
    (("KR", "10-2022-007914X", None, "kipris"), "digits"),
    (("KR", "10-3028032-0000", "A", "kipris"), "grant kind"),
    (("KR", "20220079145", None, "docdb"), "kind code"),
    (("JP", "2010123456", None, "docdb"), "kind code"),
    (("JP", "特開2010-12345X", "A", "original"), "YYYY-NNNNNN"),
    (("CN", "1049688", None, "docdb"), "kind code"),
    (("CN", "10496888912", "A", "docdb"), "6 to 9 digits"),
    (("WO", "1977/12345", "A1", "original"), "1978"),
    (("WO", "98/123456", "A1", "original"), "serial of 1 to 5 digits"),
    (("WO", "98/1234567", "A1", "original"), "YYYY/NNNNNN"),
    (("WO", "123", "A1", "docdb"), "YYYY/NNNNNN"),
    (("", "2906782", "A2", "docdb"), "country code"),
    (("", "E", "A2", "epodoc"), "two-letter country"),
    (("EP", "US9291047", "B2", "epodoc"), "epodoc number of country EP"),
    (("E1", "2906782", "A2", "docdb"), "two-letter country code"),
    (("DE", "12#34", "A1", "original"), "letters and digits"),
]


@pytest.mark.parametrize(
    ("args", "message"), PUBLICATION_ERRORS, ids=[repr(a[1]) for a, _ in PUBLICATION_ERRORS]
)
def test_publication_id_rejects(args, message):
    country, number, kind, fmt = args
    with pytest.raises(NumberError, match=re.escape(message)) as error:
        publication_id(country, number, kind, fmt=fmt)
    assert repr(number) in str(error.value)


APPLICATION_ERRORS = [
    (("US", "14052000", None, None, "uspto"), "filing date"),
    (("US", "052,000", None, date(2013, 10, 11), "original"), "series code"),
    (("US", "14052000", None, date(2013, 10, 11), "docdb"), "filing year"),
    (("US", "14052000", "P", date(2013, 10, 11), "original"), "provisional series"),
    (("US", "61713164", "W2", date(2012, 10, 12), "original"), "kind P"),
    (("US", "1X052000", None, date(2013, 10, 11), "original"), "digits"),
    (("US", "999914052000", None, None, "docdb"), "YYYY + series"),
    (("", "USABC", None, None, "epodoc"), "USYYYY"),
    (("WO", "2013064552", None, None, "original"), "lacks the receiving office"),
    (("WO", "PCT/US2013/1234567", None, None, "original"), "PCT/CCYYYY/NNNNNN"),
    (("WO", "PCT/US1970/012345", None, None, "original"), "1978"),
    (("WO", "PCT/WO2013/012345", None, None, "original"), "receiving-office country"),
    (("CN", "2013800622589", None, None, "original"), "check digit"),
    (("CN", "20138006225", None, None, "original"), "12 digits"),
    (("", "CN2013", None, None, "epodoc"), "CNYYYY"),
    (("KR", "40-2020-0012345", None, None, "kipris"), "type 10"),
    (("KR", "10-3020-0012345", None, None, "kipris"), "valid year"),
    (("KR", "10-2020-016860X", None, None, "kipris"), "digits"),
    (("KR", "123", None, None, "original"), "13 KIPRIS digits"),
    (("JP", "3008-148514", None, None, "original"), "YYYY + 6 digits"),
    (("JP", "X20-148514", None, None, "original"), "YYYY-NNNNNN"),
    (("EP", "1384470", None, None, "original"), "8 digits"),
    (("EP", "1384470A", None, None, "original"), "digits"),
    (("", "EP20131844704", None, None, "epodoc"), "EPYYYY0NNNNNN"),
    (("", "", None, None, "epodoc"), "non-empty"),
    (("KR", "10-2020-0168607", "AA", None, "kipris"), "kind code"),
]


@pytest.mark.parametrize(
    ("args", "message"), APPLICATION_ERRORS, ids=[repr(a[1]) for a, _ in APPLICATION_ERRORS]
)
def test_application_id_rejects(args, message):
    country, number, kind, filing_date, fmt = args
    with pytest.raises(NumberError, match=re.escape(message)):
        application_id(country, number, kind, filing_date=filing_date, fmt=fmt)


def test_missing_filing_date_is_a_fact_not_a_bad_number():
    """Parsers keep such a record with a warning: the number is sound, its year is missing."""
    with pytest.raises(NumberNeedsFact) as error:
        application_id("US", "14/052,000", fmt="original")
    assert error.value.fact == "filing date"
    assert isinstance(error.value, NumberError)
    with pytest.raises(NumberError) as error:
        application_id("US", "052,000", fmt="original")
    assert not isinstance(error.value, NumberNeedsFact)


def test_error_message_names_input_and_expectation():
    with pytest.raises(NumberError) as error:
        application_id("US", "14052000", fmt="uspto")
    assert "'14052000'" in str(error.value) and "expected" in str(error.value)


def test_number_error_is_a_value_error():
    assert issubclass(NumberError, ValueError)


def test_unknown_format_is_a_caller_bug():
    with pytest.raises(ValueError, match="unknown number format"):
        publication_id("EP", "2906782", "A2", fmt="espacenet")
    with pytest.raises(ValueError, match="unknown number format"):
        application_id("EP", "13844704", fmt="ops")


def test_split_epodoc():
    assert split_epodoc("EP2906782") == ("EP", "2906782")
    assert split_epodoc("wo2013us64552") == ("WO", "2013US64552")
    with pytest.raises(NumberError):
        split_epodoc("2906782")


def test_normalize_kind():
    assert normalize_kind(" b 2 ") == "B2"
    assert normalize_kind("") is None
    assert normalize_kind(None) is None
    with pytest.raises(NumberError):
        normalize_kind("B22")


def test_every_notation_of_one_priority_agrees():
    """The US provisional and PCT priorities of family 50474376 in every notation seen."""
    filed = date(2012, 10, 12)
    provisional = {
        application_id("US", "61/713,164", filing_date=filed, fmt="original"),
        application_id("US", "61713164", filing_date=filed, fmt="original"),
        application_id("US", "201261713164 P", fmt="original"),
        application_id("", "US201261713164P", fmt="epodoc"),
        application_id("US", "201261713164", "P", fmt="docdb"),
    }
    assert provisional == {"US-201261713164-P"}
    pct = {
        application_id("WO", "PCT/US2013/064552", fmt="original"),
        application_id("WO", "US 2013/064552", fmt="original"),
        application_id("US", "US2013/064552", "W", fmt="original"),
        application_id("", "WO2013US64552", fmt="epodoc"),
        application_id("US", "2013064552", "W", fmt="docdb"),
    }
    assert pct == {"US-2013064552-W"}
