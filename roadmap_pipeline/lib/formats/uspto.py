"""USPTO ICE XML v4.0–v4.7 bulk files (``us-patent-grant``, ``us-patent-application``).

A weekly file (``ipg``/``ipa``/``ipgb``…) is many XML documents written one after the other, each
with its own ``<?xml …?>`` declaration and ``<!DOCTYPE … [ ]>``, so the file as a whole is not one
well-formed XML document. It is split on the ``<?xml `` declarations, read in fixed-size chunks
(never the whole file in memory), and each document is parsed on its own with lxml: no DTD loading,
no network, no entity resolution; only its front page (bibliographic data and abstract) is parsed,
not the description and claims (see `_front_part`). A broken document becomes a `Reject` and the
next one is read.
Documents that are not patents (``sequence-cwu`` sequence listings) are skipped unparsed and reported
as `Reject` records of severity ``skipped``, so that nothing vanishes silently.

Priorities mirror what DOCDB lists for a US document (checked against the OPS records of family
50474376 in the shared samples): foreign (Paris) priority claims and US provisionals, the PCT
application of a national-phase (371) entry, the parents of continuations, continuations-in-part,
divisions and reissues, and the document's own US application. `Priority.active` and
`Priority.linkage_type` say which of them define the simple family (see `_priorities`).
"""

from __future__ import annotations

import functools
import html.entities
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

from lxml import etree

from roadmap_pipeline.lib.formats.classification import leading_symbol, symbol_of_parts
from roadmap_pipeline.lib.formats.dates import compact_date
from roadmap_pipeline.lib.numbers import NumberError, application_id, publication_id, split_doc_id
from roadmap_pipeline.lib.records import Citation, Classification, Document, Party, Priority, Reject

CHUNK_BYTES = 1 << 20
MAX_DOC_BYTES = 256 << 20  # larger documents are rejected unparsed, to keep memory bounded
EXCERPT_CHARS = 300
NUMBER_FORMAT = "uspto"  # the notation numbers are written in, for `numbers`

_PATENT_ROOTS = {"us-patent-grant": "grant", "us-patent-application": "application"}
_LEGACY_ROOTS = {
    "PATDOC": "USPTO ST.32 SGML/XML grant (PATDOC v2.x, 2001-2004)",
    "patent-application-publication": "USPTO pre-grant publication XML (PAP v1.x, 2001-2004)",
}
NOT_A_PATENT = "not a patent document"

_SEPARATOR = b"<?xml "  # an XML declaration can only start a document
_SNIFF_BYTES = 4096
_TAIL_BYTES = 256
_BLANK = b" \t\r\n\xef\xbb\xbf"  # whitespace and the UTF-8 byte-order mark


# --------------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------------


def parse(
    stream: BinaryIO,
    source_file: str,
    *,
    chunk_bytes: int = CHUNK_BYTES,
    max_doc_bytes: int = MAX_DOC_BYTES,
) -> Iterator[Document | Reject]:
    """Stream the documents of one USPTO bulk file.

    Args:
        stream: binary file object positioned at the start of one file (or zip member).
        source_file: the file's name, used in rejects.
        chunk_bytes: how much is read from `stream` at a time.
        max_doc_bytes: documents larger than this are rejected without being parsed.

    Yields:
        One `Document` per patent document, in file order; a `Reject` for each document that
        cannot be read (severity ``error``) or is not a patent document (severity ``skipped``).
    """
    parser = _xml_parser()
    for raw in split_documents(stream, chunk_bytes=chunk_bytes, max_doc_bytes=max_doc_bytes):
        yield _read_document(raw, source_file, parser)


# --------------------------------------------------------------------------------------------------
# Splitting a bulk file into documents
# --------------------------------------------------------------------------------------------------


@dataclass
class RawDocument:
    """The bytes of one document of a bulk file, or why they were not kept.

    Attributes:
        index: 1-based position of the document in the file.
        line: the file line on which the document starts.
        head: the first bytes of the document (for excerpts).
        data: the whole document, or None when it was skipped unread (see `skip_reason`).
        root: the root element name, when it could be told from the head.
        size: length in bytes.
        skip_reason: why `data` was not kept (not a patent, unsupported, too large, cut short).
        skip_severity: ``skipped`` for non-patent documents, ``error`` otherwise.
        offset: the file byte on which the document starts.
    """

    index: int
    line: int
    head: bytes
    data: bytes | None
    root: str | None
    size: int
    skip_reason: str | None = None
    skip_severity: str = "error"
    offset: int = 0

    @property
    def locator(self) -> str:
        return f"doc {self.index} (line {self.line})"

    def excerpt(self) -> str:
        return self.head[: EXCERPT_CHARS * 2].decode("utf-8", "replace")[:EXCERPT_CHARS]


