"""KIPRIS Plus Open API responses: bibliographic detail (one application) and search result pages.

Modelled on the real responses in tests/fixtures/kipo-kipris: ``<response><header>…<body>…<count>``
with the biblio item's ``biblioSummaryInfoArray``, IPC, Korean abstract, international (PCT) data,
applicants and inventors with Korean country names, Paris priorities and prior-art documents, and the
thinner search item (13-digit numbers, ``YYYYMMDD`` dates, ``|``-separated applicants and IPC).

A native-only KR family (`families`) always comes through KIPRIS, its biblio record with KIPO's
English title where it has one (``inventionTitleEng``, else blank).

One KIPRIS record describes a KR application and both of its publications (the A and the B1), as
KIPRIS does; it is delivered in the month of the latest of them, so that it shows the application as
it stood then. The same KR publications also arrive through DOCDB.
"""

from __future__ import annotations

from datetime import date, timedelta

from roadmap_pipeline.demo.synthetic.families import Family, Publication
from roadmap_pipeline.demo.synthetic.lexicon import KOREAN_COUNTRY_NAMES
from roadmap_pipeline.demo.synthetic.markup import dotted, esc, kipris_symbol, notice, ymd
from roadmap_pipeline.demo.synthetic.numbering import PubNumber
from roadmap_pipeline.demo.synthetic.plan import delivery_month

_HEADER = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><!-- {notice} -->\n<response><header>'
    "<requestMsgID></requestMsgID><responseTime>{time}</responseTime><responseMsgID></responseMsgID>"
    "<successYN>Y</successYN><resultCode>00</resultCode><resultMsg>NORMAL SERVICE.</resultMsg></header>"
)
BLANK = " "  # KIPRIS writes empty fields as a single space
_GAZETTE_LAG = timedelta(days=14)  # registration day to registration gazette (publicationDate)


def kr_publications(family: Family) -> tuple[Publication | None, Publication | None]:
    """The family's KR A and KR B1 publications (either may be missing)."""
    opened = next((p for p in family.publications if p.office == "KR" and not p.grant), None)
    registered = next((p for p in family.publications if p.office == "KR" and p.grant), None)
    return opened, registered


def delivery_day(family: Family) -> date:
    """When the KIPRIS record is fetched: the day of the application's latest KR publication."""
    return max(p.number.published for p in kr_publications(family) if p is not None)


def biblio_file(family: Family) -> str:
    """``KR/2022-06/kipris-biblio-1020200168607.xml``."""
    application = _any(family).application
    return f"KR/{delivery_month(delivery_day(family))}/kipris-biblio-10{application.number}.xml"


def search_file(family: Family) -> str:
    """``KR/2022-06/kipris-search-202206.xml``: one search result page per delivery month."""
    day = delivery_day(family)
    return f"KR/{delivery_month(day)}/kipris-search-{day:%Y%m}.xml"


def _any(family: Family) -> Publication:
    opened, registered = kr_publications(family)
    return opened or registered  # type: ignore[return-value]


def _open_number(number: PubNumber) -> str:
    return f"10-{number.number[:4]}-{number.number[4:]}"


def _register_number(number: PubNumber) -> str:
    return f"10-{number.number[2:]}-0000"


def _cited(cited: PubNumber) -> str:
    """Prior art as KIPRIS writes it: ``KR1020120103937 A``, ``US9291047 B2``."""
    if cited.country == "KR":
        return f"KR{cited.number}0000 {cited.kind}" if cited.kind == "B1" else f"KR10{cited.number} {cited.kind}"
    return f"{cited.country}{cited.number} {cited.kind}"


