"""WIPO ST.36 / EPO exchange documents: DOCDB bulk files, DOCDB fragments and OPS responses.

One vocabulary (namespace ``http://www.epo.org/exchange``) reaches us in three shapes:

- DOCDB bulk files: root ``exch:exchange-documents`` holding thousands of ``exch:exchange-document``
  records, hundreds of MB to GBs, with ``<!DOCTYPE … "docdb-entities.dtd">`` and named entities
  (``&alpha;``) from that DTD. Front-file records carry ``status`` A/C/D (add, change, delete).
- Fragments: one or more bare ``exchange-document`` records without the root and without the
  ``xmlns:exch`` declaration (or written without any prefix).
- OPS responses: ``ops:world-patent-data`` with bibliographic records (``exchange-documents``) or a
  family listing (``ops:patent-family/ops:family-member``, with or without bibliographic data).
  A requested document OPS has no data for comes back as an ``exchange-document`` with a ``status``
  that is not a DOCDB exchange code (``status="not found"``: the requested number, ``<parties/>``,
  nothing else); it becomes a `Reject` of severity ``skipped`` (``OPS: document not found``), not a
  Document with every field empty.

Classes: CPC from ``patent-classifications``, IPC from ``classifications-ipcr`` and, for records
classified before 2006, from ``classification-ipc`` (IPC editions 1-7: ``main-classification`` and
``further-classification`` in DOCDB, ``text`` in OPS), deduplicated, IPCR first.

Parties: each role in its best data format (docdb, epodoc, docdba, original), in ``sequence``
order, names deduplicated (OPS's epodoc lists may hold one person twice, as ``KYLMAENEN JARI`` and
``KYLMÄNEN JARI``) and numbered 1..n per role, as the USPTO parser numbers them, so that ``seq`` is
comparable across sources (the source's ``sequence`` has gaps where variants were dropped).

DOCDB bulk files and fragments are cut into records on the bytes (``<exch:exchange-document`` …
``</exch:exchange-document>``), and the records are parsed inside a small synthetic root, a batch of
consecutive ones (up to 32 or 256 KB) at a time, and one by one when a batch does not parse. Memory
is bounded by one batch, a malformed record costs only itself (a streaming parser stops at the
first error, and with ``recover`` it garbles the records around it), and the bytes are scanned at
C speed. Named entities are replaced by character references taken from the DTD shipped in this
package before parsing: nothing is fetched, and fragments, which carry entities without a DOCTYPE,
are read the same way. OPS responses are small and nested (a family member may embed a biblio
record): they go through ``lxml.etree.iterparse``.

Elements are matched by local name: in DOCDB files the ``exch:`` elements are in the exchange
namespace and the ones inside them (``document-id``, ``country`` …) in none, while in OPS all are in
the exchange namespace, and fragments may come without any prefix.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date
from functools import lru_cache
from typing import BinaryIO

from lxml import etree

from roadmap_pipeline.lib import numbers
from roadmap_pipeline.lib.formats.classification import class_symbol, leading_symbol, symbol_of_parts
from roadmap_pipeline.lib.formats.dates import compact_date
from roadmap_pipeline.lib.formats.xmlparse import EndTracker
from roadmap_pipeline.lib.records import Citation, Classification, Document, Party, Priority, Reject

EXCH_NS = "http://www.epo.org/exchange"
DTD_NAME = "docdb-entities.dtd"

_BLOCK = 1 << 20  # bytes read at a time
_MAX_HEAD = 1 << 20  # how far to look for the first element
_MAX_RECORD = 64 << 20  # a "record" longer than this is a broken file, not a document
_EXCERPT = 300

_FORMAT_RANK = {"docdb": 0, None: 0, "epodoc": 1, "original": 2}  # None: untyped, decided by its fields
_PARTY_FORMAT_RANK = {"docdb": 0, "epodoc": 1, "docdba": 2, "original": 3, None: 4}
_FRONT_FILE_STATUS = frozenset("ACD")
# Every DOCDB exchange status (exchange-documents.xsd: C new, D deleted, A amended, CV new
# "withdrawn", DV "withdrawn" deleted). In an OPS response any other status (OPS writes
# "not found" for a requested number it has no data for) means the record carries no data.
_DOCDB_EXCHANGE_STATUS = frozenset(("A", "C", "D", "CV", "DV"))
_ACTIVE = {"Y": True, "YES": True, "N": False, "NO": False}
# Who cited, where a citation has no search-report category (DOCDB `cited-phase`).
_PHASE_CITED_BY = {"APP": "applicant", "SEA": "examiner", "ISR": "examiner", "SUP": "examiner", "EXA": "examiner"}
# Publication language of an office, for records that do not state it.
_OFFICE_LANGUAGE = {
    "CN": "zh", "TW": "zh", "KR": "ko", "JP": "ja", "DE": "de", "AT": "de", "FR": "fr", "RU": "ru",
    "SU": "ru", "ES": "es", "IT": "it", "PT": "pt", "NL": "nl", "SE": "sv", "DK": "da", "FI": "fi",
    "PL": "pl", "CZ": "cs", "GB": "en", "US": "en", "CA": "en", "AU": "en",
}
_OPS_PARTS = ("section", "class", "subclass", "main-group", "subgroup")
# The fields of a document-id by tag: in no namespace in DOCDB, in the exchange namespace in OPS.
_ID_TAGS = {tag: name for name in ("country", "doc-number", "kind", "date") for tag in (name, f"{{{EXCH_NS}}}{name}")}

_NAME_COUNTRY = re.compile(r"^(.*?)\s*\[([A-Z]{2})\]$")
_IPC7_LINES = frozenset(("main-classification", "further-classification", "text"))
_NAME_FOLDS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "ø": "oe", "å": "aa"})
_ENTITY = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos);)([A-Za-z_][\w.-]*);")
_XMLNS = re.compile(rb"""\sxmlns(?::[\w.-]+)?\s*=\s*(?:"[^"]*"|'[^']*')""")
_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([\w.-]+)["']""")
_DOC_ID = re.compile(rb"""\sdoc-id\s*=\s*["']([^"']*)["']""")
_COMMENT = re.compile(rb"<!--.*?-->", re.S)
_PROLOG_MARKUP = re.compile(rb"<\?.*?\?>|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>", re.S)
_FIRST_TAG = re.compile(rb"<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s/>]")
_UNFINISHED_MARKUP = re.compile(rb"<(?:!--|\?|!DOCTYPE)")
_SPACE = b" \t\r\n"


