"""KIPRIS Plus Open API XML responses (KIPO): bibliographic detail, search, family and citations.

One file is one API response: ``<response><header>…</header><body>…</body></response>``. The
parser streams it with ``lxml.etree.iterparse`` and reads each record as soon as it is complete, so a
search page of any length is held one item at a time. Records it reads:

* ``body/item`` with ``biblioSummaryInfoArray`` (``getBibliographyDetailInfoSearch``): the full KR
  record: numbers and dates, Korean and English title, Korean abstract, IPC, applicants and inventors
  with their country, priorities, the international (PCT) application, prior-art citations.
* ``body/items/item`` with ``applicationNumber``/``openNumber``/``registerNumber`` (the
  ``getAdvancedSearch``/``getWordSearch`` item): the same KR record, thinner (applicant names without
  country, no English title, no citations).
* ``body/items/PatentUtilityInfo`` (``patUtiModInfoSearchSevice``, the applicant search): the same
  thin KR record under capitalised names (``ApplicationNumber``, ``OpeningNumber``,
  ``RegistrationNumber``, ``PublicDate``, ``InventionName``, ``Applicant``,
  ``InternationalpatentclassificationNumber`` …), source format ``kipris-search``.
* ``body/items/item`` with ``docdbFamilyID`` (``getAppNoPatFamInfoSearch``): one foreign family
  member each, source format ``kipris-family``.
* ``citationInfoV3`` and ``citingInfo`` items of the citation services: rejected, see below.

Decisions:

* **A KR record yields one Document per publication.** DOCDB holds the unexamined publication
  (``KR-<openNumber>-A``, dated ``openDate``) and the registered patent (``KR-<registerNumber>-B1``,
  dated ``publicationDate``, the registration gazette date, not ``registerDate``) as two
  publications, so a registered application gives two Documents sharing application id, filing date,
  title, abstract, classes, parties and priorities; core groups them into one family through the
  shared priorities. Utility models (right type ``20``) give kinds U and Y1 and applications of kind U.
* **Prior-art citations go to the B1 when there is one, else to the A:** KIPO's examiner cites them
  in examination, after the A was published; putting them on both would double-count them.
* **The KR document carries no family id.** The family service lists the foreign members only (the
  queried KR application appears nowhere in the response), so the members are yielded with their
  ``docdb_family_id`` and the KR publications get it where another source (DOCDB, OPS) lists them.
* **Citation-service and citing-info items become Rejects of severity ``skipped``.** Both name the
  citing document by its *application* number only, and the citing-info item names the cited one by
  application number too; a `Document` needs a publication id, so the link cannot be represented
  here. They are readable, not bad input, hence ``skipped`` (kept with a reason, outside the reject
  rate). The reason names the normalized ids; the biblio response carries the same prior-art list
  with publication numbers.
* An error response (``successYN`` N, or a ``resultCode`` other than 00) is one Reject with the
  result message; an empty result (no items) yields nothing, as no record was dropped.
* A record is an element with children inside ``items`` (or an ``item`` directly in ``body``). A
  childless element inside ``items`` (``<TotalSearchCount>1784</TotalSearchCount>``,
  ``<SearchStartNumber>``, ``<numOfRows>`` …) is paging metadata of the response, carries no
  patent data and is ignored; only the record tags themselves (``item``, ``PatentUtilityInfo``,
  ``citationInfoV3``, ``citingInfo``) are taken for records even when empty, and rejected.
* A field that cannot be read inside a readable record (an unknown country name, a malformed IPC
  symbol or date, a priority whose number does not normalize) becomes its own Reject, located as
  ``item 1 applicant 2 country``, and the Document is still yielded without that value.
* Names: a party is kept under its Korean name (``name``), English (``engName``) when that is all
  there is, like titles, which are kept in the original language with the English one beside them.
* Left out on purpose (not in the data contract): claims, agents, legal-status events, examiner,
  images, designated states, R&D info, the biblio's ``familyInfoArray`` (KR-internal application
  numbers, not DOCDB family ids).

Number normalization belongs to `roadmap_pipeline.lib.numbers` (``fmt="kipris"`` for KIPRIS
notations such as ``10-2022-0079145``/``1030280320000``, ``fmt="docdb"`` for the family service).
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import BinaryIO

from lxml import etree

from roadmap_pipeline.lib.formats.kipris.records import (
    EXCERPT_CHARS,
    Context,
    cited_document_id,
    child_text,
    read_record,
    serialize,
)
from roadmap_pipeline.lib.formats.xmlparse import EndTracker, iterparse
from roadmap_pipeline.lib.records import Document, Reject

__all__ = ["cited_document_id", "parse"]

# Tags that name a record even when it comes without children (and is then rejected as empty).
RECORD_TAGS = frozenset({"item", "PatentUtilityInfo", "citationInfoV3", "citingInfo"})


def parse(stream: BinaryIO, source_file: str) -> Iterator[Document | Reject]:
    """Documents and rejects of one KIPRIS Plus XML response.

    Args:
        stream: binary file object at the start of the response.
        source_file: name used in locators and rejects.

    Yields:
        A `Document` per publication found, a `Reject` per record or field that cannot be read, or
        one `Reject` for the whole file (error response, not XML, not a KIPRIS response).
    """
    tracker = EndTracker(stream)
    reader = _ResponseReader(source_file, tracker)
    try:
        yield from reader.read()
    except etree.XMLSyntaxError as exc:
        where = "file" if reader.records == 0 else f"after item {reader.records}"
        reason = tracker.truncation(exc, f"the {reader.records} items before it") or f"XML not well-formed: {exc}"
        yield Reject(source_file, where, reason, tracker.excerpt())


class _ResponseReader:
    """Walks the iterparse events of one response and dispatches each completed record."""

    def __init__(self, source_file: str, stream: EndTracker):
        self.source_file = source_file
        self.records = 0
        self._stream = stream
        self._root_tag: str | None = None
        self._saw_body = False

    def read(self) -> Iterator[Document | Reject]:
        """Documents and rejects of the response; raises XMLSyntaxError where the XML breaks."""
        events = iterparse(self._stream, events=("start", "end"))
        for event, elem in events:
            if event == "start":
                if self._root_tag is None:
                    self._root_tag = elem.tag
                    if elem.tag not in ("response", "OpenAPI_ServiceResponse"):
                        yield self._file_reject(
                            f"not a KIPRIS Plus response: root element <{elem.tag}>",
                            self._stream.excerpt(),
                        )
                        return
                continue
            stop = yield from self._end(elem)
            if stop:
                return

    def _end(self, elem: etree._Element) -> Generator[Document | Reject, None, bool]:
        """Handles one closed element; returns True when the response has been read to its end."""
        parent = elem.getparent()
        if parent is None:
            yield from self._root_end(elem)
            return True
        if elem.tag == "header" and parent.getparent() is None:
            error = _header_error(elem)
            if error:
                yield self._file_reject(error, serialize(elem))
                return True
        elif elem.tag == "body" and parent.getparent() is None:
            self._saw_body = True
        elif _is_record(elem, parent):
            self.records += 1
            yield from read_record(elem, Context(self.source_file, f"item {self.records}", elem))
            _release(elem, parent)
        elif parent.tag == "items":  # paging metadata (TotalSearchCount …): no patent data
            _release(elem, parent)
        return False

    def _root_end(self, root: etree._Element) -> Iterator[Reject]:
        if root.tag == "OpenAPI_ServiceResponse":
            yield self._file_reject(_gateway_error(root), serialize(root))
        elif not self._saw_body:
            yield self._file_reject("KIPRIS response without a <body> and without an error", serialize(root))

    def _file_reject(self, reason: str, excerpt: str) -> Reject:
        return Reject(self.source_file, "file", reason, excerpt[:EXCERPT_CHARS])


def _is_record(elem: etree._Element, parent: etree._Element) -> bool:
    """A record: an element with children in ``items`` (or a record tag there), or ``body/item``.

    Childless elements in ``items`` that are not record tags (``TotalSearchCount``,
    ``SearchStartNumber``, ``numOfRows`` …) are the response's paging metadata, not records.
    """
    if parent.tag == "items":
        return len(elem) > 0 or elem.tag in RECORD_TAGS
    return elem.tag == "item" and parent.tag == "body"


def _release(elem: etree._Element, parent: etree._Element) -> None:
    """Frees a processed record and its processed siblings, keeping memory bounded."""
    elem.clear()
    while elem.getprevious() is not None:
        del parent[0]


def _header_error(header: etree._Element) -> str | None:
    """The reason to reject a response whose header reports a failure, else None."""
    success = child_text(header, "successYN")
    code = child_text(header, "resultCode")
    message = child_text(header, "resultMsg")
    if (success or "Y").upper() != "N" and code in (None, "00", "0"):
        return None
    flag = f", successYN {success}" if success else ""
    return f"KIPRIS error response: resultCode {code or '(blank)'}{flag}: {message or 'no message'}"


def _gateway_error(root: etree._Element) -> str:
    """Reason for the public-data gateway's ``OpenAPI_ServiceResponse`` error envelope."""
    header = root.find("cmmMsgHeader")
    scope = header if header is not None else root
    parts = [child_text(scope, tag) for tag in ("returnReasonCode", "returnAuthMsg", "errMsg")]
    return "KIPRIS gateway error response: " + (" / ".join(p for p in parts if p) or "no message")
