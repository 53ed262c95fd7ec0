"""The fields of one parsed USPTO document: numbers, priorities, classes, parties, citations, texts."""

from __future__ import annotations

import functools
import html.entities
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from lxml import etree

from roadmap_pipeline.lib.formats.classification import leading_symbol, symbol_of_parts
from roadmap_pipeline.lib.formats.dates import compact_date
from roadmap_pipeline.lib.formats.number_issues import Issue, number_issue
from roadmap_pipeline.lib.formats.uspto.split import PATENT_ROOTS, RawDocument
from roadmap_pipeline.lib.numbers import NumberError, application_id, publication_id, split_doc_id
from roadmap_pipeline.lib.records import Citation, Classification, Document, Party, Priority

NUMBER_FORMAT = "uspto"  # the notation numbers are written in, for `numbers`


class BadDocument(Exception):
    """A well-formed document that lacks what a `Document` needs."""


# --------------------------------------------------------------------------------------------------
# Fields
# --------------------------------------------------------------------------------------------------


def build_document(root: etree._Element, raw: RawDocument, issues: list[Issue]) -> Document:
    """Build the `Document` of a parsed ``us-patent-grant`` / ``us-patent-application``.

    Args:
        root: the document's root element.
        raw: the document's bytes and place in the file.
        issues: receives the application and priority numbers the document is kept without.
    """
    kind_of_doc = PATENT_ROOTS[root.tag]
    biblio = root.find(f"us-bibliographic-data-{kind_of_doc}")
    if biblio is None:
        raise BadDocument(f"missing us-bibliographic-data-{kind_of_doc}")
    doc_id, office, number, kind, published = _publication(biblio)
    application = _application(biblio, issues)
    title = _clean(_text(biblio.find("invention-title")))
    abstract = _abstract(root.find("abstract"))
    return Document(
        doc_id=doc_id,
        office=office,
        publication_number=number,
        kind=kind,
        publication_date=published,
        application_id=application.app_id,
        filing_date=application.filing_date,
        title=title,
        title_lang="en" if title else None,
        abstract=abstract,
        abstract_lang="en" if abstract else None,
        title_en=title,
        abstract_en=abstract,
        source_format=f"uspto-{kind_of_doc}{_version_suffix(root)}",
        locator=raw.locator,
        priorities=_priorities(biblio, application, issues),
        classifications=_classifications(biblio),
        parties=_parties(biblio),
        citations=_citations(biblio),
    )


def _publication(biblio: etree._Element) -> tuple[str, str, str, str, date | None]:
    """doc_id, office, DOCDB number, kind and date from ``publication-reference``."""
    ref = biblio.find("publication-reference/document-id")
    number = _child_text(ref, "doc-number")
    if not number:
        raise BadDocument("missing publication number")
    country = _child_text(ref, "country") or "US"
    kind = _child_text(ref, "kind")
    try:
        doc_id = publication_id(country, number, kind, NUMBER_FORMAT)
    except NumberError as exc:
        raise BadDocument(f"invalid publication number {country} {number} {kind or ''}: {exc}") from exc
    office, docdb_number, docdb_kind = split_doc_id(doc_id)
    return doc_id, office, docdb_number, docdb_kind, compact_date(_child_text(ref, "date"))


# DOCDB application kinds: A patent, F design, P provisional, W PCT.
_APPL_KIND = {"design": "F"}


@dataclass
class _Application:
    """The document's own application: its DOCDB id, filing date, and whether it is a 371 entry."""

    app_id: str | None
    filing_date: date | None
    national_phase: bool = False
    number: str = ""


