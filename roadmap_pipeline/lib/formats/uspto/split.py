"""Cutting a USPTO bulk file (many XML documents one after the other) into its documents."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

CHUNK_BYTES = 1 << 20
MAX_DOC_BYTES = 256 << 20  # larger documents are rejected unparsed, to keep memory bounded
EXCERPT_CHARS = 300

PATENT_ROOTS = {"us-patent-grant": "grant", "us-patent-application": "application"}
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
        if self._root is not None and self._root not in PATENT_ROOTS:
            self._discard(*root_reason(self._root))

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


def root_reason(root: str) -> tuple[str, str]:
    """Reject reason and severity for a document whose root is not a patent we read."""
    if root in _LEGACY_ROOTS:
        return f"unsupported format: {_LEGACY_ROOTS[root]}", "error"
    return f"{NOT_A_PATENT}: {root}", "skipped"
