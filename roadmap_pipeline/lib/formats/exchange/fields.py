"""The fields of one exchange-document record (DOCDB or OPS), its numbers in their three forms.

Priorities, classes, parties, citations, titles and abstracts are read here too.

Bulk files make this the hot path: children are walked with plain loops and tag comparisons
(cheaper in lxml than `find` or a filtered `iterchildren` on short child lists), and the values
that recur all through a file (numbers, dates, class symbols) are normalized once.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date
from functools import lru_cache

from lxml import etree

from roadmap_pipeline.lib import numbers
from roadmap_pipeline.lib.formats.classification import class_symbol, leading_symbol, symbol_of_parts
from roadmap_pipeline.lib.formats.dates import compact_date
from roadmap_pipeline.lib.formats.number_issues import Issue, number_issue
from roadmap_pipeline.lib.records import Citation, Classification, Document, Party, Priority

EXCH_NS = "http://www.epo.org/exchange"
_FORMAT_RANK = {"docdb": 0, None: 0, "epodoc": 1, "original": 2}  # None: untyped, decided by its fields
_PARTY_FORMAT_RANK = {"docdb": 0, "epodoc": 1, "docdba": 2, "original": 3, None: 4}
_FRONT_FILE_STATUS = frozenset("ACD")
_ACTIVE = {"Y": True, "YES": True, "N": False, "NO": False}
# Who cited, where a citation has no search-report category (DOCDB `cited-phase`).
_PHASE_CITED_BY = {"APP": "applicant", "SEA": "examiner", "ISR": "examiner", "SUP": "examiner", "EXA": "examiner"}
# Publication language of an office, for records that do not state it.
_OFFICE_LANGUAGE = {
    "CN": "zh", "TW": "zh", "KR": "ko", "JP": "ja", "DE": "de", "AT": "de", "FR": "fr", "RU": "ru",
    "SU": "ru", "ES": "es", "IT": "it", "PT": "pt", "NL": "nl", "SE": "sv", "DK": "da", "FI": "fi",
    "PL": "pl", "CZ": "cs", "GB": "en", "US": "en", "CA": "en", "AU": "en",
}
_OPS_PARTS = ("section", "class", "subclass", "main-group", "subgroup")
# The fields of a document-id by tag: in no namespace in DOCDB, in the exchange namespace in OPS.
_ID_TAGS = {tag: name for name in ("country", "doc-number", "kind", "date") for tag in (name, f"{{{EXCH_NS}}}{name}")}
_NAME_COUNTRY = re.compile(r"^(.*?)\s*\[([A-Z]{2})\]$")
_IPC7_LINES = frozenset(("main-classification", "further-classification", "text"))
_NAME_FOLDS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "ø": "oe", "å": "aa"})


class _LocalNames(dict):
    """Tag -> local name (``{http://www.epo.org/exchange}parties`` -> ``parties``), filled as met."""

    def __missing__(self, tag: str) -> str:
        local = self[tag] = tag[tag.find("}") + 1 :]
        return local


LOCAL = _LocalNames()


class RecordError(Exception):
    """A record that parsed as XML but cannot become a Document (the message says why)."""


# --------------------------------------------------------------------------- record -> Document
#
# Bulk files make this the hot path: children are walked with plain loops and tag comparisons
# (cheaper in lxml than `find` or a filtered `iterchildren` on short child lists), and the values
# that recur all through a file (numbers, dates, class symbols) are normalized once.


def _parts(element: etree._Element) -> dict[str, list[etree._Element]]:
    """Children of a record and of its bibliographic-data by tag; priority claims unwrapped."""
    parts: dict[str, list[etree._Element]] = {}
    local = LOCAL
    for child in element:
        for part in child if local[child.tag] == "bibliographic-data" else (child,):
            tag = local[part.tag]
            if tag == "priority-claims":
                parts.setdefault("priority-claim", []).extend(part)
            elif tag in parts:
                parts[tag].append(part)
            else:
                parts[tag] = [part]
    return parts


def build_document(
    element: etree._Element,
    source_format: str,
    locator: str,
    issues: list[Issue],
    member: etree._Element | None = None,
) -> Document:
    """Build the Document of an exchange-document (or of a bare OPS family member).

    Args:
        element: the exchange-document, or the family-member when it has no biblio.
        source_format: ``docdb``, ``ops-biblio`` or ``ops-family``.
        locator: where the record is in its file.
        issues: receives the application and priority numbers the Document is kept without.
        member: the OPS family-member around `element`; its DOCDB-form application and priority
            claims (with active indicators and linkage types) replace the biblio's.

    Raises:
        RecordError: when no publication number can be read.
    """
    parts = _parts(element)
    family_id = element.get("family-id")  # `element.get`: cheaper than a lookup through `.attrib`
    if member is not None:
        around = _parts(member)
        for key in ("application-reference", "priority-claim"):
            if key in around:
                parts[key] = around[key]
        family_id = family_id or member.get("family-id")
    doc_id, publication_date = _publication(parts, element)
    office, _, rest = doc_id.partition("-")
    number, _, kind = rest.rpartition("-")
    application_references = parts.get("application-reference", [])
    application_id, filing_date, _ = _resolve_references(application_references, _application_id)
    if application_id is None and application_references:
        _note_unusable(application_references, filing_date, "application number", issues)
    status = element.get("status")
    document = Document(
        doc_id=doc_id,
        office=office,
        publication_number=number,
        kind=kind,
        publication_date=publication_date,
        application_id=application_id,
        filing_date=filing_date,
        docdb_family_id=family_id or None,
        status=status if status in _FRONT_FILE_STATUS else None,
        source_format=source_format,
        locator=locator,
        priorities=_priorities(parts.get("priority-claim", ()), issues),
        classifications=_classifications(parts),
        parties=_parties(parts.get("parties", ())),
        citations=_citations(parts.get("references-cited", ())),
    )
    _set_texts(document, parts)
    return document


# Document numbers: a reference (publication, application, priority, cited patent) holds the same
# number in up to three forms, tried in the order docdb, epodoc, original.


def _forms(references: list[etree._Element]) -> Iterator[tuple[str | None, etree._Element]]:
    """(data format, document-id) of the given references, best format first, read lazily.

    The format is the document-id's ``document-id-type`` (OPS: one reference, several ids) or its
    reference's ``data-format`` (DOCDB: one reference per form); None when neither says.
    """
    if len(references) > 1:
        references = sorted(references, key=_reference_rank)
    for reference in references:
        reference_format = reference.get("data-format")
        ids = [(child.get("document-id-type") or reference_format, child)
               for child in reference if LOCAL[child.tag] == "document-id"]
        if len(ids) > 1:
            ids.sort(key=_form_rank)
        yield from ids


def _reference_rank(reference: etree._Element) -> int:
    return _FORMAT_RANK.get(reference.get("data-format"), 3)


def _form_rank(form: tuple[str | None, etree._Element]) -> int:
    return _FORMAT_RANK.get(form[0], 3)


def _fields(fmt: str | None, document_id: etree._Element, dated: bool = True) -> dict[str, str]:
    """Country, doc-number, kind and date of a document-id (those it has), and its format as ``@fmt``.

    Undated (a cited document's number): the children after the country, number and kind are not read.
    """
    fields = {}
    wanted = _ID_TAGS
    for child in document_id:
        tag = child.tag
        if tag in wanted:
            text = child.text
            if text:
                fields[wanted[tag]] = text.strip()
                if not dated and len(fields) == 3 and "date" not in fields:
                    break
    if fmt is None:  # an untyped id with a country and a kind is in DOCDB form
        fmt = "docdb" if "country" in fields and "kind" in fields else "original"
    fields["@fmt"] = fmt
    return fields


def _resolve_references(
    references: list[etree._Element], normalize, country: str = "", kind: str | None = None
) -> tuple[str | None, date | None, dict]:
    """``_resolve(_forms(references), …)``, with a shortcut for the usual DOCDB shape.

    In DOCDB the first reference is the docdb form, and its first child a dated document-id: as
    docdb ranks first and sorting is stable, that id is the first form `_forms` gives, and when it
    normalizes `_resolve` looks no further. Any other case takes the general path.
    """
    if references:
        first = references[0]
        if first.get("data-format") == "docdb" and len(first):
            document_id = first[0]
            if LOCAL[document_id.tag] == "document-id" and document_id.get("document-id-type") in (None, "docdb"):
                fields = _fields("docdb", document_id)
                if "date" in fields and "doc-number" in fields:
                    when = compact_date(fields["date"])
                    normalized = normalize(fields, when, country, kind)
                    if normalized:
                        return normalized, when, fields
    return _resolve(_forms(references), normalize, country, kind)


def _resolve(forms, normalize, country: str = "", kind: str | None = None) -> tuple[str | None, date | None, dict]:
    """(id, date, fields of the best form) of a reference: the id of the first form that normalizes.

    The date is the first one any form gives (OPS puts a filing date on the epodoc form only); it
    is passed to `normalize`, as US application numbers need the filing year. Forms after the
    first one with a date are read only when the ones before do not normalize.
    """
    forms = iter(forms)
    read: list[dict[str, str]] = []
    when = None
    for fmt, document_id in forms:
        fields = _fields(fmt, document_id)
        read.append(fields)
        if "date" in fields:
            when = compact_date(fields["date"])
            break
    for fields in read:
        if "doc-number" in fields:
            normalized = normalize(fields, when, country, kind)
            if normalized:
                return normalized, when, read[0]
    for fmt, document_id in forms:  # the forms after the first dated one
        fields = _fields(fmt, document_id)
        if "doc-number" in fields:
            normalized = normalize(fields, when, country, kind)
            if normalized:
                return normalized, when, read[0]
    return None, when, read[0] if read else {}


def _publication_id(fields: dict[str, str], _when, country: str = "", kind: str | None = None) -> str | None:
    return cached_publication_id(fields.get("country") or country, fields["doc-number"],
                                  fields.get("kind") or kind, fields["@fmt"])


def _application_id(
    fields: dict[str, str], when: date | None, country: str = "", kind: str | None = None
) -> str | None:
    return _cached_application_id(fields.get("country") or country, fields["doc-number"],
                                  fields.get("kind") or kind, when, fields["@fmt"])


# The same numbers recur all through a bulk file (cited documents, priorities shared by a family);
# a bounded cache spares normalizing them again.
@lru_cache(maxsize=1 << 16)
def cached_publication_id(country: str, number: str, kind: str | None, fmt: str) -> str | None:
    try:
        return numbers.publication_id(country, number, kind, fmt)
    except ValueError:  # numbers.NumberError: the next form may do
        return None


@lru_cache(maxsize=1 << 16)
def _cached_application_id(country: str, number: str, kind: str | None, when: date | None, fmt: str) -> str | None:
    try:
        return numbers.application_id(country, number, kind, when, fmt)
    except ValueError:
        return None


def _publication(parts: dict, element: etree._Element) -> tuple[str, date | None]:
    """DOCDB publication id and publication date of a record.

    The record's own attributes (country, doc-number, kind, date-publ: DOCDB form) come first,
    then the publication-reference forms.

    Raises:
        RecordError: when no form of the publication number gives an id.
    """
    country, kind, number = element.get("country", ""), element.get("kind"), element.get("doc-number")
    doc_id = cached_publication_id(country, number, kind, "docdb") if number else None
    published = compact_date(element.get("date-publ"))
    if doc_id is None or published is None:
        references = parts.get("publication-reference", [])
        found, when, _ = _resolve_references(references, _publication_id, country, kind)
        doc_id, published = doc_id or found, published or when
        if doc_id is None:
            raise RecordError(_no_publication_number(list(_forms(references)), element.attrib))
    return doc_id, published


def _no_publication_number(forms, attrs) -> str:
    written = [f"{fmt or 'docdb'} {_as_written(_fields(fmt, element))}" for fmt, element in forms]
    if attrs.get("doc-number"):
        written.insert(0, f"attributes {attrs.get('country', '')}-{attrs['doc-number']}-{attrs.get('kind', '')}")
    return "no publication number" + (f" that can be normalized ({'; '.join(written)})" if written else "")


def _as_written(fields: dict[str, str], application: bool = False) -> str:
    """A number no form of which normalizes, kept as the source writes it, in the id's shape.

    ``CC-NUMBER-KIND`` for a publication; ``CC-NUMBER`` for an application, with the kind when not A.
    """
    kind = fields.get("kind")
    if application and kind == "A":
        kind = None
    return "-".join(part for part in (fields.get("country"), fields.get("doc-number"), kind) if part)


def _priorities(claims: Iterable[etree._Element], issues: list[Issue]) -> list[Priority]:
    """Priority claims, one per sequence number (DOCDB repeats a claim per data format), deduplicated."""
    groups: dict[str, list[etree._Element]] = {}
    for index, claim in enumerate(claims):
        groups.setdefault(claim.get("sequence") or f"#{index}", []).append(claim)
    priorities, seen = [], set()
    for group in groups.values():
        priority = _priority(group, issues)
        if priority is not None and priority.priority_id not in seen:
            seen.add(priority.priority_id)
            priorities.append(priority)
    return priorities


def _priority(group: list[etree._Element], issues: list[Issue]) -> Priority | None:
    """One priority from the claims that share a sequence number.

    A number no form of which normalizes is kept as written, except a sound one whose DOCDB form
    needs a fact the claim lacks (a US application's filing date): that one is left out with a
    warning, as its number as written would be an id DOCDB never gives it.
    """
    priority_id, claimed, best = _resolve_references(group, _application_id)
    if priority_id is None and _note_unusable(group, claimed, "priority number", issues, only_facts=True):
        return None
    priority_id = priority_id or _as_written(best, application=True)
    if not priority_id:
        return None
    active = linkage = None
    for claim in group:
        for child in claim:
            tag = LOCAL[child.tag]
            if tag == "priority-active-indicator":
                active = _ACTIVE.get((child.text or "").strip().upper(), active)
            elif tag == "priority-linkage-type":
                linkage = (child.text or "").strip() or linkage
    return _priority_record(priority_id, claimed, active, linkage)


def _note_unusable(
    references: list[etree._Element],
    when: date | None,
    what: str,
    issues: list[Issue],
    only_facts: bool = False,
) -> bool:
    """Record the issue of a reference no form of which normalizes; whether one was recorded.

    The forms are normalized again, uncached, for the exception: a `numbers.NumberNeedsFact` of any
    form (the number is sound, a fact is missing) makes a warning, else the first form's error
    makes an error, unless `only_facts`.
    """
    problem = written = None
    for fmt, document_id in _forms(references):
        fields = _fields(fmt, document_id)
        if "doc-number" not in fields:
            continue
        try:
            numbers.application_id(fields.get("country", ""), fields["doc-number"], fields.get("kind"), when,
                                   fields["@fmt"])
        except numbers.NumberNeedsFact as exc:
            problem, written = exc, fields
            break
        except numbers.NumberError as exc:
            if problem is None and not only_facts:
                problem, written = exc, fields
        except ValueError:  # a data format `numbers` does not know (docdba …): not a number's fault
            continue
    if problem is None:
        return False
    reason, severity = number_issue(what, problem)
    issues.append((reason, severity, " ".join(written[key] for key in _WRITTEN if key in written)))
    return True


_WRITTEN = ("country", "doc-number", "kind", "date")


@lru_cache(maxsize=1 << 16)
def _priority_record(priority_id: str, claimed: date | None, active: bool | None, linkage: str | None) -> Priority:
    """Priorities are immutable and recur (each member of a family claims them): one instance each."""
    return Priority(priority_id=priority_id, priority_date=claimed, active=active, linkage_type=linkage)


def _classifications(parts: dict) -> list[Classification]:
    """CPC (patent-classifications of schemes CPC, CPCI, CPCNO) and IPC, deduplicated.

    IPC comes from classifications-ipcr, then from classification-ipc (editions 1-7), whose symbols
    not already given as IPCR are added after the IPCR ones.
    """
    # Keyed by (scheme, symbol): a tuple hashes in C, a frozen dataclass through Python code.
    found: dict[tuple[str, str], Classification] = {}
    for container in parts.get("patent-classifications", ()):
        for classification in container:
            cpc = _cpc(classification)
            if cpc is not None:
                found.setdefault(("CPC", cpc.symbol), cpc)
    for container in parts.get("classifications-ipcr", ()):
        for classification in container:
            text = _child_text(classification, "text")
            ipc = _ipcr_classification(text) if text else None
            if ipc is not None:
                found.setdefault(("IPC", ipc.symbol), ipc)
    for container in parts.get("classification-ipc", ()):
        for line in container:
            if LOCAL[line.tag] in _IPC7_LINES and line.text:
                symbol = leading_symbol(line.text)
                if symbol:
                    found.setdefault(("IPC", symbol), _classification("IPC", symbol))
    return list(found.values())


@lru_cache(maxsize=1 << 16)
def _classification(scheme: str, symbol: str) -> Classification:
    """Classifications are immutable and recur in every record: one instance per symbol."""
    return Classification(scheme=scheme, symbol=symbol)


def _cpc(classification: etree._Element) -> Classification | None:
    """The CPC class of a patent-classification (DOCDB symbol or OPS parts); None for other schemes."""
    scheme = symbol = None
    values = {}
    local = LOCAL
    for child in classification:
        tag = local[child.tag]
        if tag == "classification-scheme":
            scheme = child.get("scheme") or ""
        elif tag == "classification-symbol":
            symbol = child.text
            break  # DOCDB order: scheme, then symbol
        elif tag in _OPS_PARTS:
            values[tag] = (child.text or "").strip()
    if not scheme or scheme[:3].upper() != "CPC":
        return None
    if symbol:
        return _cpc_classification(symbol)
    symbol = symbol_of_parts(*(values.get(key) for key in _OPS_PARTS))
    return _classification("CPC", symbol) if symbol else None


@lru_cache(maxsize=1 << 16)
def _cpc_classification(symbol: str) -> Classification | None:
    """The CPC class of a symbol as DOCDB writes it (``F02M  41/125       ``); None when blank.

    A symbol that is not in CPC form is kept as written, without its spaces, rather than lost.
    """
    normalized = class_symbol(symbol) or "".join(symbol.split())
    return _classification("CPC", normalized) if normalized else None


@lru_cache(maxsize=1 << 16)
def _ipcr_classification(text: str) -> Classification | None:
    """The IPC class of an IPCR text (``F02M  41/12        20060101A I…``); None when it holds no symbol."""
    symbol = leading_symbol(text)
    return _classification("IPC", symbol) if symbol else None


def _child_text(element: etree._Element, tag: str) -> str | None:
    """Text of the first child with this tag."""
    for child in element:
        if LOCAL[child.tag] == tag:
            return child.text
    return None


_ROLES = {"applicants": ("applicant", "{*}applicant"), "inventors": ("inventor", "{*}inventor")}


def _parties(containers: Iterable[etree._Element]) -> list[Party]:
    """Applicants then inventors, each role in the best data format present (docdb, epodoc, …, original)."""
    parties = []
    for container in containers:
        for group in container:
            role = _ROLES.get(LOCAL[group.tag])
            if role is not None:
                parties += _role_parties(role[0], group.iterchildren(role[1]))
    return parties


def _role_parties(role: str, elements: Iterable[etree._Element]) -> list[Party]:
    """The parties of one role written in the most preferred data format, numbered 1..n.

    The source's ``sequence`` gives the order only: the other formats' variants are dropped, a
    name listed twice is kept once (first occurrence), and the rest are numbered from 1 without
    gaps, like the USPTO parser's parties.
    """
    best_rank, best = 99, []
    ranks = _PARTY_FORMAT_RANK
    for element in elements:
        rank = ranks.get(element.get("data-format"), 5)
        if rank < best_rank:
            best_rank, best = rank, [element]
        elif rank == best_rank:
            best.append(element)
    if len(best) > 1:
        best.sort(key=_sequence_number)  # a stable sort: equal (or no) sequences keep the file order
    parties: list[Party] = []
    seen: set[str] = set()
    for element in best:
        read = _party(element)
        if read is None:
            continue
        name, country = read
        if len(best) > 1:  # a name listed twice is kept once
            keys = _name_keys(name)
            if keys & seen:
                continue
            seen |= keys
        parties.append(_party_record(role, len(parties) + 1, name, country))
    return parties


@lru_cache(maxsize=1 << 16)
def _party_record(role: str, seq: int, name: str, country: str | None) -> Party:
    """Parties are immutable and recur (applicants, inventors of a family): one instance each."""
    return Party(role=role, seq=seq, name=name, country=country)


def _sequence_number(element: etree._Element) -> int:
    """Sort key: the ``sequence`` attribute (none or not a number: last)."""
    sequence = element.get("sequence")
    if sequence is None:
        return 1 << 30
    sequence = sequence.strip()
    return int(sequence) if sequence.isdigit() else 1 << 30


_NOT_WORD = re.compile(r"[\W_]+")
# What `_NOT_WORD` removes from an ASCII string: all but a-z, A-Z and 0-9.
_ASCII_NOT_WORD = bytes(byte for byte in range(128) if not chr(byte).isalnum())


@lru_cache(maxsize=1 << 16)
def _name_keys(name: str) -> frozenset[str]:
    """Comparison keys of a name: case, spaces and punctuation ignored, ``Ä`` read as ``AE`` and as ``A``.

    ``KYLMÄNEN JARI`` and ``KYLMAENEN JARI`` (an epodoc list of one record) share a key.
    """
    folded = name.casefold()
    if folded.isascii():  # the common case in bulk files: one key, no Unicode work (a C-speed delete)
        return frozenset((folded.encode("ascii").translate(None, _ASCII_NOT_WORD).decode("ascii") or folded,))
    expanded = folded.translate(_NAME_FOLDS)
    stripped = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
    return frozenset(_NOT_WORD.sub("", key) or key for key in (folded, expanded, stripped))


def _party(element: etree._Element) -> tuple[str, str | None] | None:
    """Name and country of one applicant or inventor: ``KANG PIL-SIK [KR]`` -> (``KANG PIL-SIK``, ``KR``).

    A residence country, where given, wins over the bracketed one. None when it has no name.
    """
    children = len(element)
    name = _party_name(element, children)
    if not name:
        return None
    country = None
    if name[-1] == "]":
        match = _NAME_COUNTRY.match(name)
        if match:
            name, country = match.group(1), match.group(2)
    if children > 1:
        for child in element:
            if LOCAL[child.tag] == "residence":
                country = (_child_text(child, "country") or "").strip() or country
    return name, country


def _party_name(element: etree._Element, children: int) -> str | None:
    """The text of ``applicant-name/name`` (or ``inventor-name/name``), whitespace collapsed."""
    text = None
    holder = element[0] if children else None
    if holder is not None and len(holder):  # DOCDB and OPS: <applicant-name><name>…
        first = holder[0]
        if LOCAL[first.tag] == "name":
            text = first.text
    if not (text and text.strip()):
        text = next((name.text for name in element.iter("{*}name") if name.text and name.text.strip()), None)
    return " ".join(text.split()) if text else None


def _citations(containers: Iterable[etree._Element]) -> list[Citation]:
    """Cited patent documents as DOCDB publication ids, with category or who cited; deduplicated."""
    found: dict[tuple[str, str | None], None] = {}
    local = LOCAL
    for container in containers:
        for citation in container:
            patcits, categories = [], []
            for child in citation:
                tag = local[child.tag]
                if tag == "patcit":
                    patcits.append(child)
                elif tag == "category" and child.text and child.text.strip() not in categories:
                    categories.append(child.text.strip())
            if patcits:  # the search-report category (X, XY …), else who cited (examiner, applicant)
                category = "".join(categories) if categories else citation.get("cited-by") or _PHASE_CITED_BY.get(
                    (citation.get("cited-phase") or "").upper())
                for patcit in patcits:
                    cited_id = _cited_id(patcit)
                    if cited_id:
                        found[(cited_id, category)] = None
    return [_citation(cited_id, category) for cited_id, category in found]


@lru_cache(maxsize=1 << 16)
def _citation(cited_id: str, category: str | None) -> Citation:
    """Citations are immutable and recur (a family's documents cite the same ones): one instance each."""
    return Citation(cited_id=cited_id, category=category)


def _cited_id(patcit: etree._Element) -> str | None:
    """DOCDB publication id of a cited patent, else its number as written (``dnum``)."""
    only = patcit[0] if len(patcit) == 1 else None
    if only is not None and LOCAL[only.tag] == "document-id":  # DOCDB: one id, untyped
        best = _fields(only.get("document-id-type"), only, dated=False)
        number = best.get("doc-number")
        cited_id = None
        if number:
            cited_id = cached_publication_id(best.get("country", ""), number, best.get("kind") or None, best["@fmt"])
    else:
        cited_id, _, best = _resolve(_forms((patcit,)), _publication_id)
    return cited_id or patcit.get("dnum") or _as_written(best) or None


def _set_texts(document: Document, parts: dict) -> None:
    """Titles and abstracts: original-language text where present, else English; and the English ones."""
    titles = [(title.get("lang"), _text(title)) for title in parts.get("invention-title", ())]
    abstracts = [(abstract.get("lang"), _abstract_text(abstract)) for abstract in parts.get("abstract", ())]
    if not titles and not abstracts:
        return
    # With one title and one abstract at most, `_pick` takes them in any language.
    language = _publication_language(parts, document.office) if len(titles) > 1 or len(abstracts) > 1 else None
    document.title_lang, document.title = _pick(titles, language)
    document.abstract_lang, document.abstract = _pick(abstracts, language)
    document.title_en = _text_in(titles, "en")
    document.abstract_en = _text_in(abstracts, "en")


def _publication_language(parts: dict, office: str) -> str | None:
    """The language the record was published in, as it says, else the office's language."""
    for element in parts.get("language-of-publication", ()):
        if element.text and element.text.strip():
            return element.text.strip()
    for reference in parts.get("publication-reference", ()):
        for document_id in reference:
            if document_id.get("lang"):
                return document_id.get("lang")
    return _OFFICE_LANGUAGE.get(office)


def _pick(texts: list[tuple[str | None, str]], language: str | None) -> tuple[str | None, str | None]:
    """(lang, text) in the publication language, else English, else the first one with text.

    Besides an exact match, OPS marks original-language text ``lang="ol"``, and OPS and DOCDB
    (``data-format="original"``) give it without a ``lang``: those count as the original language
    when the record's language is known.
    """
    texts = [(lang, text) for lang, text in texts if text]
    wanted = (language, "ol", None, "en") if language else ("ol", "en")
    for want in wanted:
        for lang, text in texts:
            if lang == want:
                return lang, text
    return texts[0] if texts else (None, None)


def _text_in(texts: list[tuple[str | None, str]], language: str) -> str | None:
    return next((text for lang, text in texts if lang == language and text), None)


def _text(element: etree._Element) -> str:
    """The element's text, markup (sub, sup, b …) dropped and whitespace collapsed."""
    text = (element.text or "") if len(element) == 0 else "".join(element.itertext())
    return " ".join(text.split())


def _abstract_text(abstract: etree._Element) -> str:
    """All paragraphs of an abstract, one per line."""
    paragraphs = [text for text in (_text(p) for p in abstract.iter("{*}p")) if text]
    return "\n".join(paragraphs) if paragraphs else _text(abstract)
