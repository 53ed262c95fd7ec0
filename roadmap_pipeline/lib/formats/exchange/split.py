"""DOCDB bulk files and fragments cut into exchange-document records on the bytes, and parsed in batches.

See the package's description for why the records are cut on the bytes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import BinaryIO

from lxml import etree

from roadmap_pipeline.lib.formats.exchange.fields import EXCH_NS, LOCAL, RecordError, build_document
from roadmap_pipeline.lib.formats.number_issues import Issue
from roadmap_pipeline.lib.formats.xmlparse import xml_parser
from roadmap_pipeline.lib.records import Document, Reject

DTD_NAME = "docdb-entities.dtd"
_BLOCK = 1 << 20  # bytes read at a time
_MAX_HEAD = 1 << 20  # how far to look for the first element
_MAX_RECORD = 64 << 20  # a "record" longer than this is a broken file, not a document
_EXCERPT = 300
_ENTITY = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos);)([A-Za-z_][\w.-]*);")
_XMLNS = re.compile(rb"""\sxmlns(?::[\w.-]+)?\s*=\s*(?:"[^"]*"|'[^']*')""")
_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([\w.-]+)["']""")
_DOC_ID = re.compile(rb"""\sdoc-id\s*=\s*["']([^"']*)["']""")
_COMMENT = re.compile(rb"<!--.*?-->", re.S)
_PROLOG_MARKUP = re.compile(rb"<\?.*?\?>|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>", re.S)
_FIRST_TAG = re.compile(rb"<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s/>]")
_UNFINISHED_MARKUP = re.compile(rb"<(?:!--|\?|!DOCTYPE)")
_SPACE = b" \t\r\n"


# --------------------------------------------------------------------------- reading the bytes


def read_head(stream: BinaryIO) -> bytes:
    """The first block of the file, extended until the first element's start tag is in it."""
    head = stream.read(_BLOCK)
    while head and len(head) < _MAX_HEAD and root_element(head) is None:
        more = stream.read(_BLOCK)
        if not more:
            break
        head += more
    return head


def root_element(head: bytes) -> tuple[bytes, bytes] | None:
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


def excerpt(data: bytes, size: int = _EXCERPT) -> str:
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
        self._parser = xml_parser(
            encoding=encoding.group(1).decode("ascii") if encoding else "utf-8",
            remove_comments=True,
            remove_pis=True,
            collect_ids=False,
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
            LOCAL[child.tag] != "exchange-document" or child.prefix != self._prefix for child in children
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


def parse_docdb(
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
        yield Reject(source_file, "file", "no exchange-document record found", excerpt(head))


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
                yield from _docdb_record(parser, data, source_file, count, offset)
        else:
            for element, (data, count, offset) in zip(elements, records):
                yield from _docdb_document(element, data, source_file, count, offset)


def _docdb_record(
    parser: _RecordParser, data: bytes, source_file: str, count: int, offset: int
) -> Iterator[Document | Reject]:
    """The Document of one record's bytes (and its issues), or its Reject."""
    try:
        element = parser.element(data)
    except etree.XMLSyntaxError as exc:
        yield Reject(source_file, _reject_locator(f"doc {count}", data, offset), xml_reason(exc), excerpt(data))
        return
    yield from _docdb_document(element, data, source_file, count, offset)


def _docdb_document(
    element: etree._Element, data: bytes, source_file: str, count: int, offset: int
) -> Iterator[Document | Reject]:
    """The Document of one parsed record and a Reject per number it is kept without, or its Reject."""
    locator = f"doc {count}"
    issues: list[Issue] = []
    try:
        yield build_document(element, "docdb", locator, issues)
    except RecordError as exc:
        yield Reject(source_file, _reject_locator(locator, data, offset), str(exc), excerpt(data))
        return
    for reason, severity, written in issues:
        yield Reject(source_file, _reject_locator(locator, data, offset), reason, written, severity)


_BROKEN = {
    "unclosed": "record has no end tag before the next record (corrupt or cut)",
    "truncated": "file ends inside this record (truncated file); the records before it were kept",
    "oversized": f"record longer than {_MAX_RECORD >> 20} MiB without an end tag (corrupt file)",
}


def _broken_record(kind: str, data: bytes, source_file: str, count: int, offset: int) -> Reject:
    return Reject(source_file, _reject_locator(f"doc {count}", data, offset), _BROKEN[kind], excerpt(data))


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
            excerpt(text.strip()),
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


def xml_reason(exc: etree.XMLSyntaxError) -> str:
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