def _application(biblio: etree._Element, issues: list[Issue]) -> _Application:
    """The application reference; the id stays None (with an issue) where `numbers` cannot build it."""
    ref_el = biblio.find("application-reference")
    ref = ref_el.find("document-id") if ref_el is not None else None
    number = _child_text(ref, "doc-number")
    filed = compact_date(_child_text(ref, "date"))
    appl_type = ref_el.get("appl-type", "") if ref_el is not None else ""
    # A reissue repeats the 371 data of the patent it reissues; its own application is not a 371.
    national_phase = appl_type != "reissue" and biblio.find("pct-or-regional-filing-data") is not None
    if not number:
        return _Application(None, filed, national_phase)
    kind = _APPL_KIND.get(appl_type, "A")
    country = _child_text(ref, "country") or "US"
    app_id = _application_id(country, number, kind, filed, "application number", issues)
    return _Application(app_id, filed, national_phase, _digits(number))


def _application_id(
    country: str, number: str, kind: str | None, filed: date | None, what: str, issues: list[Issue]
) -> str | None:
    """DOCDB application id; None, with an issue naming `what`, when `numbers` cannot build it.

    The filing date is passed: DOCDB writes a US application filed before 2008 as serial + filing
    year, so without the date there is no id (a warning, see `number_issues`).
    """
    number = number.strip()
    if number.upper().startswith("PCT"):
        country, kind = "WO", "W"
    elif country == "US" and kind in (None, "A"):
        kind = _us_series_kind(number)
    try:
        return application_id(country, number, kind, filed, NUMBER_FORMAT)
    except NumberError as exc:
        reason, severity = number_issue(what, exc)
        issues.append((reason, severity, f"{country} {number}"))
        return None


def _us_series_kind(number: str) -> str:
    """DOCDB kind of a US application from its series code (29: designs, 60-63: provisionals)."""
    digits = _digits(number)
    if len(digits) == 8 and digits[:2] == "29":
        return "F"
    if len(digits) == 8 and digits[:2] in ("60", "61", "62", "63"):
        return "P"
    return "A"


# --- priorities -------------------------------------------------------------------------------------

# DOCDB priority-linkage-type of the US continuity relations: 1 (continuation) is in the OPS
# samples (US2016245070A1); 3 for divisions and 2 for continuations-in-part as OPS clients read them.
_CONTINUITY = {
    "continuation": "1",
    "continuation-in-part": "2",
    "division": "3",
    "us-divisional-reissue": None,
    "continuing-reissue": None,
    "reissue": None,
    "substitution": None,
}


@dataclass
class _Claim:
    """A priority before the active flags are decided; `source` says where it came from."""

    priority_id: str
    priority_date: date | None
    linkage_type: str | None = None
    root: bool = True  # False for a continuity parent that is itself the child of another parent
    source: str = "paris"  # paris, pct, parent, own


def _priorities(biblio: etree._Element, application: _Application, issues: list[Issue]) -> list[Priority]:
    """Priority claims as DOCDB lists them for a US document.

    Listed, in this order: foreign priority claims (``priority-claims``) and US provisionals
    (``us-provisional-application``), the PCT application of a 371 national-phase entry
    (linkage ``W``), the parent applications of continuations (linkage ``1``), continuations-in-part
    (``2``), divisions (``3``) and reissues, and the document's own application (not for a 371 entry,
    whose application is the PCT one). DOCDB lists all of these for US documents: US9291047B2 has
    its own application US-201314052000 and the provisional US-201261713164-P; its continuation
    US2016245070A1 adds its own application and gives the parent linkage ``1``.

    ``active`` mirrors DOCDB's priority-active-indicator, which is what the simple family rests on:
    the Paris priorities (foreign claims, provisionals) when there are any; else the PCT application
    of a national-phase entry; else the first filings of the continuity chain (parents that are not
    themselves children of another parent); else the document's own application. Everything else
    is listed inactive, so that grouping on active priorities puts a US continuation in the family
    of its parent, as DOCDB does.
    """
    claims = _paris_claims(biblio, issues) + _pct_claims(biblio, issues)
    claims += _parent_claims(biblio, application, issues)
    if application.app_id and not application.national_phase:
        claims.append(_Claim(application.app_id, application.filing_date, source="own"))
    active_source = next(
        (s for s in ("paris", "pct", "parent", "own") if any(c.source == s and c.root for c in claims)),
        None,
    )
    seen: set[str] = set()
    result = []
    for claim in claims:
        if claim.priority_id in seen:
            continue
        seen.add(claim.priority_id)
        active = claim.source == active_source and claim.root
        result.append(Priority(claim.priority_id, claim.priority_date, active, claim.linkage_type))
    return result