def biblio_response(family: Family, seed: int) -> str:
    """A complete ``getBibliographyDetailInfoSearch`` response for the family's KR application."""
    opened, registered = kr_publications(family)
    base = opened or registered
    application = base.application
    texts = family.texts
    kind = "국제출원/신규" if base.route == "pct" else "국내출원/신규"
    parts = [
        _HEADER.format(notice=notice(seed), time=f"{delivery_day(family):%Y-%m-%d} 10:00:00.0000"),
        "<body><item><biblioSummaryInfoArray><biblioSummaryInfo>",
        f"<applicationDate>{dotted(application.filed)}</applicationDate><applicationFlag> </applicationFlag>"
        f"<applicationNumber>{application.original}</applicationNumber>"
        f"<claimCount>{10 + family.index % 11}</claimCount><examinerName>합성심사관</examinerName>"
        f"<finalDisposal>{'등록결정(일반)' if registered else BLANK}</finalDisposal>"
        f"<inventionTitle>{esc(texts.title_ko)}</inventionTitle>"
        f"<inventionTitleEng>{esc(texts.title_en.upper()) if family.english_title else BLANK}</inventionTitleEng>"
        f"<openDate>{dotted(opened.number.published) if opened else BLANK}</openDate>"
        f"<openNumber>{_open_number(opened.number) if opened else BLANK}</openNumber>"
        f"<originalApplicationDate> </originalApplicationDate><originalApplicationKind>{kind}</originalApplicationKind>"
        "<originalApplicationNumber> </originalApplicationNumber>"
        f"<originalExaminationRequestDate>{dotted(application.filed)}</originalExaminationRequestDate>"
        "<originalExaminationRequestFlag>Y</originalExaminationRequestFlag>"
        f"<publicationDate>{dotted(registered.number.published) if registered else BLANK}</publicationDate>"
        "<publicationNumber> </publicationNumber>"
        f"<registerDate>{dotted(registered.number.published - _GAZETTE_LAG) if registered else BLANK}</registerDate>"
        f"<registerNumber>{_register_number(registered.number) if registered else BLANK}</registerNumber>"
        f"<registerStatus>{'등록' if registered else '공개'}</registerStatus>"
        "<translationSubmitDate> </translationSubmitDate></biblioSummaryInfo></biblioSummaryInfoArray>",
        "<ipcInfoArray>",
        "".join(f"<ipcInfo><ipcDate>(2006.01.01)</ipcDate><ipcNumber>{kipris_symbol(s)}</ipcNumber></ipcInfo>"
                for s in family.ipc),
        "</ipcInfoArray><familyInfoArray><familyInfo/></familyInfoArray>",
        f"<abstractInfoArray><abstractInfo><astrtCont>{esc(texts.abstract_ko)}</astrtCont></abstractInfo>"
        "</abstractInfoArray>",
        _international(family, base),
        "<claimInfoArray/><applicantInfoArray>",
        "".join(
            f"<applicantInfo><address>{esc(a.city)} (synthetic address)</address><code>{a.code}</code>"
            f"<country>{KOREAN_COUNTRY_NAMES[a.country]}</country><engName>{esc(a.name)}</engName>"
            f"<name>{esc(a.native or a.name)}</name></applicantInfo>"
            for a in family.applicants),
        "</applicantInfoArray><inventorInfoArray>",
        "".join(
            f"<inventorInfo><address>{esc(i.city)} (synthetic address)</address><code> </code>"
            f"<country>{KOREAN_COUNTRY_NAMES[i.country]}</country><engName>{esc(i.filed)}</engName>"
            f"<name>{esc(i.native or i.filed)}</name></inventorInfo>"
            for i in family.inventors),
        "</inventorInfoArray><agentInfoArray/>",
        _priorities(base),
        "<designatedStateInfoArray/>",
        _prior_art(registered),
        "<legalStatusInfoArray/><rndInfoArray/></item></body>"
        "<count><numOfRows>1</numOfRows><pageNo>1</pageNo><totalCount>1</totalCount></count></response>\n",
    ]
    return "".join(parts)