class _LocalNames(dict):
    """Tag -> local name (``{http://www.epo.org/exchange}parties`` -> ``parties``), filled as met."""

    def __missing__(self, tag: str) -> str:
        local = self[tag] = tag[tag.find("}") + 1 :]
        return local


_LOCAL = _LocalNames()


class _RecordError(Exception):
    """A record that parsed as XML but cannot become a Document (the message says why)."""


def parse(stream: BinaryIO, source_file: str) -> Iterator[Document | Reject]:
    """Stream the documents of one exchange-document file (DOCDB bulk, fragments or OPS response).

    Args:
        stream: binary file object positioned at the start of the file.
        source_file: the file's name, used in locators and rejects.

    Yields:
        A `Document` per exchange-document (or OPS family member); a `Reject` per record that cannot
        be read, for a truncated file (after the documents before the cut), and for a file that is
        not an exchange-document file.
    """
    head = _read_head(stream)
    root = _root_element(head)
    if root is None:
        yield Reject(source_file, "file", "no XML element found: not an exchange-document file", _excerpt(head))
        return
    prefix, local = root
    if local == b"world-patent-data":
        yield from _parse_ops(_Chain(head, stream), source_file)
    elif local in (b"exchange-documents", b"exchange-document"):
        yield from _parse_docdb(head, stream, source_file, prefix, has_root=local == b"exchange-documents")
    else:
        name = (prefix + local).decode("ascii", "replace")
        yield Reject(source_file, "file", f"root element <{name}> is not an exchange-document file", _excerpt(head))


# --------------------------------------------------------------------------- reading the bytes


def _read_head(stream: BinaryIO) -> bytes:
    """The first block of the file, extended until the first element's start tag is in it."""
    head = stream.read(_BLOCK)
    while head and len(head) < _MAX_HEAD and _root_element(head) is None:
        more = stream.read(_BLOCK)
        if not more:
            break
        head += more
    return head


def _root_element(head: bytes) -> tuple[bytes, bytes] | None:
    """(prefix with its colon, or b"", local name) of the first element in `head`; None if not in it."""
    text = _strip_prolog(head)
    match = _FIRST_TAG.search(text)
    unfinished = _UNFINISHED_MARKUP.search(text)  # a comment or DOCTYPE cut by the end of `head`
    if match is None or (unfinished is not None and unfinished.start() < match.start()):
        return None
    return match.group(1) or b"", match.group(2)


def _strip_prolog(data: bytes) -> bytes:
    """`data` without comments, processing instructions and DOCTYPE."""
    return _PROLOG_MARKUP.sub(b"", _COMMENT.sub(b"", data))


class _Chain:
    """A read-only binary stream: bytes already read, then the rest of a stream."""

    def __init__(self, head: bytes, rest: BinaryIO):
        self._head = head
        self._rest = rest

    def read(self, size: int = -1) -> bytes:
        """Read up to `size` bytes (all when negative), head first."""
        if not self._head:
            return self._rest.read(size)
        if size is None or size < 0:
            data, self._head = self._head + self._rest.read(), b""
        else:
            data, self._head = self._head[:size], self._head[size:]
        return data


def _excerpt(data: bytes, size: int = _EXCERPT) -> str:
    return data[:size].decode("utf-8", "replace")


# --------------------------------------------------------------------------- DOCDB bulk and fragments


class _Splitter:
    """Cuts a byte stream into exchange-document records and the bytes around them.

    Iterating yields ``(kind, offset, data)``: ``prolog`` (the bytes before the first record),
    ``record`` (one complete element), ``gap`` (bytes between two records), ``epilog`` (bytes after
    the last record), and the broken cases ``unclosed`` (another record or the root's end tag comes
    before this record's end tag), ``truncated`` (the file ends inside the record) and ``oversized``.
    """

    def __init__(self, head: bytes, stream: BinaryIO, prefix: bytes):
        self._buf = head
        self._base = 0  # file offset of self._buf[0]
        self._stream = stream
        self._eof = not head
        self._open = b"<" + prefix + b"exchange-document"
        self._close = b"</" + prefix + b"exchange-document"

    def __iter__(self) -> Iterator[tuple[str, int, bytes]]:
        gap_kind, pos = "prolog", 0
        self._next_start = -1
        while True:
            start = self._next_start if self._next_start >= pos else self._find_start(pos)
            while start < 0 and not self._eof:
                pos = self._refill(pos)
                start = self._find_start(pos)
                if start < 0 and len(self._buf) - pos > _MAX_RECORD:  # no record for 64 MiB: give up
                    yield "oversized", self._base + pos, self._buf[pos:]
                    return
            if start < 0:
                yield ("epilog" if gap_kind == "gap" else "prolog"), self._base + pos, self._buf[pos:]
                return
            yield gap_kind, self._base + pos, self._buf[pos:start]
            gap_kind = "gap"
            kind, end = self._record_end(start)
            while kind == "more":
                start = self._refill(start)
                kind, end = self._record_end(start)
            yield kind, self._base + start, self._buf[start:end]
            if kind == "truncated":
                return
            pos = end

    def _refill(self, pos: int) -> int:
        """Drop the bytes before `pos`, append a block read from the stream; `pos` in the new buffer."""
        block = self._stream.read(_BLOCK)
        self._eof = not block
        self._buf = self._buf[pos:] + block
        self._base += pos
        return 0

    def _find_start(self, pos: int) -> int:
        """Index of the next record start tag at or after `pos`, or -1."""
        buf, tag = self._buf, self._open
        index = buf.find(tag, pos)
        while index >= 0:
            following = buf[index + len(tag) : index + len(tag) + 1]
            if following in (b">", b"/") or (following and following in _SPACE):
                return index
            if not following:  # the buffer ends inside the tag name: undecided yet
                return -1
            index = buf.find(tag, index + 1)  # <exch:exchange-documents>, the root
        return -1

    def _record_end(self, start: int) -> tuple[str, int]:
        """(kind, end index) of the record starting at `start`; kind "more" when data is missing."""
        buf = self._buf
        self._next_start = -1  # where the record after this one starts, when found on the way
        tag_end = buf.find(b">", start)
        if tag_end >= 0 and buf[tag_end - 1 : tag_end] == b"/":
            return "record", tag_end + 1
        search = tag_end if tag_end >= 0 else start + 1
        close = self._find_close(search)
        next_start = self._next_start = self._find_start(search)
        if close is not None and (next_start < 0 or close[0] < next_start):
            index, end = close
            return ("record", end) if end >= 0 else ("unclosed", index)
        if next_start >= 0:
            return "unclosed", next_start
        if self._eof:
            return "truncated", len(buf)
        if len(buf) - start > _MAX_RECORD:
            return "oversized", len(buf)
        return "more", -1

    def _find_close(self, pos: int) -> tuple[int, int] | None:
        """(index, end) of the first record end tag after `pos`, end -1 when it is the root's.

        None when no end tag is complete in the buffer yet.
        """
        buf, tag = self._buf, self._close
        index = buf.find(tag, pos)
        if index < 0:
            return None
        after = index + len(tag)
        following = buf[after : after + 1]
        if following == b">":
            return index, after + 1
        if following == b"s":  # </exch:exchange-documents>: the root ends inside this record
            return index, -1
        gt = buf.find(b">", after)
        if gt < 0:
            return None
        return (index, gt + 1) if not buf[after:gt].strip() else (index, -1)


