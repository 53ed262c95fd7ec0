"""USPTO ICE XML front pages: weekly grant (``ipgb``, zipped) and application (``ipab``) bulk files.

Modelled on the real weekly files in tests/fixtures/uspto: many documents per file, each with its own
``<?xml …?>`` declaration and ``<!DOCTYPE … [ ]>``; grants zipped with the list and report files as in
``ipgb20221025_wk43.zip``. The layout follows the DTD of the publication year: up to 2012 the v4.2
layout (``parties/applicants`` with applicant-inventors, assignees, ``references-cited``, no CPC),
from 2013 the ``us-parties`` layout with CPC. Only front pages are written (bibliographic data and
abstract), as in the bibliographic ``ipgb``/``ipab`` products.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date, timedelta
from pathlib import Path

from roadmap_pipeline.demo.synthetic.families import Family, Publication
from roadmap_pipeline.demo.synthetic.markup import esc, notice, symbol_parts, ymd
from roadmap_pipeline.demo.synthetic.numbering import AppNumber, PubNumber
from roadmap_pipeline.demo.synthetic.plan import delivery_month

# (dtd-version, DTD file) by the first publication year it applies to, newest first.
_GRANT_DTDS = ((2022, "v4.7 2022-02-17", "us-patent-grant-v47-2022-02-17.dtd"),
               (2015, "v4.5 2014-04-03", "us-patent-grant-v45-2014-04-03.dtd"),
               (2013, "v4.4 2013-05-16", "us-patent-grant-v44-2013-05-16.dtd"),
               (0, "v4.2 2006-08-23", "us-patent-grant-v42-2006-08-23.dtd"))
_APPLICATION_DTDS = ((2023, "v4.6 2022-02-17", "us-patent-application-v46-2022-02-17.dtd"),
                     (2022, "v4.5 2021-08-30", "us-patent-application-v45-2021-08-30.dtd"),
                     (2013, "v4.4 2014-04-03", "us-patent-application-v44-2014-04-03.dtd"),
                     (0, "v4.2 2006-08-23", "us-patent-application-v42-2006-08-23.dtd"))
_FIRST_MODERN_YEAR = 2013  # us-parties layout and CPC from here on
_PRIORITY_KIND = {"EP": "regional"}
_FILE_ATTRIBUTE = re.compile(rb'file="(US[^"-]+)-')


def grant_zip(published: date) -> str:
    """``US/2022-10/ipgb20221025_wk43.zip`` (relative to the landing zone)."""
    return f"US/{delivery_month(published)}/ipgb{ymd(published)}_wk{published.isocalendar()[1]:02d}.zip"


def application_file(published: date) -> str:
    """``US/2022-05/ipab20220526.xml``."""
    return f"US/{delivery_month(published)}/ipab{ymd(published)}.xml"


def _dtd(table, year: int) -> tuple[str, str]:
    return next((version, dtd) for first, version, dtd in table if year >= first)


def document(family: Family, publication: Publication, seed: int) -> str:
    """One ``us-patent-grant`` or ``us-patent-application`` document, front page only."""
    number = publication.number
    grant = publication.grant
    root = "us-patent-grant" if grant else "us-patent-application"
    version, dtd = _dtd(_GRANT_DTDS if grant else _APPLICATION_DTDS, number.published.year)
    modern = number.published.year >= _FIRST_MODERN_YEAR
    published = ymd(number.published)
    produced = ymd(number.published - timedelta(days=20))
    if grant:
        file_id = f"US{number.original}-{published}.XML"
    else:
        file_id = f"US{number.original}{number.kind}-{published}.XML"
    biblio = "us-bibliographic-data-grant" if grant else "us-bibliographic-data-application"
    biblio_attributes = "" if grant else ' lang="EN" country="US"'
    application = publication.application
    parts = [
        f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE {root} SYSTEM "{dtd}" [ ]>\n<!-- {notice(seed)} -->\n'
        f'<{root} lang="EN" dtd-version="{version}" file="{file_id}" status="PRODUCTION" id="{root}" '
        f'country="US" date-produced="{produced}" date-publ="{published}">\n<{biblio}{biblio_attributes}>\n'
        f"<publication-reference>\n<document-id>\n<country>US</country>\n<doc-number>{number.original}"
        f"</doc-number>\n<kind>{number.kind}</kind>\n<date>{published}</date>\n</document-id>\n"
        "</publication-reference>\n"
        '<application-reference appl-type="utility">\n<document-id>\n<country>US</country>\n'
        f"<doc-number>{application.native}</doc-number>\n<date>{ymd(application.filed)}</date>\n"
        f"</document-id>\n</application-reference>\n"
        f"<us-application-series-code>{application.native[:2]}</us-application-series-code>\n",
        _priority_claims(publication),
    ]
    if grant:
        parts.append(f"<us-term-of-grant>\n<us-term-extension>{(family.index * 37 + publication.slot) % 900}"
                     "</us-term-extension>\n</us-term-of-grant>\n")
    parts.append(_classifications(family, "classifications-ipcr", "classification-ipcr", published))
    if modern:
        parts.append(_classifications(family, "classifications-cpc", "classification-cpc", published))
    parts.append(f'<invention-title id="d2e43">{esc(family.texts.title_en)}</invention-title>\n')
    if grant:
        parts.append(_citations(publication, modern))
        parts.append(f"<number-of-claims>{8 + family.index % 13}</number-of-claims>\n"
                     "<us-exemplary-claim>1</us-exemplary-claim>\n"
                     f"<figures>\n<number-of-drawing-sheets>{3 + family.index % 9}</number-of-drawing-sheets>\n"
                     f"<number-of-figures>{5 + family.index % 11}</number-of-figures>\n</figures>\n")
    parts.append(_related(family, publication))
    parts.append(_parties(family, modern))
    if grant:
        parts.append("<examiners>\n<primary-examiner>\n<last-name>Synthetic</last-name>\n"
                     "<first-name>Examiner</first-name>\n<department>2100</department>\n"
                     "</primary-examiner>\n</examiners>\n")
    parts.append(_pct(family, publication, grant))
    parts.append(f'</{biblio}>\n<abstract id="abstract">\n<p id="p-0001" num="0000">'
                 f"{esc(family.texts.abstract_en)}</p>\n</abstract>\n</{root}>\n")
    return "".join(parts)


def _priority_claims(publication: Publication) -> str:
    """Foreign priority claims (a US provisional goes to us-related-documents instead)."""
    items = []
    for claim in publication.claims:
        number = claim.number
        if number.country == "US" or number.kind == "W":
            continue
        kind = _PRIORITY_KIND.get(number.country, "national")
        items.append(f'<priority-claim sequence="{len(items) + 1:02d}" kind="{kind}">\n'
                     f"<country>{number.country}</country>\n<doc-number>{esc(number.native)}</doc-number>\n"
                     f"<date>{ymd(number.filed)}</date>\n</priority-claim>\n")
    return "<priority-claims>\n" + "".join(items) + "</priority-claims>\n" if items else ""


def _classifications(family: Family, container: str, element: str, published: str) -> str:
    cpc = element == "classification-cpc"
    symbols = family.cpc if cpc else family.ipc
    items = []
    for position, symbol in enumerate(symbols):
        section, klass, subclass, group, subgroup = symbol_parts(symbol)
        head = ("<cpc-version-indicator><date>20130101</date></cpc-version-indicator>\n" if cpc else
                "<ipc-version-indicator><date>20060101</date></ipc-version-indicator>\n"
                "<classification-level>A</classification-level>\n")
        tail = "<scheme-origination-code>C</scheme-origination-code>\n" if cpc else ""
        item = (f"<{element}>\n{head}<section>{section}</section>\n<class>{klass}</class>\n"
                f"<subclass>{subclass}</subclass>\n<main-group>{group}</main-group>\n<subgroup>{subgroup}</subgroup>\n"
                f"<symbol-position>{'F' if position == 0 else 'L'}</symbol-position>\n"
                "<classification-value>I</classification-value>\n"
                f"<action-date><date>{published}</date></action-date>\n"
                "<generating-office><country>US</country></generating-office>\n"
                "<classification-status>B</classification-status>\n"
                f"<classification-data-source>H</classification-data-source>\n{tail}</{element}>\n")
        items.append(item)
    if cpc:
        further = f"<further-cpc>\n{''.join(items[1:])}</further-cpc>\n" if len(items) > 1 else ""
        items = [f"<main-cpc>\n{items[0]}</main-cpc>\n{further}"]
    return f"<{container}>\n" + "".join(items) + f"</{container}>\n"


def _cited_number(cited: PubNumber) -> str:
    """US documents as USPTO writes them (pre-grant publications with 7-digit serials)."""
    return cited.original if cited.country == "US" and cited.kind.startswith("A") else cited.number


def _citations(publication: Publication, modern: bool) -> str:
    if not publication.cites:
        return ""
    outer, inner = ("us-references-cited", "us-citation") if modern else ("references-cited", "citation")
    items = []
    for position, cited in enumerate(publication.cites, start=1):
        who = "cited by examiner" if position % 3 else ("cited by applicant" if modern else "cited by other")
        items.append(f'<{inner}>\n<patcit num="{position:05d}">\n<document-id>\n<country>{cited.country}</country>\n'
                     f"<doc-number>{_cited_number(cited)}</doc-number>\n<kind>{cited.kind}</kind>\n"
                     f"<date>{cited.published.year:04d}{cited.published.month:02d}00</date>\n</document-id>\n"
                     f"</patcit>\n<category>{who}</category>\n</{inner}>\n")
    return f"<{outer}>\n" + "".join(items) + f"</{outer}>\n"


def _related(family: Family, publication: Publication) -> str:
    items = []
    for claim in publication.claims:
        if claim.number.kind == "P":
            provisional = claim.number
            items.append("<us-provisional-application>\n<document-id>\n<country>US</country>\n"
                         f"<doc-number>{provisional.native}</doc-number>\n<date>{ymd(provisional.filed)}</date>\n"
                         "</document-id>\n</us-provisional-application>\n")
    if publication.grant:
        day = publication.number.published
        earlier = next((p.number for p in family.publications
                        if p.office == "US" and not p.grant and p.number.published < day), None)
        if earlier is not None:
            items.append(f"<related-publication>\n<document-id>\n<country>US</country>\n<doc-number>{earlier.original}"
                         f"</doc-number>\n<kind>{earlier.kind}</kind>\n<date>{ymd(earlier.published)}</date>\n"
                         "</document-id>\n</related-publication>\n")
    return "<us-related-documents>\n" + "".join(items) + "</us-related-documents>\n" if items else ""


def _address(city: str, country: str) -> str:
    return f"<address>\n<city>{esc(city)}</city>\n<country>{country}</country>\n</address>\n"


def _parties(family: Family, modern: bool) -> str:
    inventors = family.inventors
    if modern:
        applicants = "".join(
            f'<us-applicant sequence="{seq:03d}" app-type="applicant" designation="us-only" '
            f'applicant-authority-category="assignee">\n<addressbook>\n<orgname>{esc(a.name)}</orgname>\n'
            f"{_address(a.city, a.country)}</addressbook>\n<residence>\n<country>{a.country}</country>\n"
            "</residence>\n</us-applicant>\n"
            for seq, a in enumerate(family.applicants, start=1))
        people = "".join(
            f'<inventor sequence="{seq:03d}" designation="us-only">\n<addressbook>\n'
            f"<last-name>{i.family.title()}</last-name>\n<first-name>{i.given}</first-name>\n"
            f"{_address(i.city, i.country)}</addressbook>\n</inventor>\n"
            for seq, i in enumerate(inventors, start=1))
        parties = (f"<us-parties>\n<us-applicants>\n{applicants}</us-applicants>\n<inventors>\n{people}</inventors>\n"
                   "</us-parties>\n")
    else:
        people = "".join(
            f'<applicant sequence="{seq:03d}" app-type="applicant-inventor" designation="us-only">\n<addressbook>\n'
            f"<last-name>{i.family.title()}</last-name>\n<first-name>{i.given}</first-name>\n"
            f"{_address(i.city, i.country)}</addressbook>\n<nationality>\n<country>omitted</country>\n"
            f"</nationality>\n<residence>\n<country>{i.country}</country>\n</residence>\n</applicant>\n"
            for seq, i in enumerate(inventors, start=1))
        parties = f"<parties>\n<applicants>\n{people}</applicants>\n</parties>\n"
    assignees = "".join(
        f"<assignee>\n<addressbook>\n<orgname>{esc(a.name)}</orgname>\n<role>03</role>\n"
        f"{_address(a.city, a.country)}</addressbook>\n</assignee>\n"
        for a in family.applicants)
    return parties + f"<assignees>\n{assignees}</assignees>\n"


def _pct(family: Family, publication: Publication, grant: bool) -> str:
    pct: AppNumber | None = publication.pct
    if pct is None:
        return ""
    entered = publication.number.published - timedelta(days=90)
    tag = "us-371c124-date" if grant else "us-371c12-date"
    out = (f"<pct-or-regional-filing-data>\n<document-id>\n<country>WO</country>\n<doc-number>{pct.original}"
           f"</doc-number>\n<kind>00</kind>\n<date>{ymd(pct.filed)}</date>\n</document-id>\n"
           f"<{tag}><date>{ymd(entered)}</date></{tag}>\n</pct-or-regional-filing-data>\n")
    wo = next((p.number for p in family.publications if p.route == "wo"), None)
    if wo is not None:
        out += (f"<pct-or-regional-publishing-data>\n<document-id>\n<country>WO</country>\n"
                f"<doc-number>WO{wo.original}</doc-number>\n<kind>{wo.kind[0]} </kind>\n<date>{ymd(wo.published)}"
                "</date>\n</document-id>\n</pct-or-regional-publishing-data>\n")
    return out


def zip_weekly_grants(plain: Path, archive: Path, issued: date, seed: int) -> None:
    """Pack a weekly grant file as USPTO ships it: the XML, a list of numbers and a report.

    Fixed timestamps and compression settings keep the archive's bytes deterministic.
    """
    data = plain.read_bytes()
    numbers = [m.group(1)[2:].decode("ascii") for m in _FILE_ATTRIBUTE.finditer(data)]
    stem = f"ipgb{ymd(issued)}"
    listing = "".join(f"{n}\n" for n in numbers).encode("ascii")
    report = (f"<!DOCTYPE HTML><html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\">"
              f"</head><body><h3>{notice(seed)}</h3><h3>Patent Grant Bibliographic Data/XML (synthetic)</h3>"
              f"<h3>Issue Date: {ymd(issued)}</h3><p>Documents: {len(numbers)}</p></body></html>\n").encode("utf-8")
    stamp = (issued.year, issued.month, issued.day, 0, 0, 0)
    with zipfile.ZipFile(archive, "w") as bundle:
        for name, payload in ((f"{stem}.xml", data), (f"{stem}lst.txt", listing), (f"{stem}rpt.html", report)):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            bundle.writestr(info, payload, compresslevel=6)
    plain.unlink()
