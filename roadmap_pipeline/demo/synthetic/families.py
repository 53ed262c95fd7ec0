"""Inventions and their publications: one simple patent family per invention.

A family is generated from its own random stream (seed, family index), independently of every other
family, so the same seed gives the same family whatever the corpus size. The generation follows how
applicants file: a first filing at the home office on the priority date, foreign filings within the
12-month Paris priority year or through a PCT application entering the national and regional phases
at 30-31 months, publication 18 months after the priority date (national phases some months after
entry), grants years later. Publications after `plan.AS_OF` are not in the snapshot.

A family filed only at its home office KR, JP or CN may be native-only (`plan.NATIVE_ONLY`): its
records then carry that office's language alone (`text_lang`), Korean through KIPRIS, which always
delivers such a KR family, Japanese and Chinese through DOCDB; at most KIPO's English title comes
with a Korean one. That choice is drawn from its own stream (seed, index, "native"), so the
family's other draws, its English text included, are those it would have without it.

Priority claims are listed as DOCDB lists them (the data contract's priority ids): a first filing
claims its own application; a foreign filing claims the first filing; a national-phase entry also
lists the PCT application (kind W, inactive, linkage W); US documents other than national-phase
entries also list their own application, inactive. The active claims are the same for every member:
that is the simple family.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from roadmap_pipeline.demo.synthetic import background
from roadmap_pipeline.demo.synthetic import numbering as nb
from roadmap_pipeline.demo.synthetic import plan
from roadmap_pipeline.demo.synthetic.lexicon import EUROPEAN_COUNTRIES
from roadmap_pipeline.demo.synthetic.numbering import AppNumber, PubNumber
from roadmap_pipeline.demo.synthetic.parties import Applicant, Inventor, applicant_pools, draw_inventors
from roadmap_pipeline.demo.synthetic.texts import Texts, compose
from roadmap_pipeline.demo.synthetic.topics import BY_KEY, SUBCLASSES, Topic
from roadmap_pipeline.lib.records import OFFICE_LANGUAGES

# Weekdays on which each office publishes (Monday is 0); US applications on Thursdays, grants on Tuesdays.
_WEEKDAYS = {"KR": (0, 1, 2, 3, 4), "JP": (3,), "CN": (1, 4), "EP": (2,), "WO": (3,), "DE": (3,),
             "US-A": (3,), "US-B": (1,)}
# PCT applications published in these languages do not get an EP A publication at regional entry.
_EPO_LANGUAGE_OFFICES = ("US", "EP", "DE")
_GENERIC_CPC = ("G06N3/08", "G06N20/00")
# The language of each home office whose own texts are not English (KR, JP, CN).
NATIVE_LANGUAGE = {office: language for office, language in OFFICE_LANGUAGES.items() if language != "en"}


class Claim(NamedTuple):
    """A priority claim as DOCDB lists it."""

    number: AppNumber
    active: bool
    linkage: str | None = None


@dataclass(slots=True)
class Publication:
    """One published document of a family."""

    number: PubNumber
    application: AppNumber
    route: str  # first, paris, pct (national/regional phase), wo (the PCT publication)
    claims: tuple[Claim, ...]
    pct: AppNumber | None  # the PCT application a national-phase document entered from
    grant: bool
    citing: bool  # examination or search citations are listed on it
    slot: int  # position in the family, for DOCDB doc-ids
    family_id_written: bool = True  # DOCDB record carries family-id (DOCDB documents only)
    cites: list[PubNumber] = field(default_factory=list)

    @property
    def office(self) -> str:
        return self.number.country


@dataclass(slots=True)
class Family:
    """One invention: its planted labels, its words, its parties and its publications."""

    index: int
    subclass: str  # the subclass it belongs to, or whose query a noise family hits
    secondary: str | None
    topic: Topic
    noise: bool
    emerging: bool
    year: int
    priority: AppNumber  # the first filing, the family's (single) active priority
    office: str  # first-filing office: KR, US, JP, CN, EP or DE
    applicants: list[Applicant]
    inventors: list[Inventor]
    texts: Texts
    cpc: list[str]
    ipc: list[str]
    pct: AppNumber | None
    publications: list[Publication]
    kipris: str | None  # "biblio" or "search" when KIPRIS delivers its KR application too
    appeal: float  # relative chance of being cited
    cited_families: list[int] = field(default_factory=list)
    background: bool = False  # outside the taxonomy (`subclass` then only drew its year and origin)
    text_lang: str = "en"  # en, or ko/ja/zh for a native-only family (no English abstract anywhere)
    english_title: bool = True  # whether its records carry an English title

    @property
    def native(self) -> bool:
        """Whether its records carry no English abstract, only its home office's language."""
        return self.text_lang != "en"

    @property
    def key(self) -> str:
        return f"SYN-{self.index:07d}"

    @property
    def docdb_family_id(self) -> str:
        return str(30_000_000 + self.index)