class _RecordParser:
    """Parses one DOCDB record's bytes inside a synthetic root that declares the file's namespaces."""

    def __init__(self, prolog: bytes, prefix: bytes, has_root: bool):
        encoding = _ENCODING.match(prolog)
        self._parser = etree.XMLParser(
            encoding=encoding.group(1).decode("ascii") if encoding else "utf-8",
            remove_comments=True,
            remove_pis=True,
            resolve_entities=False,
            no_network=True,
            collect_ids=False,
            huge_tree=True,
        )
        declarations = b"".join(_XMLNS.findall(_root_start_tag(prolog))) if has_root else b""
        if not declarations:  # a fragment: declare the prefix it uses (none: the default namespace)
            name = b"xmlns:" + prefix[:-1] if prefix else b"xmlns"
            declarations = b" " + name + b'="' + EXCH_NS.encode() + b'"'
        self._open = b"<_" + declarations + b">"
        self._close = b"</_>"
        self._prefix = prefix[:-1].decode("ascii") if prefix else None

    def element(self, record: bytes) -> etree._Element:
        """The record's exchange-document element.

        Raises:
            etree.XMLSyntaxError: when the record is not well-formed (or not decodable).
        """
        return self._root([record])[0]

    def elements(self, records: list[bytes]) -> list[etree._Element] | None:
        """The elements of consecutive records parsed in one go; None when that fails.

        Parsing a batch spares lxml's per-call setup. It is taken only when it gives one
        exchange-document per record: the splitter cuts each record before the next one's start
        tag and at its first end tag, so the children then span exactly the records, as each
        record parsed alone would. Otherwise (a malformed record, a comment running into the
        next record) the caller parses the records one by one, so that a bad one loses only itself.
        """
        try:
            root = self._root(records)
        except etree.XMLSyntaxError:
            return None
        children = list(root)
        if len(children) != len(records) or any(
            _LOCAL[child.tag] != "exchange-document" or child.prefix != self._prefix for child in children
        ):
            return None
        return children

    def _root(self, records: list[bytes]) -> etree._Element:
        parts = [self._open]
        for record in records:
            parts.append(_resolve_entities(record) if b"&" in record else record)
        parts.append(self._close)
        return etree.fromstring(b"".join(parts), self._parser)


def _root_start_tag(prolog: bytes) -> bytes:
    """The root element's start tag, from the bytes before the first record."""
    text = _strip_prolog(prolog)
    start = text.find(b"<")
    end = text.find(b">", start)
    return text[start : end + 1] if 0 <= start < end else b""


def _parse_docdb(
    head: bytes, stream: BinaryIO, source_file: str, prefix: bytes, has_root: bool
) -> Iterator[Document | Reject]:
    """Documents and rejects of a DOCDB bulk file or of a file of fragments."""
    parser = _RecordParser(b"", prefix, has_root=False)
    count = 0
    batch = _Batch()
    for kind, offset, data in _Splitter(head, stream, prefix):
        if kind == "record":
            count += 1
            if batch.add(data, count, offset):
                yield from batch.flush(parser, source_file)
            continue
        if kind == "prolog":
            parser = _RecordParser(data, prefix, has_root)
        if kind in ("prolog", "gap", "epilog"):
            reject = _check_between(data, kind, prefix, has_root, source_file, count, offset)
        else:
            count += 1
            reject = _broken_record(kind, data, source_file, count, offset)
        if reject is not None:
            if batch.records:  # the records before it come first
                yield from batch.flush(parser, source_file)
            yield reject
    yield from batch.flush(parser, source_file)
    if count == 0:
        yield Reject(source_file, "file", "no exchange-document record found", _excerpt(head))


class _Batch:
    """Consecutive records parsed together (see `_RecordParser.elements`): up to 32 or 256 KB."""

    RECORDS = 32
    BYTES = 256 << 10

    def __init__(self):
        self.records: list[tuple[bytes, int, int]] = []  # (data, count, offset)
        self._size = 0

    def add(self, data: bytes, count: int, offset: int) -> bool:
        """Add a record; True when the batch is full."""
        self.records.append((data, count, offset))
        self._size += len(data)
        return len(self.records) >= self.RECORDS or self._size >= self.BYTES

    def flush(self, parser: _RecordParser, source_file: str) -> Iterator[Document | Reject]:
        """The Documents and Rejects of the records held, in order; empties the batch."""
        records, self.records, self._size = self.records, [], 0
        if not records:
            return
        elements = parser.elements([data for data, _, _ in records]) if len(records) > 1 else None
        if elements is None:
            for data, count, offset in records:
                yield _docdb_record(parser, data, source_file, count, offset)
        else:
            for element, (data, count, offset) in zip(elements, records):
                yield _docdb_document(element, data, source_file, count, offset)


