"""Analyst exports of patent search tools: Lens.org, Lens API, Espacenet, Google Patents, KIPRIS.

An analyst downloads a hit list from a search tool as CSV (or opens it in Excel and saves it as
XLSX) and drops it in the landing zone. This parser recognises the tool from the header row,
never from the file name, and yields the same normalized `Document` as the bulk formats, with
DOCDB ids built by `roadmap_pipeline.lib.numbers`, so that an export and a bulk file describing
the same publication give the same ``doc_id``.

Flavours (``source_format`` is ``export-<flavour>``) and what each reads are described in
`flavours`; how the table is found (encoding, separator, lines above the header, XLSX) in
`table`; cell notations (numbers, dates, classes, names) in `fields`.

What an export does not carry stays None: Lens, Espacenet and Google Patents exports have no
abstracts, only the Lens CSV has application and priority numbers, only Espacenet has DOCDB family
ids. Locators are ``line N``, the physical line a row starts on (a row with a multi-line cell spans
several), or ``sheet NAME row N`` in a workbook.

Rejects:

* a row without a publication number that normalizes: its number is blank, unreadable, in
  Excel's scientific notation (``2.02E+11``: the digits are gone and are never guessed), or hit
  by bytes that do not decode → one Reject at ``line N`` with the row as excerpt;
* a quote left open: the lines it runs over → one Reject at the line where it opens, naming them
  (the CSV module reads strictly, and a multi-line row with the wrong cell count is refused);
* a file cut short: the row it ends in (fewer cells than the header and no line end, or inside a
  quoted cell) → one Reject at its line, the rows before it read as usual;
* a cell that cannot be read in a row that still gives a Document (an application or priority
  number, a date, a class symbol) → a Reject at ``line N <column>``, the Document kept without it;
* a row whose text cells held undecodable bytes (replaced by U+FFFD) → the Document, and a Reject
  at ``line N`` saying so;
* an empty file, an unknown header, a legacy .xls or an unreadable workbook → one Reject at
  ``file`` naming what the header looks like.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import BinaryIO

from roadmap_pipeline.lib.formats.exports.flavours import (
    FLAVOURS,
    Flavour,
    RowRejected,
    describe_unknown,
    match_header,
)
from roadmap_pipeline.lib.formats.exports.rows import Row
from roadmap_pipeline.lib.formats.exports.table import (
    XLSX_MAGIC,
    Table,
    TableError,
    TableRow,
    header_of_head,
    open_table,
)
from roadmap_pipeline.lib.records import Document, Reject

FLAVOUR_NAMES = tuple(f.name for f in FLAVOURS)
# What `detect` answers for a workbook whose first sheet is not inside the bytes it was given.
WORKBOOK = "xlsx"


def detect(head: bytes) -> str | None:
    """The export flavour of a file from its first bytes, or None when it is not an export.

    Args:
        head: the first bytes of the file (16 KiB hold any export's header).

    Returns:
        ``lens``, ``lens-api``, ``espacenet``, ``google-patents`` or ``kipris`` when a known header
        is among the first lines (CSV in any of the supported encodings and separators, or an XLSX
        workbook held whole in ``head``); `WORKBOOK` for an XLSX workbook cut off by ``head``,
        whose header only `parse` can read; None otherwise.
    """
    if head.startswith(XLSX_MAGIC):
        if not _first_member(head).startswith(_WORKBOOK_PARTS):
            return None  # a zip of something else (a weekly bulk zip): not a workbook
        try:
            table = open_table(io.BytesIO(head), match_header)
        except TableError:
            return WORKBOOK if _cut_off(head) else None
        return table.match.name
    flavour = header_of_head(head, match_header)
    return flavour.name if flavour else None


def parse(stream: BinaryIO, source_file: str) -> Iterator[Document | Reject]:
    """Documents and rejects of one analyst export.

    Args:
        stream: binary file object at the start of the export (CSV or XLSX).
        source_file: name used in locators and rejects.

    Yields:
        The Documents of each row followed by the Rejects of its unreadable cells, a Reject per
        row that gives no Document, or one file-level Reject when no export table is found.
    """
    try:
        table = open_table(stream, match_header)
    except TableError as exc:
        reason = exc.reason
        if exc.first_cells:
            reason = f"{describe_unknown(exc.first_cells)}"
        yield Reject(source_file, "file", reason, exc.excerpt)
        return
    yield from _rows(table, source_file)


def _rows(table: Table[Flavour], source_file: str) -> Iterator[Document | Reject]:
    flavour = table.match
    columns = flavour.column_indexes(table.header)
    for table_row in table.rows:
        row = Row(source_file, flavour.source_format, table_row, columns, table.header,
                  table.preamble)
        yield from _read_row(flavour, row, table_row)


def _read_row(flavour: Flavour, row: Row, table_row: TableRow) -> Iterator[Document | Reject]:
    if table_row.cells is None:
        yield row.reject(table_row.error or "row could not be split into cells")
        return
    broken = _cut_short(table_row, len(row.header)) or _broken_quoting(table_row, len(row.header))
    if broken:
        yield row.reject(broken)
        return
    try:
        documents = flavour.read(row)
    except RowRejected as exc:
        yield row.reject(str(exc))
        return
    row.note_damage()
    row.extra_cells()
    yield from documents
    yield from row.issues


def _cut_short(table_row: TableRow, columns: int) -> str | None:
    """Why the file's last row is taken for one cut by the end of the file, or None.

    A row the file ends on without a line end, with fewer cells than the header, lost the rest of
    its cells. A cut that leaves every cell (inside the last one) cannot be told from a complete
    row: some tools end their file without a line end.
    """
    count = len(table_row.cells or [])
    if not table_row.unterminated or count >= columns:
        return None
    return f"file ends inside this row (truncated): {count} of {columns} cells, no line end"


def _broken_quoting(table_row: TableRow, columns: int) -> str | None:
    """Why a row spanning lines is taken for a quote left open, or None.

    A stray quote that pairs with a later one reads the rows between as one cell without any CSV
    error; such a row spans several lines and has a cell count its header does not have.
    """
    span = table_row.span
    count = len(table_row.cells or [])
    if span is None or span[0] == span[1] or count == columns:
        return None
    return (
        f"broken quoting: a quoted cell runs over lines {span[0]}-{span[1]} and the row has "
        f"{count} cells for {columns} header columns; these lines are not read"
    )


# The parts an Office Open XML package starts with (Excel, openpyxl, LibreOffice write them first).
_WORKBOOK_PARTS = (b"[Content_Types].xml", b"_rels/", b"docProps/", b"xl/")


def _first_member(head: bytes) -> bytes:
    """The name of a zip's first member, from its local header (30 bytes, then the name)."""
    return head[30 : 30 + int.from_bytes(head[26:28], "little")]


def _cut_off(head: bytes) -> bool:
    """Whether a zip's bytes stop before its end-of-central-directory record."""
    return b"PK\x05\x06" not in head[-66000:]
