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

import html.entities
import re
from collections.abc import Iterator
from typing import BinaryIO

from lxml import etree

from roadmap_pipeline.lib.formats.number_issues import Issue
from roadmap_pipeline.lib.formats.uspto.fields import BadDocument, build_document
from roadmap_pipeline.lib.formats.uspto.split import (
    CHUNK_BYTES,
    MAX_DOC_BYTES,
    PATENT_ROOTS,
    RawDocument,
    root_reason,
    sniff_root,
    split_documents,
)
from roadmap_pipeline.lib.formats.xmlparse import message, xml_parser
from roadmap_pipeline.lib.records import Document, Reject

__all__ = ["parse", "sniff_root", "split_documents"]


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
        cannot be read (severity ``error``) or is not a patent document (severity ``skipped``);
        after a Document, a `Reject` for each application or priority number it is kept without
        (see `number_issues`: ``warning`` where only the filing date is missing, else ``error``).
    """
    parser = xml_parser(dtd_validation=False, remove_comments=True)
    for raw in split_documents(stream, chunk_bytes=chunk_bytes, max_doc_bytes=max_doc_bytes):
        yield from _read_document(raw, source_file, parser)


# --------------------------------------------------------------------------------------------------
# Parsing one document
# --------------------------------------------------------------------------------------------------


def _read_document(
    raw: RawDocument, source_file: str, parser: etree.XMLParser
) -> Iterator[Document | Reject]:
    """Turn one raw document into a `Document` and the rejects of the numbers it is kept without,
    or into a `Reject` saying why not."""

    def reject(reason: str, severity: str = "error", excerpt: str | None = None) -> Reject:
        return Reject(
            source_file=source_file,
            locator=raw.locator,
            reason=reason,
            excerpt=raw.excerpt() if excerpt is None else excerpt,
            severity=severity,
        )

    if raw.data is None:
        yield reject(raw.skip_reason or "document not kept", raw.skip_severity)
        return
    try:
        root = _parse_xml(_front_part(raw.data, raw.root), parser)
    except etree.XMLSyntaxError as exc:
        yield reject(_syntax_reason(exc, raw.line))
        return
    tag = root.tag if isinstance(root.tag, str) else ""
    if tag not in PATENT_ROOTS:
        yield reject(*root_reason(tag))
        return
    issues: list[Issue] = []
    try:
        document = build_document(root, raw, issues)
    except BadDocument as exc:
        yield reject(str(exc))
        return
    except Exception as exc:  # noqa: BLE001 - one odd document must not end the file
        yield reject(f"unexpected {type(exc).__name__} while reading the document: {exc}")
        return
    yield document
    for reason, severity, written in issues:
        yield reject(reason, severity, written)


_BODY_TAGS = (b"<drawings", b"<description")


def _front_part(data: bytes, root: str | None) -> bytes:
    """The document up to its drawings/description, closed with the root end tag.

    Only the bibliographic data and the abstract are read, and in full-text files the description
    and claims are most of the bytes: leaving them unparsed is the largest single saving of this
    parser. The cost is that damage confined to the drawings, description or claims goes unnoticed,
    which loses nothing the pipeline keeps. The DTD fixes the order (bibliographic data, abstract,
    drawings, description, claims), so the cut is made only after the bibliographic data ends.
    """
    if root not in PATENT_ROOTS:
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


def _syntax_reason(exc: etree.XMLSyntaxError, first_line: int) -> str:
    """Reject reason for a parse error, with the line counted in the whole file."""
    where = f" (file line {first_line + exc.lineno - 1})" if exc.lineno else ""
    if exc.code in (etree.ErrorTypes.ERR_INVALID_ENCODING, etree.ErrorTypes.ERR_UNSUPPORTED_ENCODING):
        return f"undecodable bytes: {message(exc)}{where}"
    return f"malformed XML: {message(exc)}{where}"
