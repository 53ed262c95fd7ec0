"""Stage parsed records as Parquet, in bounded batches, ready for one short DuckDB load.

Parsing is heavy Python work; it happens here, outside any warehouse connection. The warehouse then
reads the Parquet parts in a single delete-then-insert transaction.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from roadmap_pipeline.lib.records import RAW_TABLES, Document, Reject

_POLARS_TYPES = {"varchar": pl.String, "date": pl.Date, "bigint": pl.Int64, "integer": pl.Int32, "boolean": pl.Boolean}
# The Parquet schema of each raw table's staged rows, from the one definition of the raw tables.
SCHEMAS = {table.kind: {c.name: _POLARS_TYPES[c.type] for c in table.columns} for table in RAW_TABLES}
_DOCUMENT_COLUMNS = tuple(SCHEMAS["documents"])


@dataclass
class StageSummary:
    """What one (source, month) partition held; becomes the asset's metadata."""

    files: int = 0
    documents: int = 0
    in_scope: int = 0
    out_of_scope: int = 0
    rejected: int = 0
    skipped: int = 0
    warnings: int = 0
    by_format: Counter = field(default_factory=Counter)
    by_office: Counter = field(default_factory=Counter)
    reject_reasons: Counter = field(default_factory=Counter)
    preview: list[dict] = field(default_factory=list)

    @classmethod
    def combine(cls, summaries) -> "StageSummary":
        """One summary for several partitions (the preview keeps the first ten documents)."""
        total = cls()
        for s in summaries:
            for name in ("files", "documents", "in_scope", "out_of_scope", "rejected", "skipped", "warnings"):
                setattr(total, name, getattr(total, name) + getattr(s, name))
            for name in ("by_format", "by_office", "reject_reasons"):
                getattr(total, name).update(getattr(s, name))
            total.preview.extend(s.preview[: 10 - len(total.preview)])
        return total

    @property
    def reject_rate(self) -> float:
        """Rejected records over all records read (documents + rejected); 0 when nothing was read."""
        total = self.documents + self.rejected
        return self.rejected / total if total else 0.0


class PartitionStager:
    """Collects the records of one source's partitions (months) as Parquet parts of bounded size.

    Call `begin_month` before the records of each month; every row carries its month, and each
    month has its own summary (record numbers `rec` count within a month).
    """

    def __init__(self, out_dir: Path, source: str, in_scope: Iterable[str], batch_size: int = 20_000):
        self.out_dir = out_dir
        self.source = source
        self.in_scope = set(in_scope)
        self.batch_size = batch_size
        self.summaries: dict[str, StageSummary] = {}
        self.month = ""
        self.summary = StageSummary()
        self._file = ""
        self._rows: dict[str, list[dict]] = {name: [] for name in SCHEMAS}
        self._parts = 0
        shutil.rmtree(out_dir, ignore_errors=True)
        for name in SCHEMAS:
            (out_dir / name).mkdir(parents=True)

    def begin_month(self, month: str) -> StageSummary:
        """Start staging the records of `month`; returns that month's summary."""
        self.month = month
        self.summary = self.summaries[month] = StageSummary()
        return self.summary

    def add(self, record: Document | Reject) -> None:
        """Stage one parsed record."""
        if isinstance(record, Reject):
            self._add_reject(record)
        else:
            self._add_document(record)
        if len(self._rows["documents"]) + len(self._rows["rejects"]) >= self.batch_size:
            self.flush()

    def close(self) -> dict[str, str]:
        """Flush the rest (at least one part per table, possibly empty); return each table's glob."""
        self.flush(force=True)
        return self.globs()

    def globs(self) -> dict[str, str]:
        """Each table's Parquet parts, as a glob for `read_parquet`."""
        return {name: str(self.out_dir / name / "*.parquet") for name in SCHEMAS}

    def discard(self) -> None:
        """Remove the staged Parquet once the warehouse holds it."""
        shutil.rmtree(self.out_dir, ignore_errors=True)

    def flush(self, force: bool = False) -> None:
        if not force and not any(self._rows.values()):
            return
        for name, rows in self._rows.items():
            if rows or force:
                frame = pl.DataFrame(rows, schema=SCHEMAS[name], orient="row") if rows else pl.DataFrame(schema=SCHEMAS[name])
                frame.write_parquet(self.out_dir / name / f"part-{self._parts:05d}.parquet")
            rows.clear()
        self._parts += 1

    def _add_reject(self, reject: Reject) -> None:
        if reject.severity == "error":
            self.summary.rejected += 1
            self.summary.reject_reasons[_reason_class(reject.reason)] += 1
        elif reject.severity == "warning":
            self.summary.warnings += 1
        else:
            self.summary.skipped += 1
        self._rows["rejects"].append({"source": self.source, "partition_month": self.month, **vars(reject),
                                      "excerpt": reject.excerpt[:500]})

    def _add_document(self, doc: Document) -> None:
        summary = self.summary
        rec = summary.documents
        summary.documents += 1
        summary.by_format[doc.source_format] += 1
        summary.by_office[doc.office] += 1
        if doc.office in self.in_scope:
            summary.in_scope += 1
        else:
            summary.out_of_scope += 1
        key = {"source": self.source, "partition_month": self.month, "rec": rec, "doc_id": doc.doc_id}
        row = {column: getattr(doc, column, None) for column in _DOCUMENT_COLUMNS}
        row.update(key, source_file=self._file)
        self._rows["documents"].append(row)
        rows = self._rows
        # A child row is its record's key and the child's fields, which are the table's other columns.
        for seq, p in enumerate(doc.priorities, 1):
            rows["priorities"].append({**key, "seq": seq, **vars(p)})
        rows["classifications"].extend({**key, **vars(c)} for c in doc.classifications)
        rows["parties"].extend({**key, **vars(party)} for party in doc.parties)
        rows["citations"].extend({**key, **vars(citation)} for citation in doc.citations)
        if len(summary.preview) < 10:
            summary.preview.append({"doc_id": doc.doc_id, "format": doc.source_format,
                                    "date": str(doc.publication_date or ""), "title": (doc.title_en or doc.title or "")[:80]})

    def set_file(self, name: str) -> None:
        """Name the file whose records come next (each document row records its file)."""
        self._file = name
        self.summary.files += 1


def _reason_class(reason: str) -> str:
    """The reason up to its first colon: groups rejects for metadata without their specifics."""
    return reason.split(":", 1)[0][:80]
