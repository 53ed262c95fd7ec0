"""The export flavours: how each tool names its columns, and how one of its rows becomes Documents.

Each reader takes a `Row` and returns its Documents, records unreadable cells on the row, and
raises `RowRejected` when the row gives no Document at all. Decisions per flavour:

* ``lens`` (Lens.org CSV): the publication is ``Publication Number`` or ``Display Key``
  (``US 2025/0100135 A1``), application and priorities are in DOCDB form (``US 65784810 A``,
  ``US 83547206 P 20060804``), lists are ``;;``-separated. ``Simple/Extended Family Size`` are
  counts, not family ids, and are not used.
* ``lens-api`` (a flattened Lens API response): ``doc_key`` (``CN_218289675_U_20230113``) is the
  publication; there is no application or priority number. ``abstract_lang`` is used;
  ``title_lang`` is not, because it contradicts the titles it labels (``nl`` on "Green concrete
  discharging device", ``de`` on hundreds of upper-case English titles): the title's language
  comes from its script. ``owner`` is the current owner, not the applicant, and is not a party.
* ``espacenet`` (result list, German or English interface): a row lists the publications of one
  application (``EP0460457A2`` … ``B2``) with their dates line by line; each becomes a Document
  sharing title, parties, classes and ``Familiennummer`` (the DOCDB family id, zero-padded to nine
  digits, stored without the padding as DOCDB writes it). Only the earliest priority's date is
  given, without number, so no Priority can be built.
* ``google-patents``: ``id`` is DOCDB-like (``US-7197497-B2``). Names are comma-separated, so
  "Inc.", "Ltd.", "Jr." are kept on their name. Titles are English when the query (the
  ``search URL:`` line) asked for ``language=ENGLISH``. The priority date has no number either.
* ``kipris`` (a KIPRIS crawl): one row gives the unexamined publication (공개번호, kind A or U for
  utility models) and the registration (등록번호, B1 or Y1), like the KIPRIS API parser. The
  registration's publication date is left empty: the export gives the registration date, not the
  gazette date DOCDB uses. The title cell holds the Korean title and the English one in
  parentheses; the abstract, which the crawler cut at its semicolons into the following columns,
  is joined back with ``;``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from roadmap_pipeline.lib.formats.classification import SYMBOL_IN_TEXT
from roadmap_pipeline.lib.formats.exports.fields import (
    FieldError,
    class_symbol,
    clean_text,
    comma_names,
    espacenet_cpc_symbols,
    excel_mangled,
    export_application_id,
    export_date,
    export_publication_id,
    is_latin_only,
    korean_applicants,
    lines_of,
    mangled_reason,
    name_with_country,
    script_language,
    split_epodoc_with_kind,
    split_korean_title,
    split_spaced_number,
)
from roadmap_pipeline.lib.formats.exports.rows import Row, document
from roadmap_pipeline.lib.numbers import NumberError
from roadmap_pipeline.lib.records import Classification, Document, Party, Priority


class RowRejected(Exception):
    """The row gives no Document; the message is the reason."""


@dataclass(frozen=True)
class Flavour:
    """One export flavour: its column names per field, how its header is told, how a row is read."""

    name: str
    columns: dict[str, tuple[str, ...]]  # field -> header names, normalized by `header_key`
    identifies: Callable[[set[str]], bool]
    read: Callable[[Row], list[Document]]

    @property
    def source_format(self) -> str:
        return f"export-{self.name}"

    def column_indexes(self, header: list[str]) -> dict[str, int]:
        """Field -> index of the first column whose header is one of the field's names."""
        keys = [header_key(cell) for cell in header]
        indexes = {}
        for name, aliases in self.columns.items():
            index = next((i for i, key in enumerate(keys) if key in aliases), None)
            if index is not None:
                indexes[name] = index
        return indexes


_WHOOSH_TYPE = re.compile(r"(?<![a-z])(text|numeric|datetime|ngram|keyword|stored)$")