def _docdb_record(parser: _RecordParser, data: bytes, source_file: str, count: int, offset: int) -> Document | Reject:
    """The Document of one record's bytes, or its Reject."""
    try:
        element = parser.element(data)
    except etree.XMLSyntaxError as exc:
        return Reject(source_file, _reject_locator(f"doc {count}", data, offset), _xml_reason(exc), _excerpt(data))
    return _docdb_document(element, data, source_file, count, offset)


def _docdb_document(
    element: etree._Element, data: bytes, source_file: str, count: int, offset: int
) -> Document | Reject:
    """The Document of one parsed record, or its Reject."""
    locator = f"doc {count}"
    try:
        return _document(element, "docdb", locator)
    except _RecordError as exc:
        return Reject(source_file, _reject_locator(locator, data, offset), str(exc), _excerpt(data))


_BROKEN = {
    "unclosed": "record has no end tag before the next record (corrupt or cut)",
    "truncated": "file ends inside this record (truncated file); the records before it were kept",
    "oversized": f"record longer than {_MAX_RECORD >> 20} MiB without an end tag (corrupt file)",
}


def _broken_record(kind: str, data: bytes, source_file: str, count: int, offset: int) -> Reject:
    return Reject(source_file, _reject_locator(f"doc {count}", data, offset), _BROKEN[kind], _excerpt(data))


def _check_between(
    data: bytes, kind: str, prefix: bytes, has_root: bool, source_file: str, count: int, offset: int
) -> Reject | None:
    """A Reject when the bytes around records hold more than the prolog, the root's tags and whitespace."""
    if kind == "gap" and (not data or data.isspace()):
        return None
    text = _strip_prolog(data)
    if kind == "prolog" and has_root:
        text = text.replace(_root_start_tag(data), b"", 1)
    closed = False
    if kind != "gap" and has_root:
        text, closed = re.subn(rb"</" + re.escape(prefix) + rb"exchange-documents\s*>", b"", text, count=1)
    if text.strip():
        where = f"after doc {count}" if count else "before doc 1"
        return Reject(
            source_file,
            f"{where} (byte {offset})",
            "unexpected content between records (a record with a damaged start tag?)",
            _excerpt(text.strip()),
        )
    if kind == "epilog" and has_root and not closed:
        return _truncated_after(source_file, count, offset, prefix)
    return None


def _truncated_after(source_file: str, count: int, offset: int, prefix: bytes) -> Reject:
    reason = f"file ends without </{prefix.decode()}exchange-documents>: truncated after doc {count}"
    return Reject(source_file, f"after doc {count} (byte {offset})", reason, "")


def _reject_locator(locator: str, data: bytes, offset: int) -> str:
    """``doc 3 (doc-id 385476983, byte 1234)``: the record's DOCDB doc-id where its start tag has one."""
    start_tag = data[: data.find(b">", 0, 4096) + 1 or 4096]
    doc_id = _DOC_ID.search(start_tag)
    where = f"doc-id {doc_id.group(1).decode('ascii', 'replace')}, " if doc_id else ""
    return f"{locator} ({where}byte {offset})"


def _xml_reason(exc: etree.XMLSyntaxError) -> str:
    message = str(exc)
    if "not proper UTF-8" in message or "encoding" in message.lower() or "Char 0x" in message:
        return f"undecodable bytes: {message}"
    return f"malformed XML: {message}"


@lru_cache(maxsize=1)
def _entity_map() -> dict[bytes, bytes]:
    """Named entity -> numeric character references, from the DTD shipped in this package."""
    from importlib import resources  # imported when first needed: most files have no named entities

    with resources.files(__package__).joinpath(DTD_NAME).open("rb") as handle:
        dtd = etree.DTD(handle)
    return {
        entity.name.encode(): "".join(f"&#x{ord(char):X};" for char in entity.content).encode()
        for entity in dtd.entities()
        if entity.content
    }


_PREDEFINED = (b"&amp;", b"&lt;", b"&gt;", b"&quot;", b"&apos;", b"&#")


def _resolve_entities(record: bytes) -> bytes:
    """`record` with its named entities (``&alpha;``) replaced by character references."""
    index = record.find(b"&")
    while index >= 0:  # most records only hold &amp; and the like: find that out at C speed
        if not record.startswith(_PREDEFINED, index):
            return _ENTITY.sub(_entity_reference, record)
        index = record.find(b"&", index + 1)
    return record


def _entity_reference(match: re.Match) -> bytes:
    return _entity_map().get(match.group(1), match.group(0))


# --------------------------------------------------------------------------- OPS responses


def _parse_ops(stream: _Chain, source_file: str) -> Iterator[Document | Reject]:
    """Documents of an OPS response: biblio records and family members (with or without biblio)."""
    count = 0
    tracker = EndTracker(stream)
    events = etree.iterparse(
        tracker,
        events=("end",),
        tag=("{*}exchange-document", "{*}family-member"),
        remove_comments=True,
        remove_pis=True,
        resolve_entities=False,
        no_network=True,
        huge_tree=True,
    )
    try:
        for _, element in events:
            parent = element.getparent()
            if _LOCAL[element.tag] == "exchange-document" and parent is not None and (
                _LOCAL[parent.tag] == "family-member"
            ):
                continue  # read with its family member
            count += 1
            yield _ops_record(element, source_file, count)
            _release(element)
    except etree.XMLSyntaxError as exc:
        reason = tracker.truncation(exc, f"the {count} documents before it") or (
            f"{_xml_reason(exc)}; the rest of the file is lost")
        yield Reject(source_file, f"after doc {count}", reason, "")
        return
    if count == 0:
        yield Reject(source_file, "file", "OPS response holds no exchange-document or family-member", "")


