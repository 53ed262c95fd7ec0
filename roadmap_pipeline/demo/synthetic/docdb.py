"""EPO DOCDB exchange documents: the bulk-file envelope and one ``exch:exchange-document`` per record.

Modelled on the real DOCDB front-file records in tests/fixtures/epo-docdb: the
``exch:exchange-documents`` root with its ``<!DOCTYPE … "docdb-entities.dtd">``, record attributes
(``doc-id``, ``date-publ``, ``family-id``, ``status``…), the publication, application and priority
references each in the docdb, epodoc and original data formats, CPCI and IPCR classifications in their
fixed-width form, docdb and docdba parties with residence, titles per language, search and
examination citations, and the abstract. One file per office, month and publishing authority
(KR, JP, CN, EP; WO and DE records travel in the EP folder, as in the EPO's own deliveries).

A native-only family (`families`) has no English abstract: its JP and CN records carry the
Japanese or Chinese title and abstract alone (the national office's abstract, ``lang="ja"``, as the
real record of samples/epo-docdb gives a Serbo-Croatian one), its KR records the Korean title and,
where KIPO has one, the English title, without abstract (the Korean abstract comes from KIPRIS).
"""

from __future__ import annotations

from datetime import date, timedelta

from roadmap_pipeline.demo.synthetic.families import Family, Publication
from roadmap_pipeline.demo.synthetic.markup import docdb_symbol, esc, notice, ymd
from roadmap_pipeline.demo.synthetic.numbering import AppNumber, PubNumber
from roadmap_pipeline.lib.records import OFFICE_LANGUAGES

_LANGUAGE = {**OFFICE_LANGUAGES, "DE": "de"}
_UPPER_TITLES = ("KR", "EP", "WO", "DE")
_CITED_PHASE = {"wo": "ISR"}
_CATEGORIES = ("X", "Y", "A", "A", "Y")
_ONE_DAY = timedelta(days=1)
COUNT_WIDTH = 7  # no-of-documents="0018626": fixed width, so the count is patched in place


def folder_office(country: str) -> str:
    """Landing-zone office folder of a DOCDB record: its authority, WO and DE under EP."""
    return country if country in ("KR", "JP", "CN", "EP") else "EP"


def file_name(country: str, exchange: date) -> str:
    """``DOCDB-202226-001-KR-0001.xml``: exchange year and ISO week, authority, sequence."""
    year, week, _ = exchange.isocalendar()
    return f"DOCDB-{year}{week:02d}-001-{country}-0001.xml"


def exchange_date(published: date) -> date:
    """The delivery of a month's records: the 28th of the month of publication."""
    return date(published.year, published.month, 28)


def header(name: str, exchange: date, seed: int) -> str:
    """The file's prolog and root start tag, `no-of-documents` zero until the file is closed."""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>'
        '<!DOCTYPE exch:exchange-documents SYSTEM "docdb-entities.dtd">'
        f"<!-- {notice(seed)} -->\n"
        '<exch:exchange-documents xmlns:exch="http://www.epo.org/exchange" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://www.epo.org/exchange exchange-documents-v2.5.9.xsd" '
        f'date-of-exchange="{ymd(exchange)}" dtd-version="2.5.9" file="{name[:-4]}" '
        f'no-of-documents="{"0" * COUNT_WIDTH}" originating-office="EP">\n'
    )


FOOTER = "</exch:exchange-documents>\n"


def _language(family: Family, country: str) -> str:
    if country == "WO":
        return _LANGUAGE.get(family.office, "en")
    return _LANGUAGE[country]


def _document_id(number: PubNumber | AppNumber, kind: str, day: date, doc_id: int | None = None) -> str:
    attribute = f' doc-id="{doc_id}"' if doc_id is not None else ""
    return (f"<document-id{attribute}><country>{number.country}</country><doc-number>{number.number}"
            f"</doc-number><kind>{kind}</kind><date>{ymd(day)}</date></document-id>")


