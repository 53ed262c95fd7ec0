"""The normalized record every format parser yields, and the reject that replaces a bad one."""

from __future__ import annotations

import typing
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date

from roadmap_pipeline.lib.numbers import split_doc_id


@dataclass(frozen=True)
class Source:
    """A delivering source: the raw asset `raw_<name>` that reads landing-zone folder `folder`."""

    name: str  # also the prefix of its raw tables: raw.<name>_documents, raw.<name>_priorities, …
    folder: str
    label: str  # who delivers what, for descriptions
    file_kind: str  # the Dagster kind of its files


# The five offices' dumps, and the analysts' exports of search tools (Lens, Espacenet, Google Patents, KIPRIS).
SOURCES = (
    Source("kipo", "KR", "KIPO (KR)", "xml"),
    Source("uspto", "US", "USPTO (US)", "xml"),
    Source("jpo", "JP", "JPO (JP)", "xml"),
    Source("cnipa", "CN", "CNIPA (CN)", "xml"),
    Source("epo", "EP", "EPO (EP, DOCDB/OPS)", "xml"),
    Source("exports", "EXPORTS", "analyst export (Lens, Espacenet, Google Patents, KIPRIS CSV/XLSX)", "csv"),
)
# The five offices (IP5) whose publications the analysis keeps, and the language of each one's own texts.
OFFICE_LANGUAGES = {"KR": "ko", "US": "en", "JP": "ja", "CN": "zh", "EP": "en"}
IP5_OFFICES = tuple(OFFICE_LANGUAGES)


def _column(description: str, not_null: bool = False) -> dict:
    """Field metadata of a record field that is a raw-table column."""
    return {"description": description, "not_null": not_null}


@dataclass(frozen=True)
class Priority:
    """One priority claim, its id in DOCDB application form (`KR-20200168607`, `US-2013064552-W`)."""

    priority_id: str = field(metadata=_column("DOCDB application form", not_null=True))
    priority_date: date | None = None
    active: bool | None = None  # DOCDB's priority-active-indicator, where the source gives it
    linkage_type: str | None = None  # DOCDB's priority-linkage-type (W, 1, 2, …), where given


@dataclass(frozen=True)
class Classification:
    """One class symbol, normalized without spaces (`G06N3/08`)."""

    scheme: str = field(metadata=_column('"CPC" or "IPC"', not_null=True))
    symbol: str = field(metadata=_column("without spaces, e.g. G06N3/08", not_null=True))


@dataclass(frozen=True)
class Party:
    """An applicant or inventor as the source writes the name, with an ISO country code if known."""

    role: str = field(metadata=_column('"applicant" or "inventor"', not_null=True))
    seq: int
    name: str
    country: str | None = None


@dataclass(frozen=True)
class Citation:
    """A cited patent document, as a DOCDB publication id where it can be built, else as written."""

    cited_id: str = field(metadata=_column("DOCDB publication id where it can be built, else as written", not_null=True))
    category: str | None = field(default=None, metadata=_column(
        "search-report category (X, Y, A…) or who cited (examiner/applicant)"))


@dataclass
class Document:
    """One publication as one source describes it; the columns of `core.documents` plus child lists.

    Its scalar fields are the columns of the raw documents tables (see `RAW_TABLES`), described here.
    """

    doc_id: str = field(metadata=_column("DOCDB publication id CC-NUMBER-KIND, e.g. US-9291047-B2", not_null=True))
    office: str = field(metadata=_column("publishing authority (CC of doc_id)", not_null=True))
    publication_number: str = field(metadata=_column("DOCDB publication number, e.g. 9291047"))
    kind: str = field(metadata=_column("kind code"))
    publication_date: date | None = None
    application_id: str | None = field(default=None, metadata=_column("DOCDB application id, e.g. US-201314052000"))
    filing_date: date | None = None
    docdb_family_id: str | None = field(default=None, metadata=_column("DOCDB simple-family id, where the source gives it"))
    title: str | None = field(default=None, metadata=_column("title in the original language where the source has it, else English"))
    title_lang: str | None = None
    abstract: str | None = field(default=None, metadata=_column("abstract in the original language where the source has it"))
    abstract_lang: str | None = None
    title_en: str | None = None
    abstract_en: str | None = None
    status: str | None = field(default=None, metadata=_column("DOCDB front-file status: A (add), C (change), D (delete)"))
    source_format: str = field(default="", metadata=_column('format read, e.g. "uspto-grant-v4.5", "docdb", "kipris-biblio"'))
    locator: str = field(default="", metadata=_column('where in the file: "doc 3", "ipgb20221025.xml doc 11"'))
    priorities: list[Priority] = field(default_factory=list)
    classifications: list[Classification] = field(default_factory=list)
    parties: list[Party] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)

    def to_dict(self) -> dict:
        """JSON-ready dict (dates as ISO strings)."""
        return _iso(asdict(self))

    def other_publication(self, doc_id: str, published: date | None) -> Document:
        """This record as another publication of its application (KR A and B1; EP A2, A3, B1).

        Bibliographic lists are copied; citations stay with the publication that made them.
        """
        office, number, kind = split_doc_id(doc_id)
        return replace(
            self, doc_id=doc_id, office=office, publication_number=number, kind=kind,
            publication_date=published, priorities=list(self.priorities),
            classifications=list(self.classifications), parties=list(self.parties), citations=[],
        )