def header_key(cell: str) -> str:
    """A header cell compared across tools: case, BOM, spacing and Whoosh type words dropped.

    ``출원번호 NUMERIC`` → ``출원번호``, ``출원날짜DATETIME`` → ``출원날짜``, ``Lens ID`` → ``lens id``.
    """
    text = unicodedata.normalize("NFKC", cell).replace("\ufeff", "").strip().strip('"').lower()
    text = " ".join(text.split())
    return _WHOOSH_TYPE.sub("", text).strip()


# --- shared cell readers ---------------------------------------------------------------------


def _date(row: Row, name: str) -> date | None:
    try:
        return export_date(row.get(name))
    except FieldError as exc:
        row.issue(name, f"unreadable date: {exc}", row.get(name) or "")
        return None


def _classes(row: Row, name: str, scheme: str, values: list[str]) -> list[Classification]:
    """Classes of one column's values, duplicates dropped, unreadable ones recorded."""
    symbols: list[str] = []
    for value in values:
        try:
            symbol = class_symbol(value)
        except FieldError as exc:
            row.issue(name, str(exc), value)
            continue
        if symbol not in symbols:
            symbols.append(symbol)
    return [Classification(scheme, s) for s in symbols]


def _parties(role: str, names: list[str], countries: list[str | None] | None = None) -> list[Party]:
    countries = countries or [None] * len(names)
    return [
        Party(role, seq, name, country)
        for seq, (name, country) in enumerate(zip(names, countries), start=1)
    ]


def _double_semicolon(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(";;") if part.strip()]


def _publication_text(row: Row, names: tuple[str, ...]) -> str:
    """The publication-number cell, or RowRejected when it is blank, Excel-mangled or damaged."""
    written = next((row.get(n) for n in names if row.get(n)), None)
    if written is None:
        blank = " and ".join(row.column(n) for n in names if n in row.columns) or "no column"
        raise RowRejected(f"no publication number: {blank} blank")
    if excel_mangled(written):
        raise RowRejected(mangled_reason("publication number", written))
    damage = row.damage_reason(names)
    if damage:
        raise RowRejected(damage)
    return written


def _check_jurisdiction(row: Row, office: str) -> None:
    written = row.get("jurisdiction")
    if written and written.upper() != office:
        row.issue("jurisdiction", f"jurisdiction {written!r} differs from the number's {office}",
                  written)


def _language_code(text: str | None) -> str | None:
    """``zh-cn`` → ``zh``; ``unknown`` and blanks → None."""
    code = (text or "").strip().lower().replace("_", "-").split("-")[0]
    return code if re.fullmatch(r"[a-z]{2}", code) else None


# --- Lens.org CSV ------------------------------------------------------------------------------


def read_lens(row: Row) -> list[Document]:
    """A Lens.org CSV row: one publication."""
    written = _publication_text(row, ("publication_number", "display_key"))
    try:
        country, number, kind, _ = split_spaced_number(written)
        doc_id = export_publication_id(country, number, kind or row.get("kind"), fmt="original")
    except (FieldError, NumberError) as exc:
        raise RowRejected(f"publication number not normalized: {exc}") from None
    office = doc_id[:2]
    _check_jurisdiction(row, office)
    filed = _date(row, "application_date")
    title = clean_text(row.get("title"))
    if title and title.replace(" ", "") == written.replace(" ", ""):
        title = None  # Lens shows the number where the publication has no title
    classes = _classes(row, "cpc", "CPC", _double_semicolon(row.get("cpc")))
    classes += _classes(row, "ipc", "IPC", _double_semicolon(row.get("ipc")))
    return [
        document(
            row,
            doc_id,
            publication_date=_date(row, "publication_date"),
            application_id=_lens_application(row, filed),
            filing_date=filed,
            title=title,
            title_lang=script_language(title, office),
            priorities=_lens_priorities(row),
            classifications=classes,
            parties=_parties("applicant", _double_semicolon(row.get("applicants")))
            + _parties("inventor", _double_semicolon(row.get("inventors"))),
        )
    ]