class Sampler:
    """Corpus-wide drawing tables fixed by the seed (subclass and year, origin, applicants)."""

    def __init__(self, seed: int, background_share: float = 0.0):
        self.seed = seed
        self.background_share = background_share
        self.pools = applicant_pools(seed)
        self._cells: list[tuple[str, int]] = []
        cumulative, total = [], 0.0
        for subclass_plan in plan.PLANS:
            for year in range(plan.FIRST_YEAR, plan.LAST_YEAR + 1):
                total += subclass_plan.weight * math.exp(subclass_plan.growth * (year - plan.BASE_YEAR))
                cumulative.append(total)
                self._cells.append((subclass_plan.key, year))
        self._cumulative = cumulative
        self._origins: dict[tuple[str, int], tuple[list[str], list[float]]] = {}
        self.category_members = {
            key: [s.key for s in SUBCLASSES if s.key.split(".")[0] == key.split(".")[0] and s.key != key]
            for key in BY_KEY
        }

    def subclass_year(self, rng: random.Random) -> tuple[str, int]:
        """A (subclass, priority year) cell, weighted by the planted growth."""
        return self._cells[_search(self._cumulative, rng.random() * self._cumulative[-1])]

    def origin(self, rng: random.Random, subclass: str, year: int) -> str:
        """Origin group (KR, US, JP, CN, EU) of a family, by the subclass's Korean share and the year."""
        key = (subclass, year)
        table = self._origins.get(key)
        if table is None:
            korea = plan.PLAN_BY_KEY[subclass].korea_share
            weights = {group: share * math.exp(trend * (year - plan.BASE_YEAR))
                       for group, (share, trend) in plan.FOREIGN_ORIGINS.items()}
            scale = (1.0 - korea) / sum(weights.values())
            names, cumulative, total = ["KR"], [korea], korea
            for group, weight in weights.items():
                total += weight * scale
                names.append(group)
                cumulative.append(total)
            table = self._origins[key] = (names, cumulative)
        names, cumulative = table
        return names[_search(cumulative, rng.random() * cumulative[-1])]

    def applicants(self, rng: random.Random, country: str) -> list[Applicant]:
        members, cumulative = self.pools[country]
        count = 2 if rng.random() < 0.2 else 1
        chosen: list[Applicant] = []
        while len(chosen) < count:
            applicant = members[_search(cumulative, rng.random() * cumulative[-1])]
            if applicant not in chosen:
                chosen.append(applicant)
        return chosen


def _search(cumulative: list[float], value: float) -> int:
    """Index of the first bound above `value` (binary search)."""
    low, high = 0, len(cumulative) - 1
    while low < high:
        middle = (low + high) // 2
        if value < cumulative[middle]:
            high = middle
        else:
            low = middle + 1
    return low


def months_later(day: date, months: int, days: int = 0) -> date:
    """`day` plus whole months (day of month capped at 28) plus days."""
    years, month = divmod(day.month - 1 + months, 12)
    return date(day.year + years, month + 1, min(day.day, 28)) + timedelta(days=days)


def on_publication_day(day: date, office: str) -> date:
    """The first day on or after `day` on which `office` publishes."""
    weekdays = _WEEKDAYS[office]
    while day.weekday() not in weekdays:
        day += timedelta(days=1)
    return day