@dataclass(frozen=True)
class Reject:
    """A record or a whole file that could not be read, with the reason and the offending bytes."""

    source_file: str = field(metadata=_column("file the record came from", not_null=True))
    locator: str = field(metadata=_column('"file", "doc 3 (line 1234)", "ipgb20221025.xml doc 4"'))
    reason: str = field(metadata=_column("why it was rejected", not_null=True))
    excerpt: str = field(default="", metadata=_column("at most a few hundred characters of the offending input"))
    # "error": bad input, counted in the reject rate; "warning": a document kept without one value
    # (a number whose DOCDB form needs a fact the record lacks); "skipped": readable input that is not
    # a patent record (a sequence listing, a zip's report file), kept so that nothing vanishes silently.
    severity: str = field(default="error", metadata=_column('"error", "warning" or "skipped"', not_null=True))

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Column:
    """A column of a raw table: name, DuckDB type, whether it is NOT NULL, what it holds."""

    name: str
    type: str
    not_null: bool = False
    description: str = ""


@dataclass(frozen=True)
class RawTable:
    """A kind of raw table, one per source (`raw.<source>_<kind>`), and what one of its rows is."""

    kind: str
    row: str
    columns: tuple[Column, ...]


_SQL_TYPES = {str: "varchar", date: "date", int: "integer", bool: "boolean"}
_SOURCE = Column("source", "varchar", True, "raw asset (source) that delivered it")
_MONTH = Column("partition_month", "varchar", True, "delivery month YYYY-MM")
_REC = Column("rec", "bigint", True, "record number within the month")
_DOC_ID = Column("doc_id", "varchar", True, "publication the row belongs to")


def _columns(record: type, *first: Column) -> tuple[Column, ...]:
    """`first`, then the scalar fields of dataclass `record` as columns (a list field is a child table)."""
    hints = typing.get_type_hints(record)
    columns = list(first)
    for f in fields(record):
        base = next(t for t in (*typing.get_args(hints[f.name]), hints[f.name]) if t is not type(None))
        if base in _SQL_TYPES and f.name not in {c.name for c in first}:
            columns.append(Column(f.name, _SQL_TYPES[base], f.metadata.get("not_null", False),
                                  f.metadata.get("description", "")))
    return tuple(columns)


# Every raw table of a source, in load order; the staging Parquet, the DDL and the assets derive from it.
RAW_TABLES = (
    RawTable("documents", "publication record",
             _columns(Document, _SOURCE, _MONTH, _REC, Column("source_file", "varchar", True, "file it was read from"))),
    RawTable("priorities", "priority claim", _columns(Priority, _SOURCE, _MONTH, _REC, _DOC_ID,
                                                      Column("seq", "integer", description="order in the record"))),
    RawTable("classifications", "class symbol (CPC or IPC)", _columns(Classification, _SOURCE, _MONTH, _REC, _DOC_ID)),
    RawTable("parties", "applicant or inventor", _columns(Party, _SOURCE, _MONTH, _REC, _DOC_ID)),
    RawTable("citations", "cited document", _columns(Citation, _SOURCE, _MONTH, _REC, _DOC_ID)),
    RawTable("rejects", "record or file that could not be read, with the reason", _columns(Reject, _SOURCE, _MONTH)),
)


def _iso(value):
    if isinstance(value, dict):
        return {k: _iso(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_iso(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value