def _international(family: Family, base: Publication) -> str:
    pct = base.pct
    if pct is None:
        return ("<internationalInfoArray><internationalInfo><internationOpenDate> </internationOpenDate>"
                "<internationOpenNumber> </internationOpenNumber><internationalApplicationDate> "
                "</internationalApplicationDate><internationalApplicationNumber> </internationalApplicationNumber>"
                "</internationalInfo></internationalInfoArray>")
    wo = next((p.number for p in family.publications if p.route == "wo"), None)
    return (
        "<internationalInfoArray><internationalInfo>"
        f"<internationOpenDate>{dotted(wo.published) if wo else BLANK}</internationOpenDate>"
        f"<internationOpenNumber>{'WO ' + wo.original if wo else BLANK}</internationOpenNumber>"
        f"<internationalApplicationDate>{dotted(pct.filed)}</internationalApplicationDate>"
        f"<internationalApplicationNumber>{pct.original}</internationalApplicationNumber>"
        "</internationalInfo></internationalInfoArray>"
    )


def _priorities(base: Publication) -> str:
    """Paris priorities only: a first filing claims none, the PCT link is in internationalInfo."""
    items = [
        f"<priorityInfo><priorityApplicationCountry>{KOREAN_COUNTRY_NAMES[c.number.country]}"
        f"</priorityApplicationCountry><priorityApplicationNumber>{esc(c.number.original)}"
        f"</priorityApplicationNumber><priorityApplicationDate>{dotted(c.number.filed)}"
        "</priorityApplicationDate></priorityInfo>"
        for c in base.claims
        if c.number != base.application and c.number.kind != "W"
    ]
    return "<priorityInfoArray>" + "".join(items) + "</priorityInfoArray>" if items else "<priorityInfoArray/>"


def _prior_art(registered: Publication | None) -> str:
    if registered is None or not registered.cites:
        return "<priorArtDocumentsInfoArray/>"
    return ("<priorArtDocumentsInfoArray>"
            + "".join(f"<priorArtDocumentsInfo><documentsNumber>{_cited(c)}</documentsNumber>"
                      "<examinerQuotationFlag>Y</examinerQuotationFlag></priorArtDocumentsInfo>"
                      for c in registered.cites)
            + "</priorArtDocumentsInfoArray>")


def search_header(day: date, seed: int) -> str:
    """Start of a search result page (``getAdvancedSearch``)."""
    return _HEADER.format(notice=notice(seed), time=f"{day:%Y-%m-%d} 10:00:00.0000") + "<body><items>"


def search_footer(count: int) -> str:
    """End of a search result page, with its item count."""
    return (f"</items></body><count><numOfRows>{count}</numOfRows><pageNo>1</pageNo>"
            f"<totalCount>{count}</totalCount></count></response>\n")


def search_item(family: Family, position: int) -> str:
    """One search result item (numbers without dashes, dates as YYYYMMDD, no country, no English)."""
    opened, registered = kr_publications(family)
    application = (opened or registered).application
    texts = family.texts
    return (
        f"<item><applicantName>{esc('|'.join(a.native or a.name for a in family.applicants))}</applicantName>"
        f"<applicationDate>{ymd(application.filed)}</applicationDate>"
        f"<applicationNumber>10{application.number}</applicationNumber>"
        f"<astrtCont>{esc(texts.abstract_ko)}</astrtCont><bigDrawing></bigDrawing><drawing></drawing>"
        f"<indexNo>{position}</indexNo><inventionTitle>{esc(texts.title_ko)}</inventionTitle>"
        f"<ipcNumber>{'|'.join(kipris_symbol(s) for s in family.ipc)}</ipcNumber>"
        f"<openDate>{ymd(opened.number.published) if opened else ''}</openDate>"
        f"<openNumber>{'10' + opened.number.number if opened else ''}</openNumber>"
        f"<publicationDate>{ymd(registered.number.published) if registered else ''}</publicationDate>"
        "<publicationNumber></publicationNumber>"
        f"<registerDate>{ymd(registered.number.published - _GAZETTE_LAG) if registered else ''}</registerDate>"
        f"<registerNumber>{registered.number.number + '0000' if registered else ''}</registerNumber>"
        f"<registerStatus>{'등록' if registered else '공개'}</registerStatus></item>"
    )