def _ops_record(element: etree._Element, source_file: str, count: int) -> Document | Reject:
    """The Document of an OPS exchange-document or family-member, or its Reject.

    An exchange-document with a non-data status (``not found``) is a skipped Reject; inside a
    family member, the member is read without it, from its own references.
    """
    locator = f"doc {count}"
    try:
        if _LOCAL[element.tag] == "exchange-document":
            if _ops_no_data(element):
                return _ops_no_data_reject(element, source_file, locator)
            return _document(element, "ops-biblio", locator)
        biblio = next(element.iterchildren("{*}exchange-document"), None)
        if biblio is None or _ops_no_data(biblio):
            return _document(element, "ops-family", locator)
        return _document(biblio, "ops-biblio", locator, member=element)
    except _RecordError as exc:
        return Reject(source_file, locator, str(exc), _excerpt(etree.tostring(element)))


def _ops_no_data(element: etree._Element) -> bool:
    """Whether an OPS exchange-document's status says it holds no data (``not found`` …)."""
    status = (element.get("status") or "").strip()
    return bool(status) and status.upper() not in _DOCDB_EXCHANGE_STATUS


def _ops_no_data_reject(element: etree._Element, source_file: str, locator: str) -> Reject:
    """``OPS: document not found (EP-2533477-A1 requested)``: readable, not a record, so skipped."""
    attrs = element.attrib
    requested = None
    if attrs.get("doc-number"):
        requested = _cached_publication_id(attrs.get("country", ""), attrs["doc-number"], attrs.get("kind"), "docdb")
        requested = requested or "-".join(attrs.get(key, "") for key in ("country", "doc-number", "kind"))
    status = " ".join(element.get("status", "").split())
    reason = f"OPS: document {status}" + (f" ({requested} requested)" if requested else "")
    return Reject(source_file, locator, reason, _excerpt(etree.tostring(element)), severity="skipped")


def _release(element: etree._Element) -> None:
    """Free a processed element and its already processed siblings (bounded memory)."""
    element.clear(keep_tail=True)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


# --------------------------------------------------------------------------- record -> Document
#
# Bulk files make this the hot path: children are walked with plain loops and tag comparisons
# (cheaper in lxml than `find` or a filtered `iterchildren` on short child lists), and the values
# that recur all through a file (numbers, dates, class symbols) are normalized once.


def _parts(element: etree._Element) -> dict[str, list[etree._Element]]:
    """Children of a record and of its bibliographic-data by tag; priority claims unwrapped."""
    parts: dict[str, list[etree._Element]] = {}
    local = _LOCAL
    for child in element:
        for part in child if local[child.tag] == "bibliographic-data" else (child,):
            tag = local[part.tag]
            if tag == "priority-claims":
                parts.setdefault("priority-claim", []).extend(part)
            elif tag in parts:
                parts[tag].append(part)
            else:
                parts[tag] = [part]
    return parts


def _document(
    element: etree._Element, source_format: str, locator: str, member: etree._Element | None = None
) -> Document:
    """Build the Document of an exchange-document (or of a bare OPS family member).

    Args:
        element: the exchange-document, or the family-member when it has no biblio.
        source_format: ``docdb``, ``ops-biblio`` or ``ops-family``.
        locator: where the record is in its file.
        member: the OPS family-member around `element`; its DOCDB-form application and priority
            claims (with active indicators and linkage types) replace the biblio's.

    Raises:
        _RecordError: when no publication number can be read.
    """
    parts = _parts(element)
    family_id = element.get("family-id")  # `element.get`: cheaper than a lookup through `.attrib`
    if member is not None:
        around = _parts(member)
        for key in ("application-reference", "priority-claim"):
            if key in around:
                parts[key] = around[key]
        family_id = family_id or member.get("family-id")
    doc_id, publication_date = _publication(parts, element)
    office, _, rest = doc_id.partition("-")
    number, _, kind = rest.rpartition("-")
    application_id, filing_date, _ = _resolve_references(parts.get("application-reference", []), _application_id)
    status = element.get("status")
    document = Document(
        doc_id=doc_id,
        office=office,
        publication_number=number,
        kind=kind,
        publication_date=publication_date,
        application_id=application_id,
        filing_date=filing_date,
        docdb_family_id=family_id or None,
        status=status if status in _FRONT_FILE_STATUS else None,
        source_format=source_format,
        locator=locator,
        priorities=_priorities(parts.get("priority-claim", ())),
        classifications=_classifications(parts),
        parties=_parties(parts.get("parties", ())),
        citations=_citations(parts.get("references-cited", ())),
    )
    _set_texts(document, parts)
    return document


# Document numbers: a reference (publication, application, priority, cited patent) holds the same
# number in up to three forms, tried in the order docdb, epodoc, original.


def _forms(references: list[etree._Element]) -> Iterator[tuple[str | None, etree._Element]]:
    """(data format, document-id) of the given references, best format first, read lazily.

    The format is the document-id's ``document-id-type`` (OPS: one reference, several ids) or its
    reference's ``data-format`` (DOCDB: one reference per form); None when neither says.
    """
    if len(references) > 1:
        references = sorted(references, key=_reference_rank)
    for reference in references:
        reference_format = reference.get("data-format")
        ids = [(child.get("document-id-type") or reference_format, child)
               for child in reference if _LOCAL[child.tag] == "document-id"]
        if len(ids) > 1:
            ids.sort(key=_form_rank)
        yield from ids


def _reference_rank(reference: etree._Element) -> int:
    return _FORMAT_RANK.get(reference.get("data-format"), 3)


def _form_rank(form: tuple[str | None, etree._Element]) -> int:
    return _FORMAT_RANK.get(form[0], 3)


def _fields(fmt: str | None, document_id: etree._Element, dated: bool = True) -> dict[str, str]:
    """Country, doc-number, kind and date of a document-id (those it has), and its format as ``@fmt``.

    Undated (a cited document's number): the children after the country, number and kind are not read.
    """
    fields = {}
    wanted = _ID_TAGS
    for child in document_id:
        tag = child.tag
        if tag in wanted:
            text = child.text
            if text:
                fields[wanted[tag]] = text.strip()
                if not dated and len(fields) == 3 and "date" not in fields:
                    break
    if fmt is None:  # an untyped id with a country and a kind is in DOCDB form
        fmt = "docdb" if "country" in fields and "kind" in fields else "original"
    fields["@fmt"] = fmt
    return fields