def split_documents(
    stream: BinaryIO, *, chunk_bytes: int = CHUNK_BYTES, max_doc_bytes: int = MAX_DOC_BYTES
) -> Iterator[RawDocument]:
    """Cut a stream of concatenated XML documents at each ``<?xml `` declaration.

    Reads `chunk_bytes` at a time, keeping only the current document (and a few carried-over bytes)
    in memory. Non-patent documents recognised from their first bytes are not kept at all. A
    document that does not end with its root's end tag (the file ends inside it, or the next
    document starts inside it) is not kept either: its `skip_reason` says where it was cut.

    Args:
        stream: binary file object.
        chunk_bytes: read size.
        max_doc_bytes: a document growing past this is dropped and reported.

    Yields:
        The documents in file order.
    """
    builder = _DocumentBuilder(max_doc_bytes)
    keep = len(_SEPARATOR) - 1  # bytes that may be the start of a separator cut by the chunk end
    carry = b""
    while chunk := stream.read(chunk_bytes):
        data = carry + chunk if carry else chunk
        pos = 0  # first byte not yet handed to the builder
        search = 0
        while (found := data.find(_SEPARATOR, search)) >= 0:
            builder.add(data[pos:found])
            if (raw := builder.close()) is not None:
                yield raw
            pos, search = found, found + 1
        cut = max(pos, len(data) - keep)
        builder.add(data[pos:cut])
        carry = data[cut:]
    builder.add(carry)
    if (raw := builder.close(at_end=True)) is not None:
        yield raw


class _DocumentBuilder:
    """Collects the pieces of the current document and counts lines across documents."""

    def __init__(self, max_doc_bytes: int):
        self._max = max_doc_bytes
        self._index = 0
        self._line = 1
        self._offset = 0
        self._reset()

    def _reset(self) -> None:
        self._parts: list[bytes] = []
        self._size = 0
        self._tail = b""  # the last bytes, where the root's end tag must be
        self._newlines = 0  # counted only for discarded documents
        self._head = b""
        self._root: str | None = None
        self._sniffed = False
        self._skip: tuple[str, str] | None = None

    def add(self, piece: bytes) -> None:
        """Append a piece of the current document."""
        if not piece:
            return
        self._size += len(piece)
        self._tail = (self._tail + piece)[-_TAIL_BYTES:]
        if self._skip is not None:
            self._newlines += piece.count(b"\n")
            return
        self._parts.append(piece)
        if not self._sniffed and self._size >= _SNIFF_BYTES:
            self._sniff(b"".join(self._parts)[:_SNIFF_BYTES])
        if self._skip is None and self._size > self._max:
            self._discard(f"document too large: over {self._max} bytes, not parsed", "error")

    def close(self, at_end: bool = False) -> RawDocument | None:
        """End the current document; None when it held nothing but whitespace.

        Args:
            at_end: the stream ended after this document (it is the file's last).
        """
        data = b"".join(self._parts) if self._skip is None else None
        if data is not None and not data.strip(_BLANK):  # nothing, or a byte-order mark before doc 1
            self._line += data.count(b"\n")
            self._offset += self._size
            self._reset()
            return None
        if not self._sniffed and data is not None:
            self._sniff(data[:_SNIFF_BYTES])
        self._index += 1
        raw = RawDocument(self._index, self._line, self._head, data, self._root, self._size, offset=self._offset)
        if self._skip is None or self._skip[1] == "skipped":
            cut = self._cut_reason(at_end)
            if cut is not None:
                self._skip = (cut, "error")
        if self._skip is not None:
            raw.data = None
            raw.skip_reason, raw.skip_severity = self._skip
        self._line += data.count(b"\n") if data is not None else self._newlines
        self._offset += self._size
        self._reset()
        return raw

    def _cut_reason(self, at_end: bool) -> str | None:
        """Why the document is cut short (its root's end tag is not its last markup), or None."""
        if self._root is None:  # the root is not known: the XML parser will say what is wrong
            return None
        end_tag = b"</" + self._root.encode("ascii", "replace") + b">"
        found = self._tail.rfind(end_tag)
        if found >= 0 and not _PROLOG_NOISE.sub(b"", self._tail[found + len(end_tag) :]).strip(_BLANK):
            return None
        end = self._offset + self._size
        if at_end:
            return (
                f"file ends inside this document, at byte {end} (truncated): no {end_tag.decode()} "
                "end tag; the documents before it were kept"
            )
        return f"document cut short: the next document starts at byte {end}, before its {end_tag.decode()} end tag"

    def _sniff(self, head: bytes) -> None:
        self._sniffed = True
        self._head = head
        self._root = sniff_root(head)
        if self._root is not None and self._root not in _PATENT_ROOTS:
            self._discard(*_root_reason(self._root))

    def _discard(self, reason: str, severity: str) -> None:
        self._skip = (reason, severity)
        self._newlines = sum(part.count(b"\n") for part in self._parts)
        if not self._head:
            self._head = b"".join(self._parts)[:_SNIFF_BYTES]
        self._parts = []