def _paris_claims(biblio: etree._Element, issues: list[Issue]) -> list[_Claim]:
    """Foreign priority claims and US provisional applications."""
    claims = []
    for claim in biblio.iterfind("priority-claims/priority-claim"):
        country = _child_text(claim, "country") or ""
        number = _child_text(claim, "doc-number")
        kind = "W" if claim.get("kind") == "international" else None
        filed = compact_date(_child_text(claim, "date"))
        _append_claim(claims, issues, country, number, kind, filed, "paris")
    for ref in biblio.iterfind("us-related-documents/us-provisional-application/document-id"):
        filed = compact_date(_child_text(ref, "date"))
        _append_claim(claims, issues, "US", _child_text(ref, "doc-number"), "P", filed, "paris")
    return claims


def _pct_claims(biblio: etree._Element, issues: list[Issue]) -> list[_Claim]:
    """The PCT application of a 371 national-phase entry."""
    claims: list[_Claim] = []
    ref = biblio.find("pct-or-regional-filing-data/document-id")
    if ref is not None:
        number = _child_text(ref, "doc-number")
        country = _child_text(ref, "country") or "WO"
        filed = compact_date(_child_text(ref, "date"))
        _append_claim(claims, issues, country, number, "W", filed, "pct", "W")
    return claims


def _parent_claims(biblio: etree._Element, application: _Application, issues: list[Issue]) -> list[_Claim]:
    """Parents of continuity relations; the first filings of the chain are marked as roots."""
    relations = []
    for tag, linkage in _CONTINUITY.items():
        for relation in biblio.iterfind(f"us-related-documents/{tag}/relation"):
            parent = relation.find("parent-doc/document-id")
            child = relation.find("child-doc/document-id")
            if parent is not None:
                relations.append((parent, _digits(_child_text(child, "doc-number")), linkage))
    children = {child for _, child, _ in relations if child}
    claims: list[_Claim] = []
    for parent, _, linkage in relations:
        number = _child_text(parent, "doc-number")
        if not number or _digits(number) == application.number:
            continue
        country = _child_text(parent, "country") or "US"
        filed = compact_date(_child_text(parent, "date"))
        claim = _append_claim(claims, issues, country, number, None, filed, "parent", linkage)
        if claim is not None and _digits(number) in children:
            claim.root = False
    return claims


# What a claim's number is, by where it came from, for the issue of a number left without an id.
_CLAIM_NUMBER = {"paris": "priority number", "pct": "PCT application number", "parent": "parent application number"}


def _append_claim(
    claims: list[_Claim],
    issues: list[Issue],
    country: str,
    number: str | None,
    kind: str | None,
    filed: date | None,
    source: str,
    linkage: str | None = None,
) -> _Claim | None:
    """Append and return a claim when its number can be normalized (else an issue, and no claim)."""
    if not number:
        return None
    what = _CLAIM_NUMBER[source]
    priority_id = _application_id(country.strip().upper(), number, kind, filed, what, issues)
    if not priority_id:
        return None
    claim = _Claim(priority_id, filed, linkage, True, source)
    claims.append(claim)
    return claim


# --- classifications --------------------------------------------------------------------------------

_PARTS = ("section", "class", "subclass", "main-group", "subgroup")


def _classifications(biblio: etree._Element) -> list[Classification]:
    """CPC (main, further, combination sets) and IPC (IPCR, or the v4.0–4.1 IPC strings)."""
    found: list[Classification] = []
    for path in ("classifications-cpc/main-cpc", "classifications-cpc/further-cpc"):
        for block in biblio.iterfind(path):
            found += _symbols(block.iter("classification-cpc"), "CPC")
    found += _symbols(biblio.iterfind("classifications-ipcr/classification-ipcr"), "IPC")
    for ipc in biblio.iterfind("classification-ipc"):
        for line in ipc:
            if line.tag in ("main-classification", "further-classification"):
                symbol = leading_symbol(line.text or "")
                if symbol:
                    found.append(Classification("IPC", symbol))
    return list(dict.fromkeys(found))