def _lens_application(row: Row, filed: date | None) -> str | None:
    written = row.number("application_number")
    if written is None:
        return None
    try:
        country, number, kind, _ = split_spaced_number(written)
        return export_application_id(country, number, kind, filed, fmt="docdb")
    except (FieldError, NumberError) as exc:
        row.number_issue("application_number", "application number", exc, written)
        return None


def _lens_priorities(row: Row) -> list[Priority]:
    priorities: list[Priority] = []
    for written in _double_semicolon(row.get("priority_numbers")):
        try:
            country, number, kind, claimed = split_spaced_number(written)
            claimed_date = export_date(claimed)
            priority_id = export_application_id(country, number, kind, claimed_date, fmt="docdb")
        except (FieldError, NumberError) as exc:
            row.number_issue("priority_numbers", "priority number", exc, written)
            continue
        if priority_id not in {p.priority_id for p in priorities}:
            priorities.append(Priority(priority_id, claimed_date))
    return priorities


# --- Lens API, flattened -------------------------------------------------------------------------


def read_lens_api(row: Row) -> list[Document]:
    """A row of a flattened Lens API response: one publication with its abstract."""
    written = _publication_text(row, ("doc_key",))
    try:
        country, number, kind, key_date = split_spaced_number(written)
        doc_id = export_publication_id(country, number, kind, fmt="docdb")
    except (FieldError, NumberError) as exc:
        raise RowRejected(f"doc_key not normalized: {exc}") from None
    office = doc_id[:2]
    _check_jurisdiction(row, office)
    published = _date(row, "publication_date")
    if published is None and key_date:
        published = export_date(key_date)
    title = clean_text(row.get("title"))
    abstract = clean_text(row.get("abstract"))
    abstract_lang = _abstract_language(abstract, row.get("abstract_lang"), office)
    return [
        document(
            row,
            doc_id,
            publication_date=published,
            filing_date=_date(row, "application_date"),
            title=title,
            title_lang=script_language(title, office),
            abstract=abstract,
            abstract_lang=abstract_lang if abstract else None,
        )
    ]


def _abstract_language(abstract: str | None, written: str | None, office: str) -> str | None:
    """The abstract's language: its script where that decides (Hangul, kana, Han), else the
    export's tag, unless the tag names a CJK language for a text in Latin script.

    The tag is wrong on some rows (Chinese abstracts of CN patents tagged ``ko``).
    """
    if not abstract:
        return None
    by_script = script_language(abstract, office)
    if by_script:
        return by_script
    tagged = _language_code(written)
    cjk_text = any(0x3040 <= ord(ch) <= 0x9FFF or 0xAC00 <= ord(ch) <= 0xD7A3 for ch in abstract)
    if tagged in ("ko", "ja", "zh") and not cjk_text:
        return None
    return tagged


# --- Espacenet result list -----------------------------------------------------------------------

_NO_TITLE = frozenset({"kein titel verfügbar", "no title available"})


def read_espacenet(row: Row) -> list[Document]:
    """An Espacenet result-list row: the publications of one application, one per line."""
    numbers = lines_of(_publication_text(row, ("publication_number",)))
    dates = _espacenet_dates(row, len(numbers))
    title = clean_text(row.get("title"))
    if title and title.lower().rstrip(".") in _NO_TITLE:
        title = None
    classes = _classes(row, "ipc", "IPC", lines_of(row.raw("ipc")))
    classes += _espacenet_cpc(row)
    base = None
    documents = []
    problems = []
    for written, published in zip(numbers, dates):
        try:
            epodoc, kind = split_epodoc_with_kind(written)
            doc_id = export_publication_id("", epodoc, kind, fmt="epodoc")
        except (FieldError, NumberError) as exc:
            problems.append(str(exc))
            row.issue("publication_number", f"publication number not normalized: {exc}", written)
            continue
        if base is None:
            base = document(
                row,
                doc_id,
                publication_date=published,
                docdb_family_id=_family_id(row),
                title=title,
                title_lang=script_language(title, doc_id[:2]),
                classifications=classes,
                parties=_espacenet_parties(row, "applicant", "applicants")
                + _espacenet_parties(row, "inventor", "inventors"),
            )
            documents.append(base)
        else:
            documents.append(base.other_publication(doc_id, published))
    if not documents:
        raise RowRejected("no publication number could be normalized: " + "; ".join(problems))
    return documents