def _resolve_references(
    references: list[etree._Element], normalize, country: str = "", kind: str | None = None
) -> tuple[str | None, date | None, dict]:
    """``_resolve(_forms(references), …)``, with a shortcut for the usual DOCDB shape.

    In DOCDB the first reference is the docdb form, and its first child a dated document-id: as
    docdb ranks first and sorting is stable, that id is the first form `_forms` gives, and when it
    normalizes `_resolve` looks no further. Any other case takes the general path.
    """
    if references:
        first = references[0]
        if first.get("data-format") == "docdb" and len(first):
            document_id = first[0]
            if _LOCAL[document_id.tag] == "document-id" and document_id.get("document-id-type") in (None, "docdb"):
                fields = _fields("docdb", document_id)
                if "date" in fields and "doc-number" in fields:
                    when = compact_date(fields["date"])
                    normalized = normalize(fields, when, country, kind)
                    if normalized:
                        return normalized, when, fields
    return _resolve(_forms(references), normalize, country, kind)


def _resolve(forms, normalize, country: str = "", kind: str | None = None) -> tuple[str | None, date | None, dict]:
    """(id, date, fields of the best form) of a reference: the id of the first form that normalizes.

    The date is the first one any form gives (OPS puts a filing date on the epodoc form only); it
    is passed to `normalize`, as US application numbers need the filing year. Forms after the
    first one with a date are read only when the ones before do not normalize.
    """
    forms = iter(forms)
    read: list[dict[str, str]] = []
    when = None
    for fmt, document_id in forms:
        fields = _fields(fmt, document_id)
        read.append(fields)
        if "date" in fields:
            when = compact_date(fields["date"])
            break
    for fields in read:
        if "doc-number" in fields:
            normalized = normalize(fields, when, country, kind)
            if normalized:
                return normalized, when, read[0]
    for fmt, document_id in forms:  # the forms after the first dated one
        fields = _fields(fmt, document_id)
        if "doc-number" in fields:
            normalized = normalize(fields, when, country, kind)
            if normalized:
                return normalized, when, read[0]
    return None, when, read[0] if read else {}


def _publication_id(fields: dict[str, str], _when, country: str = "", kind: str | None = None) -> str | None:
    return _cached_publication_id(fields.get("country") or country, fields["doc-number"],
                                  fields.get("kind") or kind, fields["@fmt"])


def _application_id(
    fields: dict[str, str], when: date | None, country: str = "", kind: str | None = None
) -> str | None:
    return _cached_application_id(fields.get("country") or country, fields["doc-number"],
                                  fields.get("kind") or kind, when, fields["@fmt"])


# The same numbers recur all through a bulk file (cited documents, priorities shared by a family);
# a bounded cache spares normalizing them again.
@lru_cache(maxsize=1 << 16)
def _cached_publication_id(country: str, number: str, kind: str | None, fmt: str) -> str | None:
    try:
        return numbers.publication_id(country, number, kind, fmt)
    except ValueError:  # numbers.NumberError: the next form may do
        return None


@lru_cache(maxsize=1 << 16)
def _cached_application_id(country: str, number: str, kind: str | None, when: date | None, fmt: str) -> str | None:
    try:
        return numbers.application_id(country, number, kind, when, fmt)
    except ValueError:
        return None


def _publication(parts: dict, element: etree._Element) -> tuple[str, date | None]:
    """DOCDB publication id and publication date of a record.

    The record's own attributes (country, doc-number, kind, date-publ: DOCDB form) come first,
    then the publication-reference forms.

    Raises:
        _RecordError: when no form of the publication number gives an id.
    """
    country, kind, number = element.get("country", ""), element.get("kind"), element.get("doc-number")
    doc_id = _cached_publication_id(country, number, kind, "docdb") if number else None
    published = compact_date(element.get("date-publ"))
    if doc_id is None or published is None:
        references = parts.get("publication-reference", [])
        found, when, _ = _resolve_references(references, _publication_id, country, kind)
        doc_id, published = doc_id or found, published or when
        if doc_id is None:
            raise _RecordError(_no_publication_number(list(_forms(references)), element.attrib))
    return doc_id, published


def _no_publication_number(forms, attrs) -> str:
    written = [f"{fmt or 'docdb'} {_as_written(_fields(fmt, element))}" for fmt, element in forms]
    if attrs.get("doc-number"):
        written.insert(0, f"attributes {attrs.get('country', '')}-{attrs['doc-number']}-{attrs.get('kind', '')}")
    return "no publication number" + (f" that can be normalized ({'; '.join(written)})" if written else "")


def _as_written(fields: dict[str, str], application: bool = False) -> str:
    """A number no form of which normalizes, kept as the source writes it, in the id's shape.

    ``CC-NUMBER-KIND`` for a publication; ``CC-NUMBER`` for an application, with the kind when not A.
    """
    kind = fields.get("kind")
    if application and kind == "A":
        kind = None
    return "-".join(part for part in (fields.get("country"), fields.get("doc-number"), kind) if part)


def _priorities(claims: Iterable[etree._Element]) -> list[Priority]:
    """Priority claims, one per sequence number (DOCDB repeats a claim per data format), deduplicated."""
    groups: dict[str, list[etree._Element]] = {}
    for index, claim in enumerate(claims):
        groups.setdefault(claim.get("sequence") or f"#{index}", []).append(claim)
    priorities, seen = [], set()
    for group in groups.values():
        priority = _priority(group)
        if priority is not None and priority.priority_id not in seen:
            seen.add(priority.priority_id)
            priorities.append(priority)
    return priorities


def _priority(group: list[etree._Element]) -> Priority | None:
    """One priority from the claims that share a sequence number; its number as written if need be."""
    priority_id, claimed, best = _resolve_references(group, _application_id)
    priority_id = priority_id or _as_written(best, application=True)
    if not priority_id:
        return None
    active = linkage = None
    for claim in group:
        for child in claim:
            tag = _LOCAL[child.tag]
            if tag == "priority-active-indicator":
                active = _ACTIVE.get((child.text or "").strip().upper(), active)
            elif tag == "priority-linkage-type":
                linkage = (child.text or "").strip() or linkage
    return _priority_record(priority_id, claimed, active, linkage)