_PROLOG_NOISE = re.compile(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^>\[]|\[.*?\])*>", re.S)
_FIRST_TAG = re.compile(rb"<([A-Za-z_][\w.:-]*)")


def sniff_root(head: bytes) -> str | None:
    """The root element name from a document's first bytes, or None when they do not show it.

    Declarations, processing instructions, comments and a complete DOCTYPE are skipped; an
    unfinished DOCTYPE (a long internal subset) gives None rather than a guess.
    """
    body = _PROLOG_NOISE.sub(b"", head)
    if b"<!DOCTYPE" in body or b"<!--" in body:
        return None
    match = _FIRST_TAG.search(body)
    return match.group(1).decode("ascii", "replace") if match else None


def _root_reason(root: str) -> tuple[str, str]:
    """Reject reason and severity for a document whose root is not a patent we read."""
    if root in _LEGACY_ROOTS:
        return f"unsupported format: {_LEGACY_ROOTS[root]}", "error"
    return f"{NOT_A_PATENT}: {root}", "skipped"


# --------------------------------------------------------------------------------------------------
# Parsing one document
# --------------------------------------------------------------------------------------------------


def _xml_parser() -> etree.XMLParser:
    """A parser that never fetches a DTD or resolves an entity (bulk files name DTDs not shipped)."""
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        dtd_validation=False,
        huge_tree=True,
        remove_comments=True,
    )


def _read_document(raw: RawDocument, source_file: str, parser: etree.XMLParser) -> Document | Reject:
    """Turn one raw document into a `Document`, or a `Reject` saying why not."""

    def reject(reason: str, severity: str = "error") -> Reject:
        return Reject(
            source_file=source_file,
            locator=raw.locator,
            reason=reason,
            excerpt=raw.excerpt(),
            severity=severity,
        )

    if raw.data is None:
        return reject(raw.skip_reason or "document not kept", raw.skip_severity)
    try:
        root = _parse_xml(_front_part(raw.data, raw.root), parser)
    except etree.XMLSyntaxError as exc:
        return reject(_syntax_reason(exc, raw.line))
    tag = root.tag if isinstance(root.tag, str) else ""
    if tag not in _PATENT_ROOTS:
        return reject(*_root_reason(tag))
    try:
        return _document(root, raw)
    except _BadDocument as exc:
        return reject(str(exc))
    except Exception as exc:  # noqa: BLE001 - one odd document must not end the file
        return reject(f"unexpected {type(exc).__name__} while reading the document: {exc}")


_BODY_TAGS = (b"<drawings", b"<description")


def _front_part(data: bytes, root: str | None) -> bytes:
    """The document up to its drawings/description, closed with the root end tag.

    Only the bibliographic data and the abstract are read, and in full-text files the description
    and claims are most of the bytes: leaving them unparsed is the largest single saving of this
    parser. The cost is that damage confined to the drawings, description or claims goes unnoticed,
    which loses nothing the pipeline keeps. The DTD fixes the order (bibliographic data, abstract,
    drawings, description, claims), so the cut is made only after the bibliographic data ends.
    """
    if root not in _PATENT_ROOTS:
        return data
    biblio_end = data.find(b"</us-bibliographic-data-")
    if biblio_end < 0:
        return data
    cuts = [found for tag in _BODY_TAGS if (found := data.find(tag, biblio_end)) >= 0]
    if not cuts:
        return data
    return data[: min(cuts)] + b"</" + root.encode("ascii") + b">\n"


_HTML_ENTITY = re.compile(rb"&([A-Za-z][A-Za-z0-9]*);")
_XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}


def _parse_xml(data: bytes, parser: etree.XMLParser) -> etree._Element:
    """Parse one document; HTML named entities undeclared in it are retried as character references.

    Raises:
        etree.XMLSyntaxError: when the document is not well-formed XML.
    """
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        if exc.code != etree.ErrorTypes.ERR_UNDECLARED_ENTITY:
            raise
        fixed = _HTML_ENTITY.sub(_numeric_entity, data)
        if fixed == data:
            raise
        return etree.fromstring(fixed, parser)


def _numeric_entity(match: re.Match) -> bytes:
    name = match.group(1).decode("ascii")
    code = html.entities.name2codepoint.get(name)
    if code is None or name in _XML_ENTITIES:
        return match.group(0)
    return b"&#%d;" % code


_LXML_WHERE = re.compile(r"\s*\(<string>, line \d+\)$")