def _symbols(elements: Iterable[etree._Element], scheme: str) -> list[Classification]:
    result = []
    for element in elements:
        symbol = symbol_of_parts(*(_child_text(element, tag) for tag in _PARTS))
        if symbol:
            result.append(Classification(scheme, symbol))
    return result


# --- parties ----------------------------------------------------------------------------------------


def _parties(biblio: etree._Element) -> list[Party]:
    """Applicants (owners) and inventors.

    Applicants are the applicant organisations, the assignees, and individual applicants who are
    not inventors, deduplicated by name; only when there is none of these (an unassigned patent)
    are the inventor-applicants the applicants. Inventors are the ``inventors`` list, or in v4.0–4.2
    the applicants of app-type ``applicant-inventor``.
    """
    applicants = biblio.findall("us-parties/us-applicants/us-applicant") or biblio.findall(
        "parties/applicants/applicant"
    )
    inventors = biblio.findall("us-parties/inventors/inventor") or biblio.findall("parties/inventors/inventor")
    if not inventors:
        inventors = [a for a in applicants if a.get("app-type") == "applicant-inventor"]
    inventor_names = {_name_key(_name(i)) for i in inventors}
    owners = [a for a in applicants if _is_owner(a, inventor_names)]
    owners += biblio.findall("assignees/assignee")
    if not owners:
        owners = applicants
    return _people(owners, "applicant") + _people(inventors, "inventor")


def _is_owner(applicant: etree._Element, inventor_names: set[str]) -> bool:
    if applicant.find("addressbook/orgname") is not None:
        return True
    if applicant.get("app-type") == "applicant-inventor":
        return False
    return _name_key(_name(applicant)) not in inventor_names


def _people(elements: Iterable[etree._Element], role: str) -> list[Party]:
    """Parties of one role, deduplicated by name, numbered from 1."""
    parties: list[Party] = []
    seen: set[str] = set()
    for element in elements:
        name = _name(element)
        key = _name_key(name)
        if not name or key in seen:
            continue
        seen.add(key)
        parties.append(Party(role, len(parties) + 1, name, _country(element)))
    return parties


def _name(party: etree._Element) -> str:
    """Organisation name, or "last-name, first-name" of a person."""
    book = party.find("addressbook")
    if book is None:
        book = party
    org = _clean(_text(book.find("orgname")))
    if org:
        return org
    last = _clean(_text(book.find("last-name")))
    first = _clean(_text(book.find("first-name")))
    if last and first:
        return f"{last}, {first}"
    return last or first or _clean(_text(book.find("name"))) or ""


def _name_key(name: str) -> str:
    return re.sub(r"[\W_]+", "", name.casefold())


_ISO_COUNTRY = re.compile(r"^[A-Z]{2}$")


def _country(party: etree._Element) -> str | None:
    """ISO country of the address, else of the residence; None for ``unknown``/``omitted``."""
    for path in ("addressbook/address/country", "residence/country"):
        value = (_child_text(party, path) or "").upper()
        if _ISO_COUNTRY.match(value):
            return value
    return None


# --- citations --------------------------------------------------------------------------------------


def _citations(biblio: etree._Element) -> list[Citation]:
    """Cited patent documents (``us-references-cited`` v4.2+, ``references-cited`` v4.0–4.1)."""
    found = []
    for refs in (biblio.find("us-references-cited"), biblio.find("references-cited")):
        if refs is not None:
            found += [c for c in map(_citation, _citation_fields(refs)) if c is not None]
    return list(dict.fromkeys(found))


_CITATION_TAGS = ("us-citation", "citation", "country", "doc-number", "kind", "category")


