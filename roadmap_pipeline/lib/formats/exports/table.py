"""The table inside an analyst export: encoding, separator, header line and rows with their place.

CSV exports come as UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text", with BOM or
without), or CP949 (a KIPRIS sheet saved by a Korean Excel); the separator is `,`, `;` or tab,
sniffed from the header line; tools put lines above the header (Espacenet's query summary,
Google Patents' ``search URL:``). XLSX workbooks are read from their first sheet with openpyxl in
read-only mode.

CSV rows are streamed (bounded memory) with the physical line each starts on, so that a reject
points at the line an analyst sees in an editor; a workbook is held in memory, as a zip needs
random access. Bytes that do not decode are replaced by U+FFFD line by line, and the row that holds
them is flagged, never silently repaired.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import BinaryIO, Generic, TypeVar

from roadmap_pipeline.lib.formats.containers import Prefixed

# How far down a file the header may sit (Espacenet puts 7 lines above it).
HEADER_SCAN_LINES = 30
EXCERPT_CHARS = 300
DELIMITERS = (",", ";", "\t")
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_CHUNK = 1 << 16

T = TypeVar("T")


class TableError(Exception):
    """A file whose table cannot be found: empty, unknown header, unreadable workbook.

    Attributes:
        reason: what is wrong, for the file-level Reject.
        excerpt: the start of the file as text.
        first_cells: the cells of the first non-blank line (best-guess separator), to name what
            an unknown header looks like; empty when there is none.
    """

    def __init__(self, reason: str, excerpt: str = "", first_cells: list[str] | None = None):
        super().__init__(reason)
        self.reason = reason
        self.excerpt = excerpt[:EXCERPT_CHARS]
        self.first_cells = first_cells or []


@dataclass(frozen=True)
class TableRow:
    """One data row: its cells (None when the CSV module could not split it) and where it is."""

    locator: str  # "line 12" (first physical line of the row) or "sheet NAME row 12"
    cells: list[str] | None
    excerpt: str
    damaged: bool = False  # undecodable bytes were replaced by U+FFFD in this row
    error: str | None = None  # the CSV module's complaint when cells is None
    span: tuple[int, int] | None = None  # first and last physical line of a CSV row
    unterminated: bool = False  # the file ends on this row without a line end (it may be cut)


@dataclass
class Table(Generic[T]):
    """The header found, what it matched, the lines above it and the rows below it."""

    match: T
    header: list[str]
    header_locator: str
    encoding: str
    delimiter: str | None  # None for a workbook
    preamble: list[str] = field(default_factory=list)
    rows: Iterator[TableRow] = field(default_factory=lambda: iter(()))


def open_table(stream: BinaryIO, match: Callable[[list[str]], T | None]) -> Table[T]:
    """Find the header of an export and set up the iteration over its rows.

    Args:
        stream: the file, at its start.
        match: tells whether a row's cells are a known header (returns what it matched) or not.

    Raises:
        TableError: for an empty file, a legacy .xls, an unreadable workbook, or when no line
            of the first HEADER_SCAN_LINES matches.
    """
    head = stream.read(4096)
    if head.startswith(XLSX_MAGIC):
        return _workbook_table(head + stream.read(), match)
    if head.startswith(OLE_MAGIC):
        raise TableError("legacy Excel .xls workbook (OLE2): save it as .xlsx or CSV", "")
    codec, bom = text_encoding(head)
    lines = _raw_lines(Prefixed(head[bom:], stream), _newline(codec))
    scanned = [raw for _, raw in zip(range(HEADER_SCAN_LINES), lines)]
    found = _find_header(scanned, codec, match)
    if found is None and codec == "utf-8" and any(_decode(r, codec)[1] for r in scanned):
        codec = "cp949"
        found = _find_header(scanned, codec, match)
    if found is None:
        raise _unknown_table(scanned, codec)
    index, delimiter, cells, matched = found
    preamble = [_decode(raw, codec)[0].strip() for raw in scanned[:index]]
    rest = _chain(scanned[index + 1 :], lines)
    return Table(
        match=matched,
        header=cells,
        header_locator=f"line {index + 1}",
        encoding=codec,
        delimiter=delimiter,
        preamble=preamble,
        rows=_csv_rows(rest, codec, delimiter, first_line=index + 2),
    )


def header_of_head(head: bytes, match: Callable[[list[str]], T | None]) -> T | None:
    """What the header found in the first bytes of a CSV export matches, or None."""
    codec, bom = text_encoding(head)
    scanned = list(_raw_lines(io.BytesIO(head[bom:]), _newline(codec)))[:HEADER_SCAN_LINES]
    found = _find_header(scanned, codec, match)
    if found is None and codec == "utf-8":
        found = _find_header(scanned, "cp949", match)
    return None if found is None else found[3]


def text_encoding(head: bytes) -> tuple[str, int]:
    """Codec of a text export and the length of its byte-order mark."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8", 3
    if head.startswith(b"\xff\xfe"):
        return "utf-16-le", 2
    if head.startswith(b"\xfe\xff"):
        return "utf-16-be", 2
    # UTF-16 without a BOM: every other byte of ASCII text is NUL.
    if len(head) >= 4 and head[1] == 0 and head[3] == 0 and head[0] and head[2]:
        return "utf-16-le", 0
    if len(head) >= 4 and head[0] == 0 and head[2] == 0 and head[1] and head[3]:
        return "utf-16-be", 0
    return "utf-8", 0


