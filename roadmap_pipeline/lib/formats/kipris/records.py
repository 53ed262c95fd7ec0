"""The records of a KIPRIS Plus response: KR bibliographic and search records, family members, citations.

See the package's description for what is read and why.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from lxml import etree

from roadmap_pipeline.lib.countries import country_code, office_code
from roadmap_pipeline.lib.formats.classification import class_symbol
from roadmap_pipeline.lib.formats.dates import written_date
from roadmap_pipeline.lib.formats.number_issues import number_issue
from roadmap_pipeline.lib.numbers import NumberError, application_id, publication_id, split_doc_id
from roadmap_pipeline.lib.records import Citation, Classification, Document, Party, Priority, Reject

SOURCE_BIBLIO = "kipris-biblio"
SOURCE_SEARCH = "kipris-search"
SOURCE_FAMILY = "kipris-family"

EXCERPT_CHARS = 300

# Right type (the first two digits of a KR number) -> (open kind, registration kind, application kind).
_KINDS = {"10": ("A", "B1", None), "20": ("U", "Y1", "U")}

_CITED = re.compile(r"^([A-Z]{2})\s*([0-9A-Z][0-9A-Z/,.\- ]*?)(?:\s+([A-Z]\d?))?$")
# Children left out of a record's excerpt, so that its numbers and title fit in it.
_BULKY = frozenset({
    "astrtCont", "drawing", "bigDrawing", "abstractInfoArray", "claimInfoArray",
    "legalStatusInfoArray", "imagePathInfo", "agentInfoArray",
    "Abstract", "DrawingPath", "ThumbnailPath",  # PatentUtilityInfo
})
_SEARCH_FIELDS = ("applicationNumber", "openNumber", "registerNumber", "inventionTitle")


# --- records -----------------------------------------------------------------------------------


@dataclass
class Context:
    """Where a record sits in the file, and the rejects for its unreadable fields."""

    source_file: str
    locator: str
    elem: etree._Element
    issues: list[Reject] = field(default_factory=list)

    def reject(self, reason: str, severity: str = "error") -> Reject:
        """A reject of the whole record (``skipped`` for readable records that are not documents)."""
        return Reject(self.source_file, self.locator, reason, _record_excerpt(self.elem), severity)

    def field_issue(self, where: str, reason: str, value: str, severity: str = "error") -> None:
        """Records a field that could not be read; the record itself is still used."""
        self.issues.append(
            Reject(self.source_file, f"{self.locator} {where}", reason, value[:EXCERPT_CHARS], severity)
        )

    def number_issue(self, where: str, what: str, exc: Exception, value: str) -> None:
        """Records a number the record is kept without (a warning where only a fact is missing)."""
        reason, severity = number_issue(what, exc)
        self.field_issue(where, reason, value, severity)


def read_record(elem: etree._Element, ctx: Context) -> Iterator[Document | Reject]:
    """Dispatches one record by what it contains."""
    if len(elem) == 0:
        yield ctx.reject(f"empty KIPRIS record <{elem.tag}>: no fields at all")
    elif elem.tag == "item" and elem.find("biblioSummaryInfoArray") is not None:
        yield from _kr_documents(_biblio_record(elem, ctx), ctx, SOURCE_BIBLIO)
    elif elem.tag == "item" and elem.find("docdbFamilyID") is not None:
        yield from _family_member(elem, ctx)
    elif elem.tag == "item" and any(elem.find(tag) is not None for tag in _SEARCH_FIELDS):
        yield from _kr_documents(_search_record(elem, ctx), ctx, SOURCE_SEARCH)
    elif elem.tag == "PatentUtilityInfo":
        yield from _kr_documents(_patent_utility_record(elem, ctx), ctx, SOURCE_SEARCH)
    elif elem.tag == "citationInfoV3":
        yield _citation_service_reject(elem, ctx)
    elif elem.tag == "citingInfo":
        yield _citing_reject(elem, ctx)
    else:
        yield ctx.reject(
            f"unsupported KIPRIS record <{elem.tag}>: this parser reads bibliographic-detail, "
            "search (item and PatentUtilityInfo), family, citation and citing responses"
        )
    yield from ctx.issues


@dataclass
class _KrRecord:
    """The fields of a KR bibliographic or search record, as read, before numbers are normalized."""

    application_number: str | None = None
    filing_date: date | None = None
    open_number: str | None = None
    open_date: date | None = None
    register_number: str | None = None
    publication_number: str | None = None  # 공고번호, only on old examined publications
    publication_date: date | None = None  # 공고일자: the registration gazette date
    title: str | None = None
    title_en: str | None = None
    abstract: str | None = None
    classifications: list[Classification] = field(default_factory=list)
    parties: list[Party] = field(default_factory=list)
    priorities: list[Priority] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)


def _biblio_record(item: etree._Element, ctx: Context) -> _KrRecord:
    """Reads a bibliographic-detail ``item``."""
    summary = item.find("biblioSummaryInfoArray/biblioSummaryInfo")
    summary = summary if summary is not None else etree.Element("biblioSummaryInfo")
    record = _summary_fields(summary, ctx)
    record.title_en = _clean(child_text(summary, "inventionTitleEng"))
    record.abstract = _clean(
        " ".join(t for t in (child_text(a, "astrtCont") for a in item.iterfind(".//abstractInfo")) if t)
    )
    ipc_values = [child_text(i, "ipcNumber") for i in item.iterfind("ipcInfoArray/ipcInfo")]
    record.classifications = _ipc_classes(ipc_values, ctx)
    record.parties = _biblio_parties(item, "applicant", ctx) + _biblio_parties(item, "inventor", ctx)
    record.priorities = _priorities(item, ctx) + _international(item, ctx)
    record.citations = _prior_art(item)
    return record


def _search_record(item: etree._Element, ctx: Context) -> _KrRecord:
    """Reads a search-result ``item`` (applicant names are ``|``-separated, without country)."""
    record = _summary_fields(item, ctx)
    record.abstract = _clean(child_text(item, "astrtCont"))
    record.classifications = _ipc_classes([child_text(item, "ipcNumber")], ctx)
    names = (child_text(item, "applicantName") or "").split("|")
    record.parties = [
        Party("applicant", seq, name)
        for seq, name in enumerate((n.strip() for n in names if n.strip()), start=1)
    ]
    return record


def _patent_utility_record(item: etree._Element, ctx: Context) -> _KrRecord:
    """Reads a ``PatentUtilityInfo`` row of the applicant search (``patUtiModInfoSearchSevice``).

    Same fields as a search item under other names: ``OpeningNumber``/``OpeningDate`` (공개),
    ``RegistrationNumber``, ``PublicNumber``/``PublicDate`` (공고: the registration gazette),
    ``InventionName``, ``Abstract``, ``Applicant`` and ``InternationalpatentclassificationNumber``
    (``|``-separated; the pretty-printed file breaks a symbol across lines, ``A61K`` then
    ``36/45``, which `class_symbol` joins).
    ``RegistrationDate`` (the grant decision, not a publication) and ``RegistrationStatus`` are
    not used.
    """
    record = _KrRecord(
        application_number=child_text(item, "ApplicationNumber"),
        filing_date=_date_field(item, "ApplicationDate", ctx),
        open_number=child_text(item, "OpeningNumber"),
        open_date=_date_field(item, "OpeningDate", ctx),
        register_number=child_text(item, "RegistrationNumber"),
        publication_number=child_text(item, "PublicNumber"),
        publication_date=_date_field(item, "PublicDate", ctx),
        title=_clean(child_text(item, "InventionName")),
        abstract=_clean(child_text(item, "Abstract")),
    )
    record.classifications = _ipc_classes(
        [child_text(item, "InternationalpatentclassificationNumber")], ctx,
        field_name="InternationalpatentclassificationNumber",
    )
    names = (child_text(item, "Applicant") or "").split("|")
    record.parties = [
        Party("applicant", seq, name)
        for seq, name in enumerate((_clean(n) for n in names if n.strip()), start=1)
    ]
    return record


def _summary_fields(elem: etree._Element, ctx: Context) -> _KrRecord:
    """Numbers, dates and Korean title, named alike in the biblio summary and the search item."""
    return _KrRecord(
        application_number=child_text(elem, "applicationNumber"),
        filing_date=_date_field(elem, "applicationDate", ctx),
        open_number=child_text(elem, "openNumber"),
        open_date=_date_field(elem, "openDate", ctx),
        register_number=child_text(elem, "registerNumber"),
        publication_number=child_text(elem, "publicationNumber"),
        publication_date=_date_field(elem, "publicationDate", ctx),
        title=_clean(child_text(elem, "inventionTitle")),
    )


def _kr_documents(record: _KrRecord, ctx: Context, source_format: str) -> Iterator[Document | Reject]:
    """The A and/or B1 (U/Y1) Documents of one KR record, or a Reject when there is none."""
    numbers = [record.application_number, record.open_number, record.register_number]
    if not any(numbers):
        yield ctx.reject("no usable number: applicationNumber, openNumber and registerNumber are blank")
        return
    right = _right_type(numbers)
    if right is None:
        yield ctx.reject("cannot tell a patent (10) from a utility model (20): no number has the "
                         "13- or 9-digit KIPO form with its right-type prefix")
        return
    if right not in _KINDS:
        yield ctx.reject(f"right type {right!r} is neither a patent (10) nor a utility model (20)")
        return
    open_kind, register_kind, application_kind = _KINDS[right]
    base = _base_document(record, ctx, source_format, application_kind)
    documents = []
    if record.open_number:
        documents.append(_publication(base, record.open_number, open_kind, record.open_date, ctx))
    if record.register_number:
        documents.append(
            _publication(base, record.register_number, register_kind, record.publication_date, ctx)
        )
    _note_examined_publication_number(record, ctx)
    documents = [d for d in documents if d is not None]
    if not documents:
        yield ctx.reject(_no_publication_reason(record))
        return
    documents[-1].citations = list(record.citations)  # the B1 when registered, else the A
    yield from documents


def _right_type(numbers: list[str | None]) -> str | None:
    """The right-type prefix (``10`` patent, ``20`` utility model…) of the first full KIPO number.

    Application and open numbers have 13 digits (``10-2020-0168607``), registration numbers 9 or 13
    (``10-3028032``, ``1030280320000``); shorter forms lack the prefix and are not trusted.
    """
    for number in numbers:
        digits = _digits(number or "")
        if len(digits) in (9, 13):
            return digits[:2]
    return None


def _base_document(
    record: _KrRecord, ctx: Context, source_format: str, application_kind: str | None
) -> Document:
    """The fields every publication of the record shares; doc_id and kind are filled per copy."""
    return Document(
        doc_id="",
        office="KR",
        publication_number="",
        kind="",
        application_id=_kr_application_id(record, application_kind, ctx),
        filing_date=record.filing_date,
        title=record.title,
        title_lang="ko" if record.title else None,
        title_en=record.title_en,
        abstract=record.abstract,
        abstract_lang="ko" if record.abstract else None,
        source_format=source_format,
        locator=ctx.locator,
        priorities=record.priorities,
        classifications=record.classifications,
        parties=record.parties,
    )


def _kr_application_id(record: _KrRecord, kind: str | None, ctx: Context) -> str | None:
    if not record.application_number:
        return None
    try:
        return application_id("KR", record.application_number, kind, record.filing_date, fmt="kipris")
    except NumberError as exc:
        ctx.number_issue("applicationNumber", "application number", exc, record.application_number)
        return None


def _publication(
    base: Document, number: str, kind: str, published: date | None, ctx: Context
) -> Document | None:
    """A copy of ``base`` as the publication ``number``/``kind``; None (and a field issue) if bad."""
    try:
        doc_id = publication_id("KR", number, kind, fmt="kipris")
    except NumberError as exc:
        ctx.field_issue(f"{kind} number", f"KR {kind} number not normalized: {exc}", number)
        return None
    return base.other_publication(doc_id, published)


def _note_examined_publication_number(record: _KrRecord, ctx: Context) -> None:
    """Old KR records carry a separate examined-publication (공고) number; say it is not used."""
    number = record.publication_number
    if number and _digits(number) != _digits(record.register_number or ""):
        ctx.field_issue(
            "publicationNumber",
            "examined-publication (공고) number not represented: the registered publication is "
            "built from registerNumber",
            number,
        )


def _no_publication_reason(record: _KrRecord) -> str:
    if record.open_number or record.register_number:
        return "no publication number could be normalized (see the field rejects of this item)"
    return (
        f"no publication number: application {record.application_number} has neither openNumber "
        "nor registerNumber"
    )


# --- fields ------------------------------------------------------------------------------------


def _ipc_classes(
    values: list[str | None], ctx: Context, field_name: str = "ipcNumber"
) -> list[Classification]:
    """IPC classes from ``ipcNumber`` values, each possibly ``|``-separated; duplicates dropped."""
    symbols: list[str] = []
    for value in values:
        for raw in (value or "").split("|"):
            if not raw.strip():
                continue
            symbol = class_symbol(raw)
            if symbol is None:
                ctx.field_issue(field_name, "not an IPC symbol", raw)
            elif symbol not in symbols:
                symbols.append(symbol)
    return [Classification("IPC", s) for s in symbols]


def _biblio_parties(item: etree._Element, role: str, ctx: Context) -> list[Party]:
    """Applicants or inventors of a biblio item, with the country name mapped to its ISO code."""
    parties = []
    for position, elem in enumerate(item.iterfind(f"{role}InfoArray/{role}Info"), start=1):
        name = _clean(child_text(elem, "name")) or _clean(child_text(elem, "engName"))
        if not name:
            ctx.field_issue(f"{role} {position}", f"{role} without a name", serialize(elem))
            continue
        written = child_text(elem, "country")
        country = country_code(written)
        if written and country is None:
            ctx.field_issue(f"{role} {position} country", "country name not mapped to an ISO code",
                            written)
        parties.append(Party(role, len(parties) + 1, name, country))
    return parties


def _priorities(item: etree._Element, ctx: Context) -> list[Priority]:
    """Paris-convention priority claims of a biblio item."""
    priorities = []
    for position, elem in enumerate(item.iterfind("priorityInfoArray/priorityInfo"), start=1):
        number = child_text(elem, "priorityApplicationNumber")
        written_country = child_text(elem, "priorityApplicationCountry")
        if not number and not written_country:
            continue
        where = f"priority {position}"
        claimed = _date_field(elem, "priorityApplicationDate", ctx, where)
        country = office_code(written_country)
        if country is None or not number:
            ctx.field_issue(where, "priority without a known country or number",
                            f"{written_country} {number}")
            continue
        try:
            priority_id = application_id(country, number, None, claimed, fmt="kipris")
        except NumberError as exc:
            ctx.number_issue(where, "priority number", exc, f"{country} {number}")
            continue
        priorities.append(Priority(priority_id, claimed))
    return priorities


def _international(item: etree._Element, ctx: Context) -> list[Priority]:
    """The PCT application of a national-phase record, as DOCDB links it: kind W, not active."""
    links = []
    for position, elem in enumerate(item.iterfind("internationalInfoArray/internationalInfo"), 1):
        number = child_text(elem, "internationalApplicationNumber")
        if not number:
            continue
        where = f"international {position}"
        filed = _date_field(elem, "internationalApplicationDate", ctx, where)
        try:
            pct_id = application_id("WO", number, "W", filed, fmt="kipris")
        except NumberError as exc:
            ctx.number_issue(where, "international application number", exc, number)
            continue
        links.append(Priority(pct_id, filed, active=False, linkage_type="W"))
    return links


def _prior_art(item: etree._Element) -> list[Citation]:
    """Prior-art documents of a biblio item (``KR1020120103937 A``), as DOCDB ids where possible."""
    citations: list[Citation] = []
    for elem in item.iterfind("priorArtDocumentsInfoArray/priorArtDocumentsInfo"):
        written = child_text(elem, "documentsNumber")
        if not written:
            continue
        flag = (child_text(elem, "examinerQuotationFlag") or "").upper()
        citation = Citation(cited_document_id(written), "examiner" if flag == "Y" else None)
        if citation.cited_id not in {c.cited_id for c in citations}:
            citations.append(citation)
    return citations


def cited_document_id(written: str) -> str:
    """DOCDB id of a cited document as KIPRIS writes it, or the text as written if none is built.

    Args:
        written: ``KR1020120103937 A``, ``US 2012/0123456 A1``, ``JP2010123456 A``, or free text.

    Returns:
        ``KR-20120103937-A`` and the like; the stripped input when it is not a patent number that
        `roadmap_pipeline.lib.numbers` can normalize (as `Citation.cited_id` allows).
    """
    text = " ".join(written.split())
    match = _CITED.match(text)
    if match:
        country, number, kind = match.groups()
        try:
            return publication_id(country, number, kind, fmt="kipris")
        except NumberError:
            pass
    return text


def _date_field(elem: etree._Element, tag: str, ctx: Context, where: str = "") -> date | None:
    """A date field (``YYYY.MM.DD``, ``YYYYMMDD``, ``(YYYY.MM.DD)``); blank or bad → None."""
    written = child_text(elem, tag)
    if written is None:
        return None
    try:
        return written_date(written)
    except ValueError as exc:
        ctx.field_issue(f"{where} {tag}".strip(), f"unreadable date: {exc}", written)
        return None


# --- family and citation services ---------------------------------------------------------------


def _family_member(item: etree._Element, ctx: Context) -> Iterator[Document | Reject]:
    """One family-service member (numbers in DOCDB form) as a Document with its DOCDB family id."""
    country = child_text(item, "publicationCountryCode")
    number = child_text(item, "publicationNumber")
    kind = child_text(item, "publicationKindCode")
    if not country or not number:
        yield ctx.reject("family member without a publication country and number")
        return
    try:
        doc_id = publication_id(country, number, kind, fmt="docdb")
    except NumberError as exc:
        yield ctx.reject(f"family member's publication number not normalized: {exc}")
        return
    office, publication_number, doc_kind = split_doc_id(doc_id)
    filed = _date_field(item, "applicationDate", ctx)
    yield Document(
        doc_id=doc_id,
        office=office,
        publication_number=publication_number,
        kind=doc_kind,
        publication_date=_date_field(item, "publicationDate", ctx),
        application_id=_family_application_id(item, filed, ctx),
        filing_date=filed,
        docdb_family_id=child_text(item, "docdbFamilyID"),
        source_format=SOURCE_FAMILY,
        locator=ctx.locator,
    )


def _family_application_id(item: etree._Element, filed: date | None, ctx: Context) -> str | None:
    country = child_text(item, "applicationCountryCode")
    number = child_text(item, "applicationNumber")
    if not country or not number:
        return None
    kind = child_text(item, "applicationKindCode")
    try:
        return application_id(country, number, kind, filed, fmt="docdb")
    except NumberError as exc:
        ctx.number_issue("application", "application number", exc, f"{country} {number} {kind or ''}")
        return None


def _citation_service_reject(item: etree._Element, ctx: Context) -> Reject:
    """A ``citationInfoV3`` item: the citing side is an application, so no Document can hold it."""
    citing = _kr_application_text(child_text(item, "ApplicationNumber"))
    cited = _citation_service_cited_id(item)
    return ctx.reject(
        f"citation of {cited} by application {citing}: the citation service names the citing "
        "application only, not a publication, so the citation cannot be attached to a document "
        "(the bibliographic-detail response lists the same prior art with its publication)",
        severity="skipped",
    )


def _citation_service_cited_id(item: etree._Element) -> str:
    """The cited document of a ``citationInfoV3`` item, from its standardized number if given."""
    country = child_text(item, "StandardCitationLiteratureCountryCode")
    number = child_text(item, "StandardCitationLiteraturenumber")
    kind = child_text(item, "StandardCitationIdentificationCode")
    if country and number:
        try:
            return publication_id(country, number, kind, fmt="kipris")
        except NumberError:
            pass
    return cited_document_id(child_text(item, "OriginalcitationLiteraturenumber") or "(no number)")


def _citing_reject(item: etree._Element, ctx: Context) -> Reject:
    """A ``citingInfo`` item: both sides are application numbers, so nothing can be represented."""
    citing = _kr_application_text(child_text(item, "ApplicationNumber"))
    cited = _kr_application_text(child_text(item, "StandardCitationApplicationNumber"))
    return ctx.reject(
        f"citing info: application {citing} cites application {cited}; the response gives "
        "application numbers only, no publication of either, so neither a document nor a "
        "citation can be built",
        severity="skipped",
    )


def _kr_application_text(number: str | None) -> str:
    """A KR application number for a reason text: its DOCDB id if it normalizes, else as written."""
    if not number:
        return "(no number)"
    try:
        return application_id("KR", number, None, None, fmt="kipris")
    except NumberError:
        return number


# --- XML helpers -------------------------------------------------------------------------------


def child_text(elem: etree._Element, tag: str) -> str | None:
    """Stripped text of the child ``tag``; None when absent or blank (KIPRIS writes blanks as " ")."""
    child = elem.find(tag)
    if child is None:
        return None
    text = "".join(child.itertext()).strip()
    return text or None


def _clean(text: str | None) -> str | None:
    """Text with runs of whitespace collapsed (KIPRIS pads titles and abstracts unevenly)."""
    if text is None:
        return None
    return " ".join(text.split()) or None


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _record_excerpt(elem: etree._Element) -> str:
    """The record's XML without its bulky parts (abstract, images, claims), cut to EXCERPT_CHARS."""
    slim = copy.deepcopy(elem)
    for child in list(slim):
        if child.tag in _BULKY:
            slim.remove(child)
    return serialize(slim)[:EXCERPT_CHARS]


def serialize(elem: etree._Element) -> str:
    return etree.tostring(elem, encoding="unicode", with_tail=False)
