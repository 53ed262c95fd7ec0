"""Application and publication numbers of each office, in every notation the sources write them.

Numbers are unique by construction, not by bookkeeping: each number series is filled from the
family index (a family has at most one application and one publication of each kind per office), so
no registry of issued numbers has to be kept in memory. Series that carry a year (``10-2020-…``,
``2008-…``) hold a bijective scramble of the index, so that numbers of one year do not look
consecutive; series without a year (grants) count up from a base. Both stay unique for family indices
below `MAX_FAMILIES` (about 2.7 million documents), which the caller checks.

Each notation is the one the named source uses (DOCDB docdb/epodoc/original, USPTO XML, KIPRIS), and
the tests check that all of them normalize to one DOCDB id with `roadmap_pipeline.lib.numbers`.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

MAX_FAMILIES = 1_000_000

# US application series codes by filing year (series 60-63 are provisionals).
_US_SERIES = ((2007, "11"), (2010, "12"), (2013, "13"), (2015, "14"), (2018, "15"), (2020, "16"),
              (2022, "17"), (2024, "18"), (9999, "19"))
_US_PROVISIONAL_SERIES = ((2007, "60"), (2014, "61"), (2020, "62"), (9999, "63"))


def _series(table: tuple[tuple[int, str], ...], year: int) -> str:
    return next(code for last, code in table if year <= last)


def _scramble(index: int, modulus: int, salt: int) -> int:
    """A bijection of ``range(modulus)`` (multiplier coprime to 10), salted per number series."""
    return (index * 7919 + salt * 104_729) % modulus


class AppNumber(NamedTuple):
    """An application (also a priority): DOCDB form and the other notations of the same number."""

    country: str  # DOCDB country: the office, or the receiving office of a PCT application
    number: str  # DOCDB application number
    kind: str  # DOCDB application kind: A, W (PCT), P (US provisional)
    filed: date
    original: str  # the office's own notation (10-2020-0168607, 61/713,164, PCT/KR2021/017662)
    epodoc: str  # KR20200168607, US201261713164P, WO2021KR17662
    native: str  # how the office's own bulk data writes it (KIPRIS 10-…, USPTO 8 digits)

    @property
    def id(self) -> str:
        """DOCDB application id as `roadmap_pipeline.lib.numbers.application_id` gives it."""
        return f"{self.country}-{self.number}" if self.kind == "A" else f"{self.country}-{self.number}-{self.kind}"


class PubNumber(NamedTuple):
    """A publication: DOCDB form and the other notations."""

    country: str
    number: str
    kind: str
    published: date
    original: str  # empty where DOCDB gives no original form (EP)
    epodoc: str

    @property
    def id(self) -> str:
        """DOCDB publication id ``CC-NUMBER-KIND``."""
        return f"{self.country}-{self.number}-{self.kind}"


# ------------------------------------------------------------------------------------ applications


def kr_application(index: int, filed: date, entered: date | None = None) -> AppNumber:
    """KIPO patent application ``10-YYYY-NNNNNNN``.

    A PCT national-phase application (`entered` given) is numbered in the year of entry in the
    7-series (``10-2023-7012345``) while its filing date is the international filing date.
    """
    serial = f"{_scramble(index, 10**6, 1) + (7_000_000 if entered else 0):07d}"
    year = (entered or filed).year
    return AppNumber("KR", f"{year}{serial}", "A", filed, f"10-{year}-{serial}", f"KR{year}{serial}",
                     f"10-{year}-{serial}")


def jp_application(index: int, filed: date, entered: date | None = None) -> AppNumber:
    """JPO patent application ``特願YYYY-NNNNNN`` (written without the prefix, as DOCDB and USPTO do).

    A national-phase application is numbered in the year of entry, filed on the international date.
    """
    serial = f"{_scramble(index, 10**6, 2):06d}"
    year = (entered or filed).year
    return AppNumber("JP", f"{year}{serial}", "A", filed, f"{year}-{serial}", f"JP{year}0{serial}",
                     f"{year}-{serial}")


def cn_check_digit(digits: str) -> str:
    """CNIPA check character of a 12-digit application number (weights 2-9,2-5, mod 11)."""
    weights = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
    remainder = sum(int(d) * w for d, w in zip(digits, weights)) % 11
    return "X" if remainder == 10 else str(remainder)


def cn_application(index: int, filed: date, entered: date | None = None) -> AppNumber:
    """CNIPA application ``YYYY T NNNNNNN.C``: type 1 invention, type 8 invention entering from a PCT
    application (numbered in the year of entry, filed on the international date)."""
    serial = f"{_scramble(index, 10**7, 3):07d}"
    body = f"{(entered or filed).year}{'8' if entered else '1'}{serial}"
    # epodoc writes the serial with six digits while it fits (CN20138062258).
    epodoc = body[:5] + serial[1:] if serial[0] == "0" else body
    return AppNumber("CN", body, "A", filed, f"{body}.{cn_check_digit(body)}", f"CN{epodoc}",
                     f"{body}.{cn_check_digit(body)}")


def ep_application(index: int, filed: date) -> AppNumber:
    """EPO application ``YYNNNNNN.C`` (check digit after the dot)."""
    serial = f"{_scramble(index, 10**6, 4):06d}"
    yy = f"{filed.year % 100:02d}"
    check = sum((i + 1) * int(d) for i, d in enumerate(yy + serial)) % 10
    return AppNumber("EP", f"{yy}{serial}", "A", filed, f"{yy}{serial}.{check}", f"EP{filed.year}0{serial}",
                     f"{yy}{serial}.{check}")


def de_application(index: int, filed: date) -> AppNumber:
    """DPMA application ``10 YYYY 0NN NNN`` (the DOCDB form drops the spaces and the check digit)."""
    serial = f"{_scramble(index, 10**6, 5):06d}"
    number = f"10{filed.year}{serial}"
    spaced = f"10 {filed.year} {serial[:3]} {serial[3:]}"
    return AppNumber("DE", number, "A", filed, spaced, f"DE{number}", spaced)


def us_application(index: int, filed: date) -> AppNumber:
    """USPTO non-provisional application ``SS/NNN,NNN``; DOCDB prefixes the filing year.

    One series salt for direct and 371 applications alike: a family has one US application at most.
    """
    series = _series(_US_SERIES, filed.year)
    serial = f"{_scramble(index, 10**6, 6):06d}"
    docdb, epodoc = _us_docdb(filed, series, serial)
    return AppNumber("US", docdb, "A", filed, f"{series}/{serial[:3]},{serial[3:]}", epodoc, f"{series}{serial}")


def us_provisional(index: int, filed: date) -> AppNumber:
    """USPTO provisional application ``6S/NNN,NNN``, DOCDB kind P."""
    series = _series(_US_PROVISIONAL_SERIES, filed.year)
    serial = f"{_scramble(index, 10**6, 8):06d}"
    docdb, epodoc = _us_docdb(filed, series, serial)
    return AppNumber("US", docdb, "P", filed, f"{series}/{serial[:3]},{serial[3:]}", epodoc + "P", f"{series}{serial}")


def _us_docdb(filed: date, series: str, serial: str) -> tuple[str, str]:
    """DOCDB and epodoc numbers of a US application: ``YYYY`` + series + serial from 2008; before,
    DOCDB writes the serial without leading zeros and the two-digit year, epodoc ``YYYY0`` + serial."""
    if filed.year >= 2008:
        return f"{filed.year}{series}{serial}", f"US{filed.year}{series}{serial}"
    return f"{int(serial)}{filed.year % 100:02d}", f"US{filed.year}0{serial}"


def pct_application(index: int, filed: date, office: str) -> AppNumber:
    """PCT application ``PCT/RRYYYY/NNNNNN`` filed at receiving office `office`; DOCDB kind W."""
    serial = f"{_scramble(index, 10**6, 9):06d}"
    year = filed.year
    short = serial[1:] if serial[0] == "0" else serial  # epodoc: WO2013US64552
    return AppNumber(office, f"{year}{serial}", "W", filed, f"PCT/{office}{year}/{serial}",
                     f"WO{year}{office}{short}", f"PCT/{office}{year}/{serial}")


# ------------------------------------------------------------------------------------ publications


def kr_open(index: int, published: date) -> PubNumber:
    """KR unexamined publication (공개) ``10-YYYY-NNNNNNN``, kind A."""
    serial = f"{_scramble(index, 10**7, 11):07d}"
    year = published.year
    return PubNumber("KR", f"{year}{serial}", "A", published, f"10{year}{serial}", f"KR{year}{serial}")


def kr_registration(index: int, published: date) -> PubNumber:
    """KR registered patent (등록) ``10-NNNNNNN-0000``, kind B1."""
    number = f"10{500_000 + index:07d}"
    return PubNumber("KR", number, "B1", published, f"{number}0000", f"KR{number}")


def jp_open(index: int, published: date) -> PubNumber:
    """JP 特開 (or 特表, the translation of a PCT application) ``YYYY-NNNNNN``, kind A.

    The two share one serial space here (JPO starts 特表 serials at 500000): a family has one JP
    publication of kind A at most, and the whole space keeps a million families unique.
    """
    serial = f"{_scramble(index, 10**6, 12):06d}"
    year = published.year
    return PubNumber("JP", f"{year}{serial}", "A", published, f"{year}-{serial}", f"JP{year}{serial}")


def jp_grant(index: int, published: date) -> PubNumber:
    """JP 特許第NNNNNNN号, kind B2 (granted after its A publication)."""
    number = str(4_000_000 + index)
    return PubNumber("JP", number, "B2", published, number, f"JP{number}")


def cn_publication(index: int, published: date, kind: str) -> PubNumber:
    """CN invention publication (A) and grant (B), which share the number."""
    number = str(100_000_000 + index)
    return PubNumber("CN", number, kind, published, number, f"CN{number}")


def ep_publication(index: int, published: date, kind: str) -> PubNumber:
    """EP A1/A2 and B1, which share the number; DOCDB gives no original form."""
    number = f"{1_500_000 + index:07d}"
    return PubNumber("EP", number, kind, published, "", f"EP{number}")


def wo_publication(index: int, published: date, kind: str) -> PubNumber:
    """WO ``YYYY/NNNNNN``."""
    serial = f"{_scramble(index, 10**6, 13):06d}"
    year = published.year
    return PubNumber("WO", f"{year}{serial}", kind, published, f"{year}/{serial}", f"WO{year}{serial}")


def de_publication(index: int, published: date) -> PubNumber:
    """DE Offenlegungsschrift ``10 YYYY 0NN NNN A1``."""
    serial = f"{_scramble(index, 10**6, 14):06d}"
    number = f"10{published.year}{serial}"
    return PubNumber("DE", number, "A1", published, f"10 {published.year} {serial[:3]} {serial[3:]}",
                     f"DE{number}")


def us_publication(index: int, published: date) -> PubNumber:
    """US pre-grant publication ``YYYY0NNNNNN`` A1 (USPTO's 7-digit serial; DOCDB keeps 6 digits)."""
    serial = f"{_scramble(index, 10**6, 15):06d}"
    return PubNumber("US", f"{published.year}{serial}", "A1", published, f"{published.year}0{serial}",
                     f"US{published.year}{serial}")


def us_grant(index: int, published: date, kind: str = "B2") -> PubNumber:
    """US utility patent; USPTO XML zero-pads it to eight digits."""
    number = str(7_000_000 + index)
    return PubNumber("US", number, kind, published, f"{int(number):08d}", f"US{number}")