# --- CSV ---------------------------------------------------------------------------------------


def _newline(codec: str) -> bytes:
    """The encoded line feed: one byte, or one UTF-16 code unit."""
    return "\n".encode(codec)


def _raw_lines(stream, newline: bytes) -> Iterator[bytes]:
    """Physical lines as bytes, each with its line end; UTF-16 is split on whole code units."""
    buffer = b""
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            break
        buffer += chunk
        start = 0
        while True:
            end = _line_end(buffer, start, newline)
            if end < 0:
                break
            yield buffer[start:end]
            start = end
        buffer = buffer[start:]
    if buffer:
        yield buffer


def _line_end(buffer: bytes, start: int, newline: bytes) -> int:
    """Index just past the next line end at or after ``start``, or -1.

    ``buffer`` starts on a code-unit boundary, so a UTF-16 line feed is a match at an even offset
    (an odd one straddles two other characters).
    """
    width = len(newline)
    position = start
    while True:
        found = buffer.find(newline, position)
        if found < 0 or found % width == 0:
            return found if found < 0 else found + width
        position = found + 1


def _decode(raw: bytes, codec: str) -> tuple[str, bool]:
    """Text of one line, and whether bytes had to be replaced to decode it."""
    try:
        return raw.decode(codec), False
    except UnicodeDecodeError:
        return raw.decode(codec, errors="replace"), True


def _split(text: str, delimiter: str) -> list[str]:
    """Cells of one line; none when the CSV module cannot split it (a bare CR, binary data)."""
    try:
        return next(csv.reader([text], delimiter=delimiter), [])
    except csv.Error:
        return []


def _find_header(
    scanned: list[bytes], codec: str, match
) -> tuple[int, str, list[str], object] | None:
    """Index, separator, cells and match of the first scanned line that is a known header."""
    for index, raw in enumerate(scanned):
        text = _decode(raw, codec)[0].strip("\r\n")
        if not text.strip():
            continue
        for delimiter in DELIMITERS:
            if delimiter not in text:
                continue
            cells = _split(text, delimiter)
            matched = match(cells)
            if matched is not None:
                return index, delimiter, cells, matched
    return None


def _unknown_table(scanned: list[bytes], codec: str) -> TableError:
    """The error for a file whose first lines hold no known header."""
    texts = [_decode(raw, codec)[0] for raw in scanned]
    excerpt = "".join(texts)
    first = next((t.strip("\r\n") for t in texts if t.strip()), "")
    if not first:
        return TableError("empty file: no header and no rows", excerpt)
    if "\x00" in first or first.count("\ufffd") > len(first) // 4:
        return TableError("binary or undecodable content: not a text export", excerpt, [])
    delimiter = max(DELIMITERS, key=first.count)
    cells = _split(first, delimiter) if first.count(delimiter) else [first]
    return TableError("no known export header", excerpt, cells)