@lru_cache(maxsize=1 << 16)
def _priority_record(priority_id: str, claimed: date | None, active: bool | None, linkage: str | None) -> Priority:
    """Priorities are immutable and recur (each member of a family claims them): one instance each."""
    return Priority(priority_id=priority_id, priority_date=claimed, active=active, linkage_type=linkage)


def _classifications(parts: dict) -> list[Classification]:
    """CPC (patent-classifications of schemes CPC, CPCI, CPCNO) and IPC, deduplicated.

    IPC comes from classifications-ipcr, then from classification-ipc (editions 1-7), whose symbols
    not already given as IPCR are added after the IPCR ones.
    """
    # Keyed by (scheme, symbol): a tuple hashes in C, a frozen dataclass through Python code.
    found: dict[tuple[str, str], Classification] = {}
    for container in parts.get("patent-classifications", ()):
        for classification in container:
            cpc = _cpc(classification)
            if cpc is not None:
                found.setdefault(("CPC", cpc.symbol), cpc)
    for container in parts.get("classifications-ipcr", ()):
        for classification in container:
            text = _child_text(classification, "text")
            ipc = _ipcr_classification(text) if text else None
            if ipc is not None:
                found.setdefault(("IPC", ipc.symbol), ipc)
    for container in parts.get("classification-ipc", ()):
        for line in container:
            if _LOCAL[line.tag] in _IPC7_LINES and line.text:
                symbol = leading_symbol(line.text)
                if symbol:
                    found.setdefault(("IPC", symbol), _classification("IPC", symbol))
    return list(found.values())


@lru_cache(maxsize=1 << 16)
def _classification(scheme: str, symbol: str) -> Classification:
    """Classifications are immutable and recur in every record: one instance per symbol."""
    return Classification(scheme=scheme, symbol=symbol)


def _cpc(classification: etree._Element) -> Classification | None:
    """The CPC class of a patent-classification (DOCDB symbol or OPS parts); None for other schemes."""
    scheme = symbol = None
    values = {}
    local = _LOCAL
    for child in classification:
        tag = local[child.tag]
        if tag == "classification-scheme":
            scheme = child.get("scheme") or ""
        elif tag == "classification-symbol":
            symbol = child.text
            break  # DOCDB order: scheme, then symbol
        elif tag in _OPS_PARTS:
            values[tag] = (child.text or "").strip()
    if not scheme or scheme[:3].upper() != "CPC":
        return None
    if symbol:
        return _cpc_classification(symbol)
    symbol = symbol_of_parts(*(values.get(key) for key in _OPS_PARTS))
    return _classification("CPC", symbol) if symbol else None


@lru_cache(maxsize=1 << 16)
def _cpc_classification(symbol: str) -> Classification | None:
    """The CPC class of a symbol as DOCDB writes it (``F02M  41/125       ``); None when blank.

    A symbol that is not in CPC form is kept as written, without its spaces, rather than lost.
    """
    normalized = class_symbol(symbol) or "".join(symbol.split())
    return _classification("CPC", normalized) if normalized else None


@lru_cache(maxsize=1 << 16)
def _ipcr_classification(text: str) -> Classification | None:
    """The IPC class of an IPCR text (``F02M  41/12        20060101A I…``); None when it holds no symbol."""
    symbol = leading_symbol(text)
    return _classification("IPC", symbol) if symbol else None


def _child_text(element: etree._Element, tag: str) -> str | None:
    """Text of the first child with this tag."""
    for child in element:
        if _LOCAL[child.tag] == tag:
            return child.text
    return None


_ROLES = {"applicants": ("applicant", "{*}applicant"), "inventors": ("inventor", "{*}inventor")}


def _parties(containers: Iterable[etree._Element]) -> list[Party]:
    """Applicants then inventors, each role in the best data format present (docdb, epodoc, …, original)."""
    parties = []
    for container in containers:
        for group in container:
            role = _ROLES.get(_LOCAL[group.tag])
            if role is not None:
                parties += _role_parties(role[0], group.iterchildren(role[1]))
    return parties


def _role_parties(role: str, elements: Iterable[etree._Element]) -> list[Party]:
    """The parties of one role written in the most preferred data format, numbered 1..n.

    The source's ``sequence`` gives the order only: the other formats' variants are dropped, a
    name listed twice is kept once (first occurrence), and the rest are numbered from 1 without
    gaps, like the USPTO parser's parties.
    """
    best_rank, best = 99, []
    ranks = _PARTY_FORMAT_RANK
    for element in elements:
        rank = ranks.get(element.get("data-format"), 5)
        if rank < best_rank:
            best_rank, best = rank, [element]
        elif rank == best_rank:
            best.append(element)
    if len(best) > 1:
        best.sort(key=_sequence_number)  # a stable sort: equal (or no) sequences keep the file order
    parties: list[Party] = []
    seen: set[str] = set()
    for element in best:
        read = _party(element)
        if read is None:
            continue
        name, country = read
        if len(best) > 1:  # a name listed twice is kept once
            keys = _name_keys(name)
            if keys & seen:
                continue
            seen |= keys
        parties.append(_party_record(role, len(parties) + 1, name, country))
    return parties


@lru_cache(maxsize=1 << 16)
def _party_record(role: str, seq: int, name: str, country: str | None) -> Party:
    """Parties are immutable and recur (applicants, inventors of a family): one instance each."""
    return Party(role=role, seq=seq, name=name, country=country)


def _sequence_number(element: etree._Element) -> int:
    """Sort key: the ``sequence`` attribute (none or not a number: last)."""
    sequence = element.get("sequence")
    if sequence is None:
        return 1 << 30
    sequence = sequence.strip()
    return int(sequence) if sequence.isdigit() else 1 << 30


_NOT_WORD = re.compile(r"[\W_]+")
# What `_NOT_WORD` removes from an ASCII string: all but a-z, A-Z and 0-9.
_ASCII_NOT_WORD = bytes(byte for byte in range(128) if not chr(byte).isalnum())