def _citation_fields(refs: etree._Element) -> Iterator[dict[str, str | None]]:
    """The fields of each citation, in one filtered walk of the whole list.

    Front-page files are mostly citations (a hundred a document), so this is the hot path. The first
    occurrence of a field wins: a v4.0 citation also holds a ``classification-national/country``.
    """
    fields: dict[str, str | None] | None = None
    for element in refs.iter(_CITATION_TAGS):
        tag = element.tag
        if tag == "us-citation" or tag == "citation":
            if fields:
                yield fields
            fields = {}
        elif fields is not None and tag not in fields:
            fields[tag] = element.text
    if fields:
        yield fields


def _citation(fields: dict[str, str | None]) -> Citation | None:
    """A cited patent document; None for a non-patent citation (no doc-number)."""
    number = (fields.get("doc-number") or "").strip()
    if not number:
        return None
    country = (fields.get("country") or "").strip().upper()
    kind = (fields.get("kind") or "").strip() or None
    return Citation(_cited_id(country, number, kind), _clean(fields.get("category")))


@functools.lru_cache(maxsize=1 << 16)
def _cited_id(country: str, number: str, kind: str | None) -> str:
    """DOCDB publication id of a cited document, else ``CC+number+kind`` as written (no spaces).

    Cached: the same prior art is cited again and again within a weekly file.
    """
    try:
        return publication_id(country, number, kind, NUMBER_FORMAT)
    except NumberError:
        return re.sub(r"\s+", "", f"{country}{number}{kind or ''}")


# --- text -------------------------------------------------------------------------------------------


def _abstract(abstract: etree._Element | None) -> str | None:
    """The abstract's paragraphs joined, whitespace-normalized (reissue deletions left out)."""
    if abstract is None:
        return None
    paragraphs = abstract.findall("p") or [abstract]
    return _clean(" ".join(_text(p) for p in paragraphs))


def _text(element: etree._Element | None) -> str:
    """All text under an element, entities as characters, text between reissue
    ``<?delete-start?>`` and ``<?delete-end?>`` markers left out."""
    if element is None:
        return ""
    parts: list[str] = []
    _collect(element, parts, [False])
    return "".join(parts)


def _collect(element: etree._Element, parts: list[str], deleting: list[bool]) -> None:
    if element.text and not deleting[0]:
        parts.append(element.text)
    for child in element:
        if child.tag is etree.PI:
            if child.target == "delete-start":
                deleting[0] = True
            elif child.target == "delete-end":
                deleting[0] = False
        elif child.tag is etree.Entity:
            if not deleting[0]:
                parts.append(_entity_text(child.name))
        elif isinstance(child.tag, str):
            _collect(child, parts, deleting)
        if child.tail and not deleting[0]:
            parts.append(child.tail)


def _entity_text(name: str) -> str:
    code = html.entities.name2codepoint.get(name)
    return chr(code) if code is not None else f"&{name};"


def _clean(text: str | None) -> str | None:
    """Whitespace-normalized text, None when empty."""
    if not text:
        return None
    return " ".join(text.split()) or None


def _child_text(element: etree._Element | None, path: str) -> str | None:
    if element is None:
        return None
    found = element.find(path)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def _digits(text: str | None) -> str:
    return re.sub(r"\D", "", text or "")


_VERSION_DOTTED = re.compile(r"v?(\d+)\.(\d+)", re.I)
_VERSION_DIGITS = re.compile(r"v?(\d)(\d)\b", re.I)


def _version_suffix(root: etree._Element) -> str:
    """``-v4.3`` from ``dtd-version`` ("v4.3 2012-12-04", "v40 2004-12-02") or the DOCTYPE's DTD name."""
    candidates = [root.get("dtd-version") or ""]
    system_url = root.getroottree().docinfo.system_url or ""
    candidates.append(re.sub(r"^.*-(v\d+)-.*$", r"\1", system_url))
    for text in candidates:
        token = text.strip().split(" ")[0]
        match = _VERSION_DOTTED.fullmatch(token) or _VERSION_DIGITS.fullmatch(token)
        if match:
            return f"-v{int(match.group(1))}.{int(match.group(2))}"
    return ""