def build_family(index: int, sampler: Sampler) -> Family | None:
    """The family of `index`, or None when none of its documents is published by `plan.AS_OF`."""
    rng = random.Random(f"{sampler.seed}:{index}")
    noise = rng.random() < plan.NOISE_SHARE
    subclass, year = sampler.subclass_year(rng)
    vocabulary = BY_KEY[subclass]
    emerging = plan.EMERGING_BY_SUBCLASS.get(subclass)
    outside = background.is_background(sampler.seed, index, sampler.background_share)
    if outside:
        noise, topic, is_emerging = False, rng.choice(background.FIELDS), False
    else:
        topic, is_emerging = _topic(rng, vocabulary, emerging, year, noise)
    secondary = None
    if not noise and not outside and rng.random() < plan.SECONDARY_SHARE:
        secondary = rng.choice(sampler.category_members[subclass])
    priority_date = date(year, 1, 1) + timedelta(days=rng.randrange(365))

    group = sampler.origin(rng, subclass, year)
    country = rng.choice(EUROPEAN_COUNTRIES) if group == "EU" else group
    office = group if group != "EU" else ("DE" if country == "DE" and rng.random() < plan.EU_FIRST_AT_DE else "EP")
    applicants = sampler.applicants(rng, country)
    inventors = draw_inventors(rng, country, rng.choice((1, 2, 2, 3, 3, 4)))

    filings = _Filings(index, rng, priority_date, office)
    filings.first_filing()
    korea = plan.PLAN_BY_KEY[subclass].korea
    abroad = plan.KOREA_EFFECTS[korea][0] if office == "KR" else plan.ABROAD[office]
    went_abroad = rng.random() < abroad
    if went_abroad:
        filings.abroad()
    publications = [p for p in filings.publications if p.number.published <= plan.AS_OF]
    if not publications:
        return None
    for slot, publication in enumerate(publications):
        publication.slot = slot
        if publication.office != "US":
            publication.family_id_written = rng.random() >= plan.DOCDB_FAMILY_ID_MISSING

    secondary_pair = None
    if secondary:
        other = BY_KEY[secondary]
        secondary_pair = (other, rng.choice([t for t in other.subtopics if not t.keywords]))
    if outside:
        texts = background.compose(rng, topic)
    else:
        texts = compose(rng, vocabulary, topic, year, emerging if is_emerging else None, secondary_pair)
    cpc, ipc = _classes(rng, topic, secondary_pair)
    has_kr = any(p.office == "KR" for p in publications)
    kipris = None
    if has_kr and rng.random() < plan.KIPRIS_SHARE:
        kipris = "biblio" if rng.random() < plan.KIPRIS_BIBLIO_SHARE else "search"
    appeal = 1.0
    if group == "KR" and not noise and not outside:
        appeal = plan.KOREA_EFFECTS[korea][1]
    text_lang, english_title = "en", True
    if not outside and not went_abroad and office in plan.NATIVE_ONLY:
        native = random.Random(f"{sampler.seed}:{index}:native")
        if native.random() < plan.NATIVE_ONLY[office]:
            text_lang = NATIVE_LANGUAGE[office]
            english_title = office == "KR" and native.random() < plan.KR_ENGLISH_TITLE
            if office == "KR" and kipris is None:  # its Korean text comes from KIPRIS alone
                kipris = "biblio" if native.random() < plan.KIPRIS_BIBLIO_SHARE else "search"
    return Family(
        index=index, subclass=subclass, secondary=secondary, topic=topic, noise=noise,
        emerging=is_emerging, year=year, priority=filings.priority, office=office,
        applicants=applicants, inventors=inventors, texts=texts, cpc=cpc, ipc=ipc, pct=filings.pct,
        publications=publications, kipris=kipris, appeal=appeal, background=outside,
        text_lang=text_lang, english_title=english_title,
    )


def _topic(rng: random.Random, vocabulary, emerging, year: int, noise: bool) -> tuple[Topic, bool]:
    if noise:
        return rng.choice(vocabulary.noise), False
    if emerging is not None and rng.random() < plan.emerging_share(emerging.start_year, year):
        return next(t for t in vocabulary.subtopics if t.key == emerging.subtopic), True
    return rng.choice([t for t in vocabulary.subtopics if not t.keywords]), False


def _classes(rng: random.Random, topic: Topic, secondary) -> tuple[list[str], list[str]]:
    cpc = list(topic.cpc[:1]) + rng.sample(topic.cpc[1:], rng.randint(1, len(topic.cpc) - 1))
    ipc = list(topic.ipc)
    if secondary is not None:
        cpc.append(secondary[1].cpc[0])
        ipc.append(secondary[1].ipc[0])
    if not topic.key.startswith(("noise", "background")) and not any(c.startswith("G06N") for c in cpc):
        cpc.append(rng.choice(_GENERIC_CPC))
    return list(dict.fromkeys(cpc)), list(dict.fromkeys(ipc))