def _espacenet_dates(row: Row, count: int) -> list[date | None]:
    """Publication dates, one per publication number; all None when the lines do not pair up."""
    written = lines_of(row.raw("publication_date"))
    if len(written) != count:
        if written:
            row.issue("publication_date",
                      f"{len(written)} dates for {count} publication numbers: dates not assigned",
                      row.raw("publication_date"))
        return [None] * count
    dates = []
    for value in written:
        try:
            dates.append(export_date(value))
        except FieldError as exc:
            row.issue("publication_date", f"unreadable date: {exc}", value)
            dates.append(None)
    return dates


def _espacenet_cpc(row: Row) -> list[Classification]:
    symbols: list[str] = []
    for line in lines_of(row.raw("cpc")):
        try:
            found = espacenet_cpc_symbols(line)
        except FieldError as exc:
            row.issue("cpc", str(exc), line)
            continue
        symbols += [s for s in found if s not in symbols]
    return [Classification("CPC", s) for s in symbols]


def _espacenet_parties(row: Row, role: str, name: str) -> list[Party]:
    pairs = [name_with_country(line) for line in lines_of(row.raw(name))]
    return _parties(role, [p[0] for p in pairs], [p[1] for p in pairs])


def _family_id(row: Row) -> str | None:
    written = row.get("family_id")
    if written is None:
        return None
    if not written.isdigit() or not int(written):
        row.issue("family_id", "DOCDB family id is not a positive number", written)
        return None
    return str(int(written))


# --- Google Patents -----------------------------------------------------------------------------


def read_google(row: Row) -> list[Document]:
    """A Google Patents CSV row: one publication, with assignees and inventors."""
    written = _publication_text(row, ("id",))
    parts = written.split("-")
    if len(parts) != 3:
        raise RowRejected(f"id {written!r} is not COUNTRY-NUMBER-KIND")
    try:
        doc_id = export_publication_id(parts[0], parts[1], parts[2], fmt="original")
    except NumberError as exc:
        raise RowRejected(f"publication number not normalized: {exc}") from None
    office = doc_id[:2]
    title = clean_text(row.get("title"))
    english_query = any("language=english" in line.lower() for line in row.preamble)
    title_lang = "en" if title and english_query and is_latin_only(title) else None
    return [
        document(
            row,
            doc_id,
            publication_date=_date(row, "publication_date"),
            filing_date=_date(row, "filing_date"),
            title=title,
            title_lang=title_lang or script_language(title, office),
            parties=_parties("applicant", comma_names(row.get("assignee")))
            + _parties("inventor", comma_names(row.get("inventors"))),
        )
    ]


# --- KIPRIS -------------------------------------------------------------------------------------

# Right type (a KIPRIS number's first two digits) -> kinds of the open and registered publication.
_KR_KINDS = {"10": ("A", "B1"), "20": ("U", "Y1")}