@lru_cache(maxsize=1 << 16)
def _name_keys(name: str) -> frozenset[str]:
    """Comparison keys of a name: case, spaces and punctuation ignored, ``Ä`` read as ``AE`` and as ``A``.

    ``KYLMÄNEN JARI`` and ``KYLMAENEN JARI`` (an epodoc list of one record) share a key.
    """
    folded = name.casefold()
    if folded.isascii():  # the common case in bulk files: one key, no Unicode work (a C-speed delete)
        return frozenset((folded.encode("ascii").translate(None, _ASCII_NOT_WORD).decode("ascii") or folded,))
    expanded = folded.translate(_NAME_FOLDS)
    stripped = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
    return frozenset(_NOT_WORD.sub("", key) or key for key in (folded, expanded, stripped))


def _party(element: etree._Element) -> tuple[str, str | None] | None:
    """Name and country of one applicant or inventor: ``KANG PIL-SIK [KR]`` -> (``KANG PIL-SIK``, ``KR``).

    A residence country, where given, wins over the bracketed one. None when it has no name.
    """
    children = len(element)
    name = _party_name(element, children)
    if not name:
        return None
    country = None
    if name[-1] == "]":
        match = _NAME_COUNTRY.match(name)
        if match:
            name, country = match.group(1), match.group(2)
    if children > 1:
        for child in element:
            if _LOCAL[child.tag] == "residence":
                country = (_child_text(child, "country") or "").strip() or country
    return name, country


def _party_name(element: etree._Element, children: int) -> str | None:
    """The text of ``applicant-name/name`` (or ``inventor-name/name``), whitespace collapsed."""
    text = None
    holder = element[0] if children else None
    if holder is not None and len(holder):  # DOCDB and OPS: <applicant-name><name>…
        first = holder[0]
        if _LOCAL[first.tag] == "name":
            text = first.text
    if not (text and text.strip()):
        text = next((name.text for name in element.iter("{*}name") if name.text and name.text.strip()), None)
    return " ".join(text.split()) if text else None


def _citations(containers: Iterable[etree._Element]) -> list[Citation]:
    """Cited patent documents as DOCDB publication ids, with category or who cited; deduplicated."""
    found: dict[tuple[str, str | None], None] = {}
    local = _LOCAL
    for container in containers:
        for citation in container:
            patcits, categories = [], []
            for child in citation:
                tag = local[child.tag]
                if tag == "patcit":
                    patcits.append(child)
                elif tag == "category" and child.text and child.text.strip() not in categories:
                    categories.append(child.text.strip())
            if patcits:  # the search-report category (X, XY …), else who cited (examiner, applicant)
                category = "".join(categories) if categories else citation.get("cited-by") or _PHASE_CITED_BY.get(
                    (citation.get("cited-phase") or "").upper())
                for patcit in patcits:
                    cited_id = _cited_id(patcit)
                    if cited_id:
                        found[(cited_id, category)] = None
    return [_citation(cited_id, category) for cited_id, category in found]


@lru_cache(maxsize=1 << 16)
def _citation(cited_id: str, category: str | None) -> Citation:
    """Citations are immutable and recur (a family's documents cite the same ones): one instance each."""
    return Citation(cited_id=cited_id, category=category)


def _cited_id(patcit: etree._Element) -> str | None:
    """DOCDB publication id of a cited patent, else its number as written (``dnum``)."""
    only = patcit[0] if len(patcit) == 1 else None
    if only is not None and _LOCAL[only.tag] == "document-id":  # DOCDB: one id, untyped
        best = _fields(only.get("document-id-type"), only, dated=False)
        number = best.get("doc-number")
        cited_id = None
        if number:
            cited_id = _cached_publication_id(best.get("country", ""), number, best.get("kind") or None, best["@fmt"])
    else:
        cited_id, _, best = _resolve(_forms((patcit,)), _publication_id)
    return cited_id or patcit.get("dnum") or _as_written(best) or None


def _set_texts(document: Document, parts: dict) -> None:
    """Titles and abstracts: original-language text where present, else English; and the English ones."""
    titles = [(title.get("lang"), _text(title)) for title in parts.get("invention-title", ())]
    abstracts = [(abstract.get("lang"), _abstract_text(abstract)) for abstract in parts.get("abstract", ())]
    if not titles and not abstracts:
        return
    # With one title and one abstract at most, `_pick` takes them in any language.
    language = _publication_language(parts, document.office) if len(titles) > 1 or len(abstracts) > 1 else None
    document.title_lang, document.title = _pick(titles, language)
    document.abstract_lang, document.abstract = _pick(abstracts, language)
    document.title_en = _text_in(titles, "en")
    document.abstract_en = _text_in(abstracts, "en")


def _publication_language(parts: dict, office: str) -> str | None:
    """The language the record was published in, as it says, else the office's language."""
    for element in parts.get("language-of-publication", ()):
        if element.text and element.text.strip():
            return element.text.strip()
    for reference in parts.get("publication-reference", ()):
        for document_id in reference:
            if document_id.get("lang"):
                return document_id.get("lang")
    return _OFFICE_LANGUAGE.get(office)


def _pick(texts: list[tuple[str | None, str]], language: str | None) -> tuple[str | None, str | None]:
    """(lang, text) in the publication language, else English, else the first one with text.

    Besides an exact match, OPS marks original-language text ``lang="ol"``, and OPS and DOCDB
    (``data-format="original"``) give it without a ``lang``: those count as the original language
    when the record's language is known.
    """
    texts = [(lang, text) for lang, text in texts if text]
    wanted = (language, "ol", None, "en") if language else ("ol", "en")
    for want in wanted:
        for lang, text in texts:
            if lang == want:
                return lang, text
    return texts[0] if texts else (None, None)


def _text_in(texts: list[tuple[str | None, str]], language: str) -> str | None:
    return next((text for lang, text in texts if lang == language and text), None)


def _text(element: etree._Element) -> str:
    """The element's text, markup (sub, sup, b …) dropped and whitespace collapsed."""
    text = (element.text or "") if len(element) == 0 else "".join(element.itertext())
    return " ".join(text.split())


def _abstract_text(abstract: etree._Element) -> str:
    """All paragraphs of an abstract, one per line."""
    paragraphs = [text for text in (_text(p) for p in abstract.iter("{*}p")) if text]
    return "\n".join(paragraphs) if paragraphs else _text(abstract)