def _chain(first: list[bytes], rest: Iterator[bytes]) -> Iterator[bytes]:
    yield from first
    yield from rest


def _csv_rows(
    lines: Iterator[bytes], codec: str, delimiter: str, first_line: int
) -> Iterator[TableRow]:
    """Data rows with the physical line each starts on; quoted cells may span lines."""
    pending: list[str] = []
    damaged: list[bool] = []

    def decoded() -> Iterator[str]:
        for raw in lines:
            text, bad = _decode(raw, codec)
            pending.append(text)
            damaged.append(bad)
            yield text

    # strict: a quote left open must fail loudly, not swallow the rows after it into one cell.
    reader = csv.reader(decoded(), delimiter=delimiter, strict=True)
    line = first_line
    while True:
        error = None
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            last = line + max(len(pending), 1) - 1
            if str(exc) == "unexpected end of data":  # strict mode, at the end of the file
                error = (f"file ends inside a quoted cell (truncated, or a quote left open): lines "
                         f"{line}-{last} are not read")
            else:
                error = f"CSV error: {exc}; lines {line}-{last} are not read"
            cells = None
        span = (line, line + max(len(pending), 1) - 1)
        excerpt = "".join(pending)[:EXCERPT_CHARS]
        unterminated = bool(pending) and not pending[-1].endswith(("\n", "\r"))
        if cells is None or any(c.strip() for c in cells):
            yield TableRow(f"line {line}", cells, excerpt, any(damaged), error, span, unterminated)
        line += len(pending)
        pending.clear()
        damaged.clear()


# --- XLSX --------------------------------------------------------------------------------------


def _workbook_table(data: bytes, match) -> Table:
    """The first sheet of an XLSX workbook as a table."""
    import openpyxl  # only workbooks need it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # read-only mode trusts the stored size, which tools get wrong
        rows = sheet.iter_rows(values_only=True)
        scanned = [[cell_text(v) for v in row] for _, row in zip(range(HEADER_SCAN_LINES), rows)]
    except zipfile.BadZipFile as exc:  # the zip's directory, written last, is missing
        raise TableError(
            f"XLSX workbook cut short or damaged: its zip directory cannot be read ({exc}); "
            "no row can be read without it"
        ) from None
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign zip
        raise TableError(f"not a readable XLSX workbook: {type(exc).__name__}: {exc}") from None
    name = sheet.title
    for index, cells in enumerate(scanned):
        matched = match(cells)
        if matched is not None:
            return Table(
                match=matched,
                header=cells,
                header_locator=f"sheet {name} row {index + 1}",
                encoding="xlsx",
                delimiter=None,
                preamble=[" ".join(c for c in row if c).strip() for row in scanned[:index]],
                rows=_sheet_rows(workbook, name, scanned[index + 1 :], rows, index + 2),
            )
    workbook.close()
    first = next((row for row in scanned if any(c.strip() for c in row)), None)
    if first is None:
        raise TableError(f"empty workbook: sheet {name} has no header and no rows")
    cells = [c for c in first if c]
    raise TableError(f"no known export header in sheet {name}", " | ".join(cells), cells)


def _sheet_rows(
    workbook, name: str, scanned: list[list[str]], rows, first_row: int
) -> Iterator[TableRow]:
    number = first_row
    try:
        for cells in _chain_rows(scanned, rows):
            if any(c.strip() for c in cells):
                excerpt = " | ".join(cells)[:EXCERPT_CHARS]
                yield TableRow(f"sheet {name} row {number}", cells, excerpt)
            number += 1
    finally:
        workbook.close()


def _chain_rows(scanned: list[list[str]], rows) -> Iterator[list[str]]:
    yield from scanned
    for row in rows:
        yield [cell_text(v) for v in row]


def cell_text(value) -> str:
    """A workbook cell as the text a CSV export would hold.

    Whole numbers (KIPRIS's 13-digit numbers, which Excel stores as numbers) keep all their
    digits; a fractional number stays as Python writes it, so a number column holding one fails
    normalization instead of being rounded into a number.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
