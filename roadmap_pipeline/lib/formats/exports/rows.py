"""One data row of an analyst export, read by the names of its columns, with its rejects.

The flavour readers (`flavours`) ask a `Row` for the cell of a field (``title``,
``publication_number`` …) and record here what they cannot read. A cell that cannot be read in a
row that still gives a Document becomes its own Reject located as ``line 12 Application Number``;
a row that gives no Document is one Reject at ``line 12``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from roadmap_pipeline.lib.formats.exports.fields import excel_mangled, mangled_reason
from roadmap_pipeline.lib.formats.exports.table import EXCERPT_CHARS, TableRow
from roadmap_pipeline.lib.formats.number_issues import number_issue
from roadmap_pipeline.lib.numbers import split_doc_id
from roadmap_pipeline.lib.records import Document, Reject


@dataclass
class Row:
    """A data row: cells by field name, the header names for messages, and the rejects so far."""

    source_file: str
    source_format: str
    table_row: TableRow
    columns: dict[str, int]  # field -> column index
    header: list[str]
    preamble: list[str] = field(default_factory=list)
    issues: list[Reject] = field(default_factory=list)

    @property
    def locator(self) -> str:
        return self.table_row.locator

    def raw(self, name: str) -> str:
        """The cell of a field as written ('' when the column or the cell is missing)."""
        index = self.columns.get(name)
        cells = self.table_row.cells or []
        return cells[index] if index is not None and index < len(cells) else ""

    def get(self, name: str) -> str | None:
        """The stripped cell of a field, None when blank."""
        return self.raw(name).strip() or None

    def cells_after(self, name: str) -> list[str]:
        """The cells to the right of a field's column (where a crawler spilled a long text)."""
        index = self.columns.get(name)
        cells = self.table_row.cells or []
        return [] if index is None else cells[index + 1 :]

    def column(self, name: str) -> str:
        """The header of a field's column as the file writes it, for messages."""
        index = self.columns.get(name)
        return self.header[index].strip() if index is not None else name

    def issue(self, name: str, reason: str, value: str, severity: str = "error") -> None:
        """Records a cell that cannot be read; the row still gives its Document without it."""
        self.issues.append(
            Reject(
                self.source_file,
                f"{self.locator} {self.column(name)}",
                reason,
                value[:EXCERPT_CHARS],
                severity,
            )
        )

    def number_issue(self, name: str, what: str, exc: Exception, value: str) -> None:
        """Records a number cell the row is kept without: a warning where only a fact is missing
        (see `number_issues`), else an error."""
        reason, severity = number_issue(what, exc)
        self.issue(name, reason, value, severity)

    def reject(self, reason: str) -> Reject:
        """The Reject of the whole row."""
        return Reject(self.source_file, self.locator, reason, self.table_row.excerpt)

    def number(self, name: str) -> str | None:
        """A number cell, or None (with an issue) when Excel turned it into scientific notation."""
        value = self.get(name)
        if value is not None and excel_mangled(value):
            self.issue(name, mangled_reason(self.column(name), value), value)
            return None
        return value

    def damage_reason(self, names: tuple[str, ...]) -> str | None:
        """Why a damaged row's number cells cannot be trusted, or None when they are intact."""
        if not self.table_row.damaged:
            return None
        hit = [self.column(n) for n in names if "\ufffd" in self.raw(n)]
        if not hit:
            return None
        return (
            f"bytes that do not decode were replaced (U+FFFD) in {', '.join(hit)}: the number is "
            "destroyed"
        )

    def note_damage(self) -> None:
        """Flags a damaged row whose Document is still kept (the damage is in text cells)."""
        if not self.table_row.damaged:
            return
        hit = [h.strip() or f"column {i + 1}" for i, h in enumerate(self.header)
               if i < len(self.table_row.cells or []) and "\ufffd" in self.table_row.cells[i]]
        where = ", ".join(hit) if hit else "the row"
        self.issues.append(
            Reject(
                self.source_file,
                self.locator,
                f"bytes that do not decode were replaced (U+FFFD) in {where}; the document is "
                "kept with the replaced characters",
                self.table_row.excerpt,
            )
        )

    def extra_cells(self) -> None:
        """Flags cells beyond the header: a row quoted differently from its header."""
        cells = self.table_row.cells or []
        extra = [c for c in cells[len(self.header) :] if c.strip()]
        if extra:
            self.issues.append(
                Reject(
                    self.source_file,
                    self.locator,
                    f"{len(extra)} non-empty cell(s) beyond the {len(self.header)} header columns "
                    "were ignored",
                    " | ".join(extra)[:EXCERPT_CHARS],
                )
            )


def document(row: Row, doc_id: str, **fields) -> Document:
    """A row's Document: office, number and kind from ``doc_id``; source and locator from the row."""
    office, number, kind = split_doc_id(doc_id)
    return Document(
        doc_id=doc_id,
        office=office,
        publication_number=number,
        kind=kind,
        source_format=row.source_format,
        locator=row.locator,
        **fields,
    )