def record(family: Family, publication: Publication, exchange: date) -> str:
    """One ``exch:exchange-document`` of `publication`."""
    number = publication.number
    country = number.country
    lang = _language(family, country)
    published = ymd(number.published)
    doc_id = 400_000_000 + family.index * 16 + publication.slot
    family_attribute = f' family-id="{family.docdb_family_id}"' if publication.family_id_written else ""
    representative = "YES" if publication.slot == 0 else "NO"
    added = ymd(number.published + _ONE_DAY)
    parts = [
        f'<exch:exchange-document country="{country}" doc-number="{number.number}" kind="{number.kind}" '
        f'doc-id="{doc_id}" date-publ="{published}"{family_attribute} status="A" '
        f'is-representative="{representative}" date-of-last-exchange="{ymd(exchange)}" '
        f'date-added-docdb="{added}" originating-office="{country if country != "WO" else "EP"}">'
        "<exch:bibliographic-data>",
        f'<exch:publication-reference data-format="docdb"><document-id lang="{lang}"><country>{country}'
        f"</country><doc-number>{number.number}</doc-number><kind>{number.kind}</kind><date>{published}"
        "</date></document-id></exch:publication-reference>",
        f'<exch:publication-reference data-format="epodoc"><document-id lang="{lang}"><doc-number>'
        f"{number.epodoc}</doc-number></document-id></exch:publication-reference>",
    ]
    if number.original:
        parts.append('<exch:publication-reference data-format="original"><document-id><doc-number>'
                     f"{esc(number.original)}</doc-number></document-id></exch:publication-reference>")
    parts.append(_ipcr(family, number.country, published))
    parts.append(_cpc(family))
    parts.append(_application(publication.application, doc_id + 100_000_000))
    parts.append(f"<exch:language-of-filing>{lang}</exch:language-of-filing>"
                 f"<exch:language-of-publication>{lang}</exch:language-of-publication>")
    parts.append(_priorities(publication, doc_id))
    parts.append(_parties(family))
    parts.append(_titles(family, country, lang))
    printed = "printed-with-grant" if publication.grant else "unexamined-printed-without-grant"
    parts.append(f"<exch:dates-of-public-availability><exch:{printed}><document-id><date>{published}"
                 f"</date></document-id></exch:{printed}></exch:dates-of-public-availability>")
    if publication.cites:
        parts.append(_citations(family, publication))
    parts.append("</exch:bibliographic-data>")
    parts.append(_abstract(family, lang))
    parts.append("</exch:exchange-document>\n")
    return "".join(parts)


def _abstract(family: Family, lang: str) -> str:
    if not family.native:
        source = "national office" if lang == "en" else "translation"
        text = family.texts.abstract_en
        lang = "en"
    elif family.text_lang == "ko":
        return ""
    else:
        source, text = "national office", family.texts.abstract(family.text_lang)
    return (f'<exch:abstract lang="{lang}" data-format="docdba" abstract-source="{source}"><exch:p>'
            f"{esc(text)}</exch:p></exch:abstract>")


def _ipcr(family: Family, office: str, published: str) -> str:
    items = []
    generating = office if office != "WO" else "EP"
    for sequence, symbol in enumerate(family.ipc, start=1):
        position = "F" if sequence == 1 else "L"
        items.append(f'<classification-ipcr sequence="{sequence}"><text>{docdb_symbol(symbol)}20060101A'
                     f"{position}I{published}BH{generating}        </text></classification-ipcr>")
    return "<exch:classifications-ipcr>" + "".join(items) + "</exch:classifications-ipcr>"


def _cpc(family: Family) -> str:
    items = []
    for sequence, symbol in enumerate(family.cpc, start=1):
        position = "F" if sequence == 1 else "L"
        items.append(
            f'<patent-classification sequence="{sequence}"><classification-scheme office="EP" scheme="CPCI">'
            f"<date>20130101</date></classification-scheme><classification-symbol>{docdb_symbol(symbol)}"
            f"</classification-symbol><symbol-position>{position}</symbol-position>"
            "<classification-value>I</classification-value><classification-status>B</classification-status>"
            "<classification-data-source>H</classification-data-source><generating-office>EP</generating-office>"
            "<action-date><date>20130101</date></action-date></patent-classification>"
        )
    return "<exch:patent-classifications>" + "".join(items) + "</exch:patent-classifications>"


