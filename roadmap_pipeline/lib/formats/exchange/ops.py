"""OPS responses: bibliographic records and family members, read with ``iterparse``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from lxml import etree

from roadmap_pipeline.lib.formats.exchange.fields import LOCAL, RecordError, build_document, cached_publication_id
from roadmap_pipeline.lib.formats.exchange.split import excerpt, xml_reason
from roadmap_pipeline.lib.formats.number_issues import Issue
from roadmap_pipeline.lib.formats.xmlparse import EndTracker, iterparse
from roadmap_pipeline.lib.records import Document, Reject

# Every DOCDB exchange status (exchange-documents.xsd: C new, D deleted, A amended, CV new
# "withdrawn", DV "withdrawn" deleted). In an OPS response any other status (OPS writes
# "not found" for a requested number it has no data for) means the record carries no data.
_DOCDB_EXCHANGE_STATUS = frozenset(("A", "C", "D", "CV", "DV"))


# --------------------------------------------------------------------------- OPS responses


def parse_ops(stream: BinaryIO, source_file: str) -> Iterator[Document | Reject]:
    """Documents of an OPS response: biblio records and family members (with or without biblio)."""
    count = 0
    tracker = EndTracker(stream)
    events = iterparse(
        tracker,
        events=("end",),
        tag=("{*}exchange-document", "{*}family-member"),
        remove_comments=True,
        remove_pis=True,
    )
    try:
        for _, element in events:
            parent = element.getparent()
            if LOCAL[element.tag] == "exchange-document" and parent is not None and (
                LOCAL[parent.tag] == "family-member"
            ):
                continue  # read with its family member
            count += 1
            yield from _ops_record(element, source_file, count)
            _release(element)
    except etree.XMLSyntaxError as exc:
        reason = tracker.truncation(exc, f"the {count} documents before it") or (
            f"{xml_reason(exc)}; the rest of the file is lost")
        yield Reject(source_file, f"after doc {count}", reason, "")
        return
    if count == 0:
        yield Reject(source_file, "file", "OPS response holds no exchange-document or family-member", "")


def _ops_record(element: etree._Element, source_file: str, count: int) -> Iterator[Document | Reject]:
    """The Document of an OPS exchange-document or family-member and a Reject per number it is
    kept without, or its Reject.

    An exchange-document with a non-data status (``not found``) is a skipped Reject; inside a
    family member, the member is read without it, from its own references.
    """
    locator = f"doc {count}"
    issues: list[Issue] = []
    try:
        if LOCAL[element.tag] == "exchange-document":
            if _ops_no_data(element):
                yield _ops_no_data_reject(element, source_file, locator)
                return
            yield build_document(element, "ops-biblio", locator, issues)
        else:
            biblio = next(element.iterchildren("{*}exchange-document"), None)
            if biblio is None or _ops_no_data(biblio):
                yield build_document(element, "ops-family", locator, issues)
            else:
                yield build_document(biblio, "ops-biblio", locator, issues, member=element)
    except RecordError as exc:
        yield Reject(source_file, locator, str(exc), excerpt(etree.tostring(element)))
        return
    for reason, severity, written in issues:
        yield Reject(source_file, locator, reason, written, severity)


def _ops_no_data(element: etree._Element) -> bool:
    """Whether an OPS exchange-document's status says it holds no data (``not found`` …)."""
    status = (element.get("status") or "").strip()
    return bool(status) and status.upper() not in _DOCDB_EXCHANGE_STATUS


def _ops_no_data_reject(element: etree._Element, source_file: str, locator: str) -> Reject:
    """``OPS: document not found (EP-2533477-A1 requested)``: readable, not a record, so skipped."""
    attrs = element.attrib
    requested = None
    if attrs.get("doc-number"):
        requested = cached_publication_id(attrs.get("country", ""), attrs["doc-number"], attrs.get("kind"), "docdb")
        requested = requested or "-".join(attrs.get(key, "") for key in ("country", "doc-number", "kind"))
    status = " ".join(element.get("status", "").split())
    reason = f"OPS: document {status}" + (f" ({requested} requested)" if requested else "")
    return Reject(source_file, locator, reason, excerpt(etree.tostring(element)), severity="skipped")


def _release(element: etree._Element) -> None:
    """Free a processed element and its already processed siblings (bounded memory)."""
    element.clear(keep_tail=True)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]