class _Filings:
    """Builds the applications and publications of one family, in filing order."""

    def __init__(self, index: int, rng: random.Random, priority_date: date, office: str):
        self.index, self.rng, self.day, self.office = index, rng, priority_date, office
        self.publications: list[Publication] = []
        self.priority: AppNumber | None = None
        self.pct: AppNumber | None = None

    def _add(self, number: PubNumber, application: AppNumber, route: str, claims, pct=None) -> None:
        grant = number.kind[0] in "BY"
        citing = grant or (route in ("first", "paris", "pct") and number.kind == "A1" and number.country == "EP")
        citing = citing or (route == "wo" and number.kind == "A1")
        self.publications.append(Publication(number, application, route, tuple(claims), pct, grant, citing, 0))

    def _between(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def first_filing(self) -> None:
        """The home-office application on the priority date and its publications."""
        i, rng, day, office = self.index, self.rng, self.day, self.office
        if office == "US" and rng.random() < plan.US_PROVISIONAL:
            provisional = nb.us_provisional(i, day)
            application = nb.us_application(i, months_later(day, 12, -self._between(1, 20)))
            self.priority = provisional
            claims = (Claim(provisional, True), Claim(application, False))
        else:
            application = _application(office, i, day)
            self.priority = application
            claims = (Claim(application, True),)
        self._national(office, application, claims, "first", published_after=months_later(day, 18))

    def abroad(self) -> None:
        """Foreign filings: Paris route within 12 months, or a PCT application and its phases."""
        rng, day = self.rng, self.day
        destinations = [o for o, p in plan.DESTINATIONS[self.office].items() if rng.random() < p]
        destinations = destinations or [next(iter(plan.DESTINATIONS[self.office]))]
        if rng.random() < plan.PCT_ROUTE[self.office]:
            self._pct(destinations)
            return
        for destination in destinations:
            filed = day + timedelta(days=self._between(240, 364))
            application = _application(destination, self.index, filed)
            claims = [Claim(self.priority, True)]
            if destination == "US":
                claims.append(Claim(application, False))
            published = months_later(day, 18, self._between(0, 40) if destination == "CN" else 0)
            self._national(destination, application, claims, "paris", published_after=published)

    def _pct(self, destinations: list[str]) -> None:
        i, rng, day = self.index, self.rng, self.day
        receiving = self.office
        pct = nb.pct_application(i, months_later(day, 12, -self._between(2, 25)), receiving)
        self.pct = pct
        kind = "A1" if rng.random() < 0.9 else "A2"
        wo_day = on_publication_day(months_later(day, 18), "WO")
        self._add(nb.wo_publication(i, wo_day, kind), pct, "wo", (Claim(self.priority, True),))
        for destination in destinations:
            entered = months_later(day, 31 if destination == "EP" else 30, -self._between(0, 25))
            application = _application(destination, i, pct.filed, entered)
            claims = (Claim(pct, False, "W"), Claim(self.priority, True))
            publish_a = destination != "EP" or self.office not in _EPO_LANGUAGE_OFFICES
            self._national(destination, application, claims, "pct", pct=pct,
                           published_after=months_later(entered, 1, self._between(5, 110)), publish_a=publish_a)

    def _national(self, office: str, application: AppNumber, claims, route: str, *, published_after: date,
                  pct: AppNumber | None = None, publish_a: bool = True) -> None:
        """The A publication (unless withheld) and, with the office's grant rate, the grant."""
        i, rng = self.index, self.rng
        if office == "KR" and route == "first" and rng.random() < plan.KR_FAST_GRANT:
            # Registered before the 18-month publication: KIPO then never publishes the A.
            granted = on_publication_day(months_later(application.filed, self._between(10, 16)), "KR")
            self._add(nb.kr_registration(i, granted), application, route, claims, pct)
            return
        a_day = None
        if publish_a:
            a_day = on_publication_day(published_after, "US-A" if office == "US" else office)
            self._add(_open_publication(office, i, a_day, rng), application, route, claims, pct)
        if office == "DE" or rng.random() >= plan.GRANT_RATE[office]:
            return
        months = {"KR": (20, 44), "US": (24, 50), "JP": (30, 60), "CN": (24, 48), "EP": (36, 66)}[office]
        granted = months_later(application.filed, self._between(*months))
        if a_day is not None and granted < a_day + timedelta(days=60):
            granted = a_day + timedelta(days=self._between(60, 400))
        granted = on_publication_day(granted, "US-B" if office == "US" else office)
        self._add(_grant_publication(office, i, granted), application, route, claims, pct)


def _application(office: str, index: int, filed: date, entered: date | None = None) -> AppNumber:
    """The family's application at `office` (national-phase entries numbered at `entered`)."""
    if office == "KR":
        return nb.kr_application(index, filed, entered)
    if office == "JP":
        return nb.jp_application(index, filed, entered)
    if office == "CN":
        return nb.cn_application(index, filed, entered)
    if office == "US":
        return nb.us_application(index, filed)
    if office == "EP":
        return nb.ep_application(index, filed)
    return nb.de_application(index, filed)


def _open_publication(office: str, index: int, day: date, rng: random.Random) -> PubNumber:
    if office == "KR":
        return nb.kr_open(index, day)
    if office == "JP":
        return nb.jp_open(index, day)
    if office == "CN":
        return nb.cn_publication(index, day, "A")
    if office == "US":
        return nb.us_publication(index, day)
    if office == "EP":
        return nb.ep_publication(index, day, "A1" if rng.random() < 0.9 else "A2")
    return nb.de_publication(index, day)


def _grant_publication(office: str, index: int, day: date) -> PubNumber:
    if office == "KR":
        return nb.kr_registration(index, day)
    if office == "JP":
        return nb.jp_grant(index, day)
    if office == "CN":
        return nb.cn_publication(index, day, "B")
    if office == "US":
        return nb.us_grant(index, day)
    return nb.ep_publication(index, day, "B1")