def _syntax_reason(exc: etree.XMLSyntaxError, first_line: int) -> str:
    """Reject reason for a parse error, with the line counted in the whole file."""
    message = _LXML_WHERE.sub("", str(exc))
    where = f" (file line {first_line + exc.lineno - 1})" if exc.lineno else ""
    if exc.code in (etree.ErrorTypes.ERR_INVALID_ENCODING, etree.ErrorTypes.ERR_UNSUPPORTED_ENCODING):
        return f"undecodable bytes: {message}{where}"
    return f"malformed XML: {message}{where}"


class _BadDocument(Exception):
    """A well-formed document that lacks what a `Document` needs."""


# --------------------------------------------------------------------------------------------------
# Fields
# --------------------------------------------------------------------------------------------------


def _document(root: etree._Element, raw: RawDocument) -> Document:
    """Build the `Document` of a parsed ``us-patent-grant`` / ``us-patent-application``."""
    kind_of_doc = _PATENT_ROOTS[root.tag]
    biblio = root.find(f"us-bibliographic-data-{kind_of_doc}")
    if biblio is None:
        raise _BadDocument(f"missing us-bibliographic-data-{kind_of_doc}")
    doc_id, office, number, kind, published = _publication(biblio)
    application = _application(biblio)
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
        priorities=_priorities(biblio, application),
        classifications=_classifications(biblio),
        parties=_parties(biblio),
        citations=_citations(biblio),
    )


def _publication(biblio: etree._Element) -> tuple[str, str, str, str, date | None]:
    """doc_id, office, DOCDB number, kind and date from ``publication-reference``."""
    ref = biblio.find("publication-reference/document-id")
    number = _child_text(ref, "doc-number")
    if not number:
        raise _BadDocument("missing publication number")
    country = _child_text(ref, "country") or "US"
    kind = _child_text(ref, "kind")
    try:
        doc_id = publication_id(country, number, kind, NUMBER_FORMAT)
    except NumberError as exc:
        raise _BadDocument(f"invalid publication number {country} {number} {kind or ''}: {exc}") from exc
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


def _application(biblio: etree._Element) -> _Application:
    """The application reference; the id stays None where `numbers` cannot build it."""
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
    app_id = _application_id(_child_text(ref, "country") or "US", number, kind, filed)
    return _Application(app_id, filed, national_phase, _digits(number))


def _application_id(country: str, number: str, kind: str | None, filed: date | None) -> str | None:
    """DOCDB application id, or None when the number cannot be normalized."""
    number = number.strip()
    if number.upper().startswith("PCT"):
        country, kind = "WO", "W"
    elif country == "US" and kind in (None, "A"):
        kind = _us_series_kind(number)
    try:
        return application_id(country, number, kind, filed, NUMBER_FORMAT)
    except NumberError:
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


def _priorities(biblio: etree._Element, application: _Application) -> list[Priority]:
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
    claims = _paris_claims(biblio) + _pct_claims(biblio) + _parent_claims(biblio, application)
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


def _paris_claims(biblio: etree._Element) -> list[_Claim]:
    """Foreign priority claims and US provisional applications."""
    claims = []
    for claim in biblio.iterfind("priority-claims/priority-claim"):
        country = _child_text(claim, "country") or ""
        number = _child_text(claim, "doc-number")
        kind = "W" if claim.get("kind") == "international" else None
        _append_claim(claims, country, number, kind, compact_date(_child_text(claim, "date")), "paris")
    for ref in biblio.iterfind("us-related-documents/us-provisional-application/document-id"):
        filed = compact_date(_child_text(ref, "date"))
        _append_claim(claims, "US", _child_text(ref, "doc-number"), "P", filed, "paris")
    return claims


def _pct_claims(biblio: etree._Element) -> list[_Claim]:
    """The PCT application of a 371 national-phase entry."""
    claims: list[_Claim] = []
    ref = biblio.find("pct-or-regional-filing-data/document-id")
    if ref is not None:
        number = _child_text(ref, "doc-number")
        country = _child_text(ref, "country") or "WO"
        _append_claim(claims, country, number, "W", compact_date(_child_text(ref, "date")), "pct", "W")
    return claims


def _parent_claims(biblio: etree._Element, application: _Application) -> list[_Claim]:
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
        claim = _append_claim(claims, country, number, None, filed, "parent", linkage)
        if claim is not None and _digits(number) in children:
            claim.root = False
    return claims


def _append_claim(
    claims: list[_Claim],
    country: str,
    number: str | None,
    kind: str | None,
    filed: date | None,
    source: str,
    linkage: str | None = None,
) -> _Claim | None:
    """Append and return a claim when its number can be normalized (an unusable one is left out)."""
    if not number:
        return None
    priority_id = _application_id(country.strip().upper(), number, kind, filed)
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
