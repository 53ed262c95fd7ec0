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

from collections.abc import Iterator
from typing import BinaryIO

from roadmap_pipeline.lib.formats.containers import Prefixed
from roadmap_pipeline.lib.formats.exchange.ops import parse_ops
from roadmap_pipeline.lib.formats.exchange.split import excerpt, parse_docdb, read_head, root_element
from roadmap_pipeline.lib.records import Document, Reject

__all__ = ["parse"]


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
    head = read_head(stream)
    root = root_element(head)
    if root is None:
        yield Reject(source_file, "file", "no XML element found: not an exchange-document file", excerpt(head))
        return
    prefix, local = root
    if local == b"world-patent-data":
        yield from parse_ops(Prefixed(head, stream), source_file)
    elif local in (b"exchange-documents", b"exchange-document"):
        yield from parse_docdb(head, stream, source_file, prefix, has_root=local == b"exchange-documents")
    else:
        name = (prefix + local).decode("ascii", "replace")
        yield Reject(source_file, "file", f"root element <{name}> is not an exchange-document file", excerpt(head))