def _application(application: AppNumber, doc_id: int) -> str:
    return (
        f'<exch:application-reference is-representative="YES" doc-id="{doc_id}" data-format="docdb">'
        f"{_document_id(application, application.kind, application.filed)}</exch:application-reference>"
        f'<exch:application-reference data-format="epodoc"><document-id><doc-number>{application.epodoc}'
        "</doc-number></document-id></exch:application-reference>"
        f'<exch:application-reference data-format="original"><document-id><doc-number>{esc(application.original)}'
        "</doc-number></document-id></exch:application-reference>"
    )


def _priorities(publication: Publication, doc_id: int) -> str:
    items = []
    for sequence, claim in enumerate(publication.claims, start=1):
        number = claim.number
        linkage = f"<exch:priority-linkage-type>{claim.linkage}</exch:priority-linkage-type>" if claim.linkage else ""
        items.append(
            f'<exch:priority-claim sequence="{sequence}" data-format="docdb">'
            f"{_document_id(number, number.kind, number.filed, doc_id + 200_000_000 + sequence)}"
            f"<exch:priority-active-indicator>{'Y' if claim.active else 'N'}</exch:priority-active-indicator>"
            f"{linkage}</exch:priority-claim>"
            f'<exch:priority-claim sequence="{sequence}" data-format="epodoc"><document-id><doc-number>'
            f"{number.epodoc}</doc-number></document-id></exch:priority-claim>"
            f'<exch:priority-claim sequence="{sequence}" data-format="original"><document-id><doc-number>'
            f"{esc(number.original)}</doc-number></document-id></exch:priority-claim>"
        )
    return "<exch:priority-claims>" + "".join(items) + "</exch:priority-claims>"


def _parties(family: Family) -> str:
    applicants, inventors = [], []
    for fmt in ("docdb", "docdba"):
        for sequence, applicant in enumerate(family.applicants, start=1):
            name = applicant.docdb if fmt == "docdb" else applicant.name
            residence = f"<residence><country>{applicant.country}</country></residence>" if fmt == "docdb" else ""
            applicants.append(f'<exch:applicant sequence="{sequence}" data-format="{fmt}"><exch:applicant-name>'
                              f"<name>{esc(name)}</name></exch:applicant-name>{residence}</exch:applicant>")
        for sequence, inventor in enumerate(family.inventors, start=1):
            name = inventor.docdb if fmt == "docdb" else inventor.filed
            residence = f"<residence><country>{inventor.country}</country></residence>" if fmt == "docdb" else ""
            inventors.append(f'<exch:inventor sequence="{sequence}" data-format="{fmt}"><exch:inventor-name>'
                             f"<name>{esc(name)}</name></exch:inventor-name>{residence}</exch:inventor>")
    return ("<exch:parties><exch:applicants>" + "".join(applicants) + "</exch:applicants><exch:inventors>"
            + "".join(inventors) + "</exch:inventors></exch:parties>")


def _titles(family: Family, country: str, lang: str) -> str:
    texts = family.texts
    native = {"ko": texts.title_ko, "ja": texts.title_ja, "zh": texts.title_zh}.get(lang)
    english = texts.title_en.upper() if country in _UPPER_TITLES else texts.title_en
    out = ""
    if native:
        out = f'<exch:invention-title lang="{lang}" data-format="original">{esc(native)}</exch:invention-title>'
    if not family.english_title:
        return out
    return out + f'<exch:invention-title lang="en" data-format="docdba">{esc(english)}</exch:invention-title>'


def _citations(family: Family, publication: Publication) -> str:
    phase = _CITED_PHASE.get(publication.route, "EXA" if publication.grant else "SEA")
    items = []
    for sequence, cited in enumerate(publication.cites, start=1):
        category = ""
        if phase != "EXA":
            letter = _CATEGORIES[(family.index + publication.slot + sequence) % len(_CATEGORIES)]
            category = f"<category>{letter}</category>"
        items.append(
            f'<exch:citation cited-phase="{phase}" sequence="{sequence}"><patcit num="{sequence}" '
            f'dnum="{cited.country}{cited.number}{cited.kind}" dnum-type="publication number">'
            f"{_document_id(cited, cited.kind, cited.published)}</patcit>{category}</exch:citation>"
        )
    return "<exch:references-cited>" + "".join(items) + "</exch:references-cited>"