def read_kipris(row: Row) -> list[Document]:
    """A KIPRIS crawl row: the unexamined publication and/or the registration."""
    filed = _date(row, "application_date")
    title_cell = clean_text(row.get("title"))
    title, title_en = split_korean_title(title_cell) if title_cell else (None, None)
    abstract = _kipris_abstract(row)
    shared = dict(
        application_id=_kipris_application(row, filed),
        filing_date=filed,
        title=title,
        title_lang=script_language(title),
        title_en=title_en,
        abstract=abstract,
        abstract_lang=script_language(abstract, "KR"),
        classifications=_kipris_classes(row),
        parties=_parties("applicant", korean_applicants(row.get("applicants")))
        + _parties("inventor", (row.get("inventors") or "").split()),
    )
    documents: list[Document] = []
    problems: list[str] = []
    for name, position, published in (
        ("open_number", 0, _date(row, "open_date")),
        ("registration_number", 1, None),
    ):
        written = row.get(name)
        doc_id = _kipris_publication(row, name, written, position, problems) if written else None
        if doc_id is None:
            continue
        if documents:
            documents.append(documents[0].other_publication(doc_id, published))
        else:
            documents.append(document(row, doc_id, publication_date=published, **shared))
    if not documents:
        if not problems:
            problems = [f"{row.column('open_number')} and {row.column('registration_number')} "
                        "are blank"]
        raise RowRejected("no publication number: " + "; ".join(problems))
    return documents


def _kipris_publication(row: Row, name: str, written: str, position: int,
                        problems: list[str]) -> str | None:
    """DOCDB id of a KIPRIS open or registration number; None with the problem recorded."""
    column = row.column(name)
    if excel_mangled(written):
        problem = mangled_reason(column, written)
    elif row.damage_reason((name,)):
        problem = row.damage_reason((name,))
    else:
        kinds = _KR_KINDS.get(re.sub(r"\D", "", written)[:2])
        if kinds is None:
            problem = (f"{column} {written!r}: right type is neither 10 (patent) nor 20 "
                       "(utility model)")
        else:
            try:
                return export_publication_id("KR", written, kinds[position], fmt="kipris")
            except NumberError as exc:
                problem = f"{column} not normalized: {exc}"
    problems.append(problem)
    row.issue(name, problem, written)
    return None


def _kipris_application(row: Row, filed: date | None) -> str | None:
    written = row.number("application_number")
    if written is None:
        return None
    damage = row.damage_reason(("application_number",))
    if damage:
        row.issue("application_number", damage, written)
        return None
    try:
        return export_application_id("KR", written, None, filed, fmt="kipris")
    except NumberError as exc:
        row.number_issue("application_number", "application number", exc, written)
        return None


def _kipris_abstract(row: Row) -> str | None:
    """The abstract, with the parts the crawler spilled into the next columns joined back."""
    parts = [row.raw("abstract")] + [c for c in row.cells_after("abstract") if c.strip()]
    return clean_text(";".join(parts))


def _kipris_classes(row: Row) -> list[Classification]:
    """IPC symbols of the crawl's list string ``['H01G 11/86 …', 'H01G 11/86|H01G 11/32']``."""
    written = row.get("ipc")
    if written is None:
        return []
    found = SYMBOL_IN_TEXT.findall(written)
    if not found:
        row.issue("ipc", "no IPC symbol found", written)
    return _classes(row, "ipc", "IPC", found)


# --- the table -----------------------------------------------------------------------------------


def _names(*names: str) -> tuple[str, ...]:
    return tuple(header_key(n) for n in names)


LENS = Flavour(
    "lens",
    {
        "display_key": _names("Display Key"),
        "publication_number": _names("Publication Number"),
        "jurisdiction": _names("Jurisdiction"),
        "kind": _names("Kind"),
        "publication_date": _names("Publication Date"),
        "application_number": _names("Application Number"),
        "application_date": _names("Application Date"),
        "priority_numbers": _names("Priority Numbers"),
        "title": _names("Title"),
        "applicants": _names("Applicants"),
        "inventors": _names("Inventors"),
        "cpc": _names("CPC Classifications"),
        "ipc": _names("IPCR Classifications", "IPC Classifications"),
    },
    lambda keys: "jurisdiction" in keys
    and ("display key" in keys or {"publication number", "lens id"} <= keys),
    read_lens,
)

