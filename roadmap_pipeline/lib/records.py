"""The normalized record every format parser yields, and the reject that replaces a bad one."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import date

from roadmap_pipeline.lib.numbers import split_doc_id


@dataclass(frozen=True)
class Priority:
    """One priority claim, its id in DOCDB application form (`KR-20200168607`, `US-2013064552-W`)."""

    priority_id: str
    priority_date: date | None = None
    active: bool | None = None  # DOCDB's priority-active-indicator, where the source gives it
    linkage_type: str | None = None  # DOCDB's priority-linkage-type (W, 1, 2, …), where given


@dataclass(frozen=True)
class Classification:
    """One class symbol, normalized without spaces (`G06N3/08`)."""

    scheme: str  # "CPC" or "IPC"
    symbol: str


@dataclass(frozen=True)
class Party:
    """An applicant or inventor as the source writes the name, with an ISO country code if known."""

    role: str  # "applicant" or "inventor"
    seq: int
    name: str
    country: str | None = None


@dataclass(frozen=True)
class Citation:
    """A cited patent document, as a DOCDB publication id where it can be built, else as written."""

    cited_id: str
    category: str | None = None  # search-report category (X, Y, A…) or who cited (examiner/applicant)


@dataclass
class Document:
    """One publication as one source describes it; the columns of `core.documents` plus child lists."""

    doc_id: str  # DOCDB form CC-NUMBER-KIND, e.g. US-9291047-B2
    office: str  # publishing authority (CC of doc_id)
    publication_number: str  # DOCDB number, e.g. 9291047
    kind: str
    publication_date: date | None = None
    application_id: str | None = None  # DOCDB application form, e.g. US-201314052000
    filing_date: date | None = None
    docdb_family_id: str | None = None
    title: str | None = None  # in the original language where the source has it, else English
    title_lang: str | None = None
    abstract: str | None = None
    abstract_lang: str | None = None
    title_en: str | None = None
    abstract_en: str | None = None
    status: str | None = None  # DOCDB front-file status: A (add), C (change), D (delete)
    source_format: str = ""  # e.g. "uspto-grant-v4.5", "docdb", "ops-biblio", "kipris-biblio"
    locator: str = ""  # where in the file: "doc 3", "ipgb20221025.xml doc 11"
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

    source_file: str
    locator: str  # "file", "doc 3 (line 1234)", "ipgb20221025.xml doc 4"
    reason: str
    excerpt: str = ""  # at most a few hundred characters of the offending input
    # "error": bad input, counted in the reject rate; "skipped": readable input that is not a patent
    # record (a sequence listing, a zip's report file), kept here so that nothing vanishes silently.
    severity: str = "error"

    def to_dict(self) -> dict:
        return asdict(self)


def _iso(value):
    if isinstance(value, dict):
        return {k: _iso(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_iso(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value