LENS_API = Flavour(
    "lens-api",
    {
        "doc_key": _names("doc_key"),
        "jurisdiction": _names("jurisdiction"),
        "publication_date": _names("date_published"),
        "application_date": _names("application_reference_date"),
        "title": _names("invention_title"),
        "abstract": _names("abstract"),
        "abstract_lang": _names("abstract_lang"),
    },
    lambda keys: {"lens_id", "doc_key", "jurisdiction"} <= keys,
    read_lens_api,
)

ESPACENET = Flavour(
    "espacenet",
    {
        "publication_number": _names("Veröffentlichungsnummer", "Publication number"),
        "title": _names("Titel", "Title"),
        "inventors": _names("Erfinder", "Inventors"),
        "applicants": _names("Anmelder", "Applicants"),
        "ipc": _names("IPC"),
        "cpc": _names("CPC"),
        "publication_date": _names("Veröffentlichungsdatum", "Publication date"),
        "family_id": _names("Familiennummer", "Family number"),
    },
    lambda keys: bool(keys & set(_names("Veröffentlichungsnummer", "Publication number")))
    and bool(keys & set(_names("Familiennummer", "Family number")))
    and "lens id" not in keys,
    read_espacenet,
)

GOOGLE = Flavour(
    "google-patents",
    {
        "id": _names("id"),
        "title": _names("title"),
        "assignee": _names("assignee"),
        "inventors": _names("inventor/author"),
        "filing_date": _names("filing/creation date"),
        "publication_date": _names("publication date"),
    },
    lambda keys: {"id", "result link"} <= keys,
    read_google,
)

KIPRIS = Flavour(
    "kipris",
    {
        "title": _names("특허명", "발명의명칭"),
        "ipc": _names("IPC넘버", "IPC"),
        "applicants": _names("출원인"),
        "application_number": _names("출원번호"),
        "application_date": _names("출원날짜", "출원일자"),
        "registration_number": _names("등록번호"),
        "open_number": _names("공개번호"),
        "open_date": _names("공개일자"),
        "inventors": _names("발명가", "발명자"),
        "abstract": _names("설명", "요약"),
    },
    lambda keys: "출원번호" in keys and bool(keys & {"공개번호", "등록번호"}),
    read_kipris,
)

FLAVOURS: tuple[Flavour, ...] = (LENS_API, LENS, GOOGLE, ESPACENET, KIPRIS)


def match_header(cells: list[str]) -> Flavour | None:
    """The flavour whose header these cells are, or None."""
    keys = {header_key(c) for c in cells} - {""}
    return next((f for f in FLAVOURS if f.identifies(keys)), None)


# Tables that look like exports but are not publication lists, and what they are.
_NOT_EXPORTS = (
    ({"appln_id", "appln_auth"}, "a PATSTAT extract (one row per application and class): it has "
     "no publication numbers"),
    ({"appln_id", "full_pub_number"}, "a PATSTAT abstract table keyed by application"),
    ({"patent_number", "patent_title"}, "PatentsView API output (not an analyst export)"),
    ({"lens_id", "extracted_name"}, "a Lens applicant table (one row per applicant, not per "
     "publication)"),
    ({"publication_number", "applicants_useme"}, "a Lens export reworked in VantagePoint "
     "(renamed, cleaned columns), not a Lens export"),
    ({"patentapplicationnumber", "inventiontitle"}, "USPTO developer API output (not an analyst "
     "export)"),
)


def describe_unknown(cells: list[str], delimiter_hint: str | None = None) -> str:
    """What an unknown header looks like, for the file-level Reject."""
    keys = {header_key(c) for c in cells}
    for needed, what in _NOT_EXPORTS:
        if needed <= keys:
            return f"unknown export header: looks like {what}"
    shown = ", ".join(repr(c.strip()) for c in cells[:6] if c.strip())
    more = f" … ({len(cells)} columns)" if len(cells) > 6 else f" ({len(cells)} columns)"
    return (
        "unknown export header (not Lens, Lens API, Espacenet, Google Patents or KIPRIS): "
        f"first line {shown}{more}"
    )
