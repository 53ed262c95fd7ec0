"""Patent numbers of KR, US, JP, CN, EP and PCT/WO normalized to DOCDB form.

This module is the heart of deduplication: two sources describing the same publication or the same
priority must produce the same string here.

Identifier forms (the data contract):
- publication: ``CC-NUMBER-KIND`` in DOCDB form, e.g. ``US-9291047-B2``, ``US-2012057518-A1``,
  ``US-D982278-S1``, ``KR-20220079145-A``, ``JP-4961043-B2``, ``WO-2014059282-A2``.
- application / priority: ``CC-NUMBER`` in DOCDB application-number form, e.g. ``KR-20200168607``,
  ``JP-2008148514``, ``US-201314052000``, ``EP-13844704``, ``CN-201380062258``; the DOCDB kind is
  appended when it is not ``A`` (PCT applications ``US-2013064552-W``, US provisionals
  ``US-201261713164-P``, utility-model applications ``…-U``), because only the kind tells those
  number series apart. Older numbers keep DOCDB's form of their era (``JP-22233295``,
  ``US-92132197``, ``GB-0204635-W``).

Input notations (``fmt``):
- ``docdb``: the DOCDB number is already the target; it is validated and passed through.
- ``epodoc``: the country is embedded (``EP2906782``, ``US201314052000``, ``WO2013US64552``,
  ``US201261713164P``), a publication number may end in its kind or its kind letter
  (``JP4961043B``, ``CN101911042B``); epodoc application numbers are ``CC + YYYY + serial`` and
  are converted per office.
- ``original``, ``uspto``, ``kipris``: the office's own notation with any separators
  (``10-2020-0168607``, ``61/713,164``, ``PCT/US2013/064552``, ``13844704.0``, ``2008-148514``,
  ``特願平7-222332``, ``実開平6-35832``, ``WO 02/21414``).

DOCDB's forms by era, from the EPO's OPS reference guide (number formats, "PCT in docdb"), its
number service's recorded answers, DOCDB/OPS records and Google Patents Public Data (whose ids
are DOCDB's); tests/number_cases.csv holds the cases with their origin:
- JP publications before 2000: era letter, two-digit era year, serial without leading zeros
  (``実開平6-35832`` -> ``JP-H0635832-U``, ``特公昭61-7693`` -> ``JP-S617693-B2``); from 2000
  ``YYYY`` + 6 digits; grants plain (``JP-4961043-B2``). A number whose era letter is missing
  (``JP01153210A``) is an error: the era cannot be told.
- JP applications before 2000: serial without leading zeros + two-digit year (``特願平7-222332``,
  epodoc ``JP19950222332`` -> ``JP-22233295``); from 2000 ``YYYY`` + 6 digits.
- US applications filed before 2008: serial without series code + two-digit filing year, for
  every series (``08/921,321`` of 1997 -> ``US-92132197``, provisional ``60/095,006`` of 1998 ->
  ``US-9500698-P``); from 2008 filing year + series + serial (``US-201314052000``). The year of
  2008 is where the samples change form (2007 filings are ``serial + YY``, 2011 ones
  ``YYYY + series + serial``); no filing of 2008-2010 is among the cases. A USPTO number without
  a filing date raises NumberNeedsFact. US application kinds follow the series code: 60-63
  (provisionals) P, 29 (designs) F.
- PCT applications: ``RO-YYYYNNNNNN-W`` from 2004, ``RO-YYNNNNN-W`` before
  (``PCT/GB02/04635`` -> ``GB-0204635-W``).
- WO publications: ``YYYY`` + 6 digits from 2004; before, WIPO's ``YY`` + 5 digits, which became
  ``YY`` + 6 in mid-2002 (``WO 02/21414`` -> ``WO-0221414``, ``WO 03/021278`` ->
  ``WO-03021278``); four-digit-year forms other tools write are brought back
  (``WO2001098623`` -> ``WO-0198623``), except a zero-led 2002 serial, whose width is lost.
- CN publications: 6 to 9 digits without a leading zero (``CN01847039A`` is an error).
- DOCDB dummy priorities (unknown number, ``1258190X`` / epodoc ``USX1258190``) become
  ``CC-1258190X``.
- Any other country is handled leniently: separators are stripped and ``CC-NUMBER[-KIND]`` built;
  its epodoc application numbers (``CA20132887530`` vs docdb ``2887530``) are NOT reconciled.

A notation no rule covers is a NumberError, never a guess; a sound number whose DOCDB form needs a
fact the caller did not pass is a NumberNeedsFact naming the fact.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Callable
from datetime import date


class NumberError(ValueError):
    """A number that cannot be normalized; the message says which and why."""


class NumberNeedsFact(NumberError):
    """A well-formed number whose DOCDB form depends on a fact the caller did not pass.

    The record is sound; only its id waits for the fact (a US application's filing date), so a
    parser keeps the document and records a warning naming the fact instead of dropping it.

    Attributes:
        fact: what is missing, in words (``filing date``).
    """

    def __init__(self, message: str, fact: str):
        super().__init__(message)
        self.fact = fact


_FORMATS = frozenset({"docdb", "epodoc", "original", "uspto", "kipris"})

# Separators sources put inside numbers; removed before the digit-shape rules apply.
_SEPARATORS = re.compile(r"[\s\-/.,_'’:]")
_COUNTRY = re.compile(r"[A-Z]{2}")
_KIND = re.compile(r"[A-Z][0-9]?")
# Every kind already in its normal form (A, B2, …): most sources write them so.
_NORMAL_KINDS = frozenset(letter + digit for letter in string.ascii_uppercase for digit in ("", *string.digits))
_TRAILING_KIND = re.compile(r"^(.*[0-9])[\s_]+([A-Z][0-9]?)$")
_ALNUM = re.compile(r"[0-9A-Z]+")

# Years a patent number can plausibly carry (KIPRIS has 1947 applications, JP/US older ones).
_MIN_YEAR, _MAX_YEAR = 1880, 2099


# --------------------------------------------------------------------------------------------
# Small shared helpers


# The helpers below run for every number of a bulk file: each skips its general step where a
# cheap test shows that step would change nothing (ASCII needs no NFKC folding, a string of
# letters and digits holds no separator, the usual kinds are already normal).


def _clean(text: str | None) -> str:
    """Upper-cased, NFKC-folded text (full-width digits from CJK sources become ASCII)."""
    if not text:
        return ""
    if text.isascii():
        return text.strip().upper()
    return unicodedata.normalize("NFKC", text).strip().upper()


def _compact(text: str) -> str:
    """Text without separators."""
    return text if text.isalnum() else _SEPARATORS.sub("", text)


def _fail(what: str, number: str, expected: str) -> NumberError:
    """NumberError naming the input and what was expected instead."""
    return NumberError(f"{what} {number!r}: expected {expected}")


def _plausible_year(text: str) -> bool:
    """Whether a four-digit string is a year a patent number can carry."""
    return text.isdigit() and len(text) == 4 and _MIN_YEAR <= int(text) <= _MAX_YEAR


def _century(yy: int, pivot: int) -> int:
    """Four-digit year from a two-digit one: ``yy >= pivot`` is 19yy, otherwise 20yy."""
    return 1900 + yy if yy >= pivot else 2000 + yy


def normalize_kind(kind: str | None, number: str | None = None) -> str | None:
    """Kind code upper-cased without spaces, or None when empty.

    Args:
        kind: the kind code as written (``a2``, ``B 1``).
        number: the number it belongs to, only to name it in the error message.

    Raises:
        NumberError: when the kind is not a letter optionally followed by one digit.
    """
    if kind in _NORMAL_KINDS:
        return kind
    text = _SEPARATORS.sub("", _clean(kind))
    if not text:
        return None
    if not _KIND.fullmatch(text):
        what = f"kind code {kind!r}" + (f" of {number!r}" if number is not None else "")
        raise NumberError(f"{what}: expected a letter optionally followed by a digit (A1, B2, W)")
    return text


def split_epodoc(text: str) -> tuple[str, str]:
    """Country and remainder of an epodoc number (``EP2906782`` -> ``("EP", "2906782")``).

    Raises:
        NumberError: when the text does not start with a two-letter country and a remainder.
    """
    compact = _compact(_clean(text))
    if len(compact) < 3 or not _COUNTRY.fullmatch(compact[:2]):
        raise _fail("epodoc number", text, "two-letter country followed by the number")
    return compact[:2], compact[2:]


def _check_fmt(fmt: str) -> None:
    """Reject an unknown data format: a caller bug, not bad data."""
    if fmt not in _FORMATS:
        raise ValueError(f"unknown number format {fmt!r}; expected one of {sorted(_FORMATS)}")


_AFTER_REPEATED_COUNTRY = re.compile(r"[^A-Z]|[A-Z]{1,2}\d")


def _locate(country: str, number: str, fmt: str, what: str) -> tuple[str, str]:
    """Country and number text with any embedded country removed.

    epodoc numbers carry their country; other notations may repeat it (``KR1020120103937``,
    ``WO 2022/259205``), and that repetition is dropped. A PCT text (``PCT/…``) may come with
    no country at all.
    """
    text = _clean(number)
    if not text:
        raise _fail(what, number, "a non-empty number")
    given = _clean(country)
    if given and not (len(given) == 2 and given.isascii() and given.isalpha()):  # [A-Z]{2}
        raise _fail(f"country {country!r} of {what}", number, "a two-letter country code")
    if fmt == "epodoc":
        embedded, rest = split_epodoc(text)
        # PCT epodoc numbers start with WO while DOCDB files them under the receiving office.
        if given and given != embedded and embedded != "WO":
            raise _fail(what, number, f"an epodoc number of country {given}")
        return embedded, rest
    if text.startswith("PCT"):
        return given or "WO", text
    if not given:
        raise _fail(what, number, "a country code (only epodoc and PCT numbers embed one)")
    # The repeated country may be followed by a letter prefix of the number (USD0982278,
    # JPH10123456), never by a further letter pair.
    if text.startswith(given) and _AFTER_REPEATED_COUNTRY.match(text, 2):
        text = text[2:].strip()
    return given, text


def _split_trailing_kind(text: str, fmt: str) -> tuple[str, str | None]:
    """Number and kind when a native notation appends the kind (``KR1020120103937 A``)."""
    if fmt in ("docdb", "epodoc") or text.isalnum():  # the kind follows a space or an underscore
        return text, None
    match = _TRAILING_KIND.match(text)
    if not match:
        return text, None
    return match.group(1), match.group(2)


_EPODOC_KIND = re.compile(r"(.*\d)([A-Z]\d?)")
# Kinds that DOCDB writes as a bare letter, per office; elsewhere a bare letter at the end of an
# epodoc number (JP4961043B for B2) is only the start of the kind. Other offices: any letter.
_LETTER_KINDS = {"CN": "ABCUY", "JP": "AU", "KR": "AU", "US": "AEHPS", "EP": "", "WO": ""}


def _split_attached_kind(text: str) -> tuple[str, str | None]:
    """Number and kind of a publication number ending in its kind (``CN101911042B``)."""
    if text[-2:].isdigit():  # a kind ends in a letter or a letter and a digit
        return text, None
    match = _EPODOC_KIND.fullmatch(text)
    return (match.group(1), match.group(2)) if match else (text, None)


# --------------------------------------------------------------------------------------------
# PCT applications (any receiving office)

_PCT_EPODOC = re.compile(r"(?:WO)?(\d{4})([A-Z]{2})(\d{1,6})")
_PCT_WRITTEN = re.compile(r"[/\s-]*([A-Z]{2})[/\s-]*(\d{4}|\d{2})[/\s-]+(\d{1,6})")
_PCT_COMPACT = re.compile(r"([A-Z]{2})(\d{4})(\d{6})")
_PCT_DOCDB = re.compile(r"\d{10}|\d{7}")
# PCT application numbers carry a four-digit year and a six-digit serial from 2004 on.
_PCT_FOUR_DIGIT_YEAR_FROM = 2004


def _is_pct(country: str, text: str, kind: str | None) -> bool:
    """Whether an application number is an international (PCT) one."""
    return country == "WO" or kind == "W" or text.startswith("PCT")


def _pct_year(year: str, raw: str) -> int:
    """Four-digit PCT year; two-digit years are 1978-2003 (the series changed in 2004)."""
    value = _century(int(year), 78) if len(year) == 2 else int(year)
    if not 1978 <= value <= _MAX_YEAR:
        raise _fail("PCT application", raw, "a year from 1978 on")
    return value


def _pct_parts(country: str, body: str) -> tuple[str, str, str] | None:
    """Receiving office, year (2 or 4 digits) and serial of a PCT number, or None."""
    epodoc = _PCT_EPODOC.fullmatch(body)
    if epodoc:
        # epodoc puts the year before the office: WO2013US64552.
        year, office, serial = epodoc.groups()
        return office, year, serial
    written = _PCT_WRITTEN.fullmatch(body)
    if written:
        return written.groups()
    compact = _compact(body)
    prefixed = _PCT_COMPACT.fullmatch(compact)
    if prefixed:
        return prefixed.groups()
    if country != "WO" and _PCT_DOCDB.fullmatch(compact):
        # DOCDB form under the receiving office: YYYY+6 digits, or YY+5 before 2004.
        split = 4 if len(compact) == 10 else 2
        return country, compact[:split], compact[split:]
    return None


def _pct_application(country: str, text: str, raw: str) -> str:
    """DOCDB PCT application id from any notation (receiving office, year, serial).

    From 2004 ``RO-YYYYNNNNNN-W``; before, DOCDB keeps the old series as two-digit year and
    five-digit serial (``PCT/GB02/04635`` -> ``GB-0204635-W``).
    """
    parts = _pct_parts(country, text.removeprefix("PCT"))
    if parts is None:
        raise _fail(
            "PCT application",
            raw,
            "PCT/CCYYYY/NNNNNN, CCYYYY/NNNNNN, epodoc WOYYYYCCNNNNN, or the DOCDB YYYYNNNNNN "
            "under the receiving-office country (a bare number under WO lacks the receiving "
            "office)",
        )
    office, year, serial = parts
    if office == "WO":
        raise _fail("PCT application", raw, "a receiving-office country, not WO")
    value = _pct_year(year, raw)
    if value >= _PCT_FOUR_DIGIT_YEAR_FROM:
        return f"{office}-{value}{serial.zfill(6)}-W"
    if len(serial.lstrip("0")) > 5:
        raise _fail("PCT application", raw, f"a serial of at most 5 digits in {value}")
    return f"{office}-{value % 100:02d}{serial.zfill(5)[-5:]}-W"


# --------------------------------------------------------------------------------------------
# Publications per office. Each returns (DOCDB number, kind inferred from the number or None).

_US_PREFIXED = re.compile(r"(PP|RE|RX|AI|D|H|T|X)0*([1-9]\d{0,6})")


def _pub_us(text: str, kind: str | None, fmt: str, raw: str) -> tuple[str, str | None]:
    """US: grants lose leading zeros, pre-grant publications become YYYY + 6 digits."""
    compact = _compact(text)
    if not compact.isdigit():
        match = _US_PREFIXED.fullmatch(compact)
        if match:
            return match.group(1) + match.group(2), None
        raise _fail("US publication", raw, "digits, or a D/PP/RE/H/T/X prefix and digits")
    if len(compact) in (10, 11) and _plausible_year(compact[:4]):
        if kind and not kind.startswith("A"):
            raise _fail("US publication", raw, f"a pre-grant kind (A1/A2/A9), not {kind}")
        serial = compact[4:]
        # USPTO writes a 7-digit serial; DOCDB keeps 6 while the yearly count stays below 10^6.
        if len(serial) == 7 and serial.startswith("0"):
            serial = serial[1:]
        return compact[:4] + serial, None
    if 1 <= len(compact) <= 8 and int(compact):
        return str(int(compact)), None
    raise _fail("US publication", raw, "a grant number (up to 8 digits) or YYYY+serial")


def _kr_registration(compact: str, kind: str | None, raw: str) -> tuple[str, str]:
    """DOCDB number and kind of a KIPRIS registration number ``TT-NNNNNNN-0000``.

    DOCDB keeps the type code in front of the 7-digit registration number (KR103028032B1).
    """
    if kind and kind[0] not in "BY":
        raise _fail("KR publication", raw, f"a grant kind (B1/Y1) for a registration, not {kind}")
    return compact[:9], "B1" if compact.startswith("10") else "Y1"


_KR_REGISTRATION = re.compile(r"(10|20)[-\s]?\d{7}[-\s]0000")


def _pub_kr(text: str, kind: str | None, fmt: str, raw: str) -> tuple[str, str | None]:
    """KR: KIPRIS 13-digit open/registration numbers and DOCDB numbers."""
    compact = _compact(text)
    if not compact.isdigit():
        raise _fail("KR publication", raw, "digits")
    # With separators the grouping tells a registration (10-3028032-0000) from an open number.
    if _KR_REGISTRATION.fullmatch(text):
        return _kr_registration(compact, kind, raw)
    if len(compact) == 13:
        type_code = compact[:2]
        if type_code not in ("10", "20"):
            raise _fail("KR publication", raw, "KIPRIS type 10 (patent) or 20 (utility model)")
        wants_registration = bool(kind) and kind[0] in "BY"
        if not wants_registration and _plausible_year(compact[2:6]):
            if compact.endswith("0000") and not kind:
                raise _fail("KR publication", raw, "a kind to tell open from registration")
            return compact[2:], "A" if type_code == "10" else "U"
        if compact.endswith("0000"):
            return _kr_registration(compact, kind, raw)
        raise _fail("KR publication", raw, "TT-YYYY-NNNNNNN or TT-NNNNNNN-0000")
    if len(compact) == 9 and compact[:2] in ("10", "20"):
        return compact, "B1" if compact.startswith("10") else "Y1"
    if 6 <= len(compact) <= 11:
        return compact, None
    raise _fail("KR publication", raw, "13 KIPRIS digits or a DOCDB number of 6-11 digits")


# Japanese era initials and the year before each era's year 1.
_JP_ERAS = {"M": 1867, "T": 1911, "S": 1925, "H": 1988, "R": 2018}
_JP_ERA_NAMES = {
    "明治": "M", "大正": "T", "昭和": "S", "平成": "H", "令和": "R",
    "明": "M", "大": "T", "昭": "S", "平": "H", "令": "R",
}
# Document-type prefixes of JP numbers (unexamined, PCT-translation, examined, grant; utility).
_JP_PUB_PREFIXES = (
    "特開", "特表", "再表", "特公", "特許", "実開", "実表", "実公", "実登", "登録実用新案",
)
# Application prefixes and the DOCDB application kind each implies (utility models: U).
_JP_APP_PREFIXES = {"特願": None, "特許出願": None, "実願": "U", "実用新案登録出願": "U"}
_JP_ERA_NAMES_LONGEST_FIRST = sorted(_JP_ERA_NAMES, key=len, reverse=True)
_JP_PUB_PREFIXES_LONGEST_FIRST = sorted(_JP_PUB_PREFIXES, key=len, reverse=True)
_JP_APP_PREFIXES_LONGEST_FIRST = sorted(_JP_APP_PREFIXES, key=len, reverse=True)
# Era numbers: H10-123456 with a separator, or compact with a two-digit era year: DOCDB's own
# H0635832 (serial not padded) or the padded H06035832 other tools write.
_JP_ERA_NUMBER = re.compile(r"([MTSHR])\s*(\d{1,2})[-/\s]+(\d{1,6})|([MTSHR])(\d{2})(\d{1,6})")
_JP_WESTERN = re.compile(r"(\d{4})[-/\s]+(\d{1,6})")
# The JPO numbers applications and publications by western year from 2000; DOCDB writes the
# earlier ones by era (publications) or as serial + two-digit year (applications).
_JP_WESTERN_FROM = 2000


def _jp_prefix_free(text: str, prefixes: list[str]) -> tuple[str, str]:
    """Text without a Japanese document-type prefix, and the prefix found ('' if none).

    Args:
        text: the number as written.
        prefixes: the prefixes to look for, longest first.
    """
    if text.isascii():  # the prefixes and 第…号 are Japanese
        return text.strip(), ""
    found = next((p for p in prefixes if text.startswith(p)), "")
    # 第…号 ("number …") wraps the number in formal citations: 特許第4961043号.
    body = text[len(found):].strip().removeprefix("第").removesuffix("号").strip()
    return body, found


def _jp_era_parts(text: str) -> tuple[str, int, str] | None:
    """Era initial, era year and serial of an era number (平成20-148514, H20-148514), or None."""
    if text.isdigit():  # no era initial
        return None
    if not text.isascii():
        for name in _JP_ERA_NAMES_LONGEST_FIRST:
            if text.startswith(name):
                text = _JP_ERA_NAMES[name] + text[len(name):]
                break
    match = _JP_ERA_NUMBER.fullmatch(text)
    if not match:
        return None
    era, year, serial = match.groups()[:3] if match.group(1) else match.groups()[3:]
    return era, int(year), serial


def _pub_jp(text: str, kind: str | None, fmt: str, raw: str) -> tuple[str, str | None]:
    """JP: YYYY+6 digits since 2000, era form (H0635832) before, plain grant numbers."""
    body, _ = _jp_prefix_free(text, _JP_PUB_PREFIXES_LONGEST_FIRST)
    era = _jp_era_parts(body)
    if era:
        initial, era_year, serial = era
        year = _JP_ERAS[initial] + era_year
        if not int(serial):
            raise _fail("JP publication", raw, "a serial other than zero")
        if year >= _JP_WESTERN_FROM:
            return f"{year}{int(serial):06d}", None
        # DOCDB: era letter, two-digit era year, serial without leading zeros (JPH0635832U).
        return f"{initial}{era_year:02d}{int(serial)}", None
    western = _JP_WESTERN.fullmatch(body)
    if western and _plausible_year(western.group(1)):
        return _jp_western_publication(int(western.group(1)), western.group(2), raw), None
    compact = _compact(body)
    if compact.isdigit() and len(compact) == 10 and _plausible_year(compact[:4]):
        return _jp_western_publication(int(compact[:4]), compact[4:], raw), None
    # Grant (registration) numbers: up to 7 digits. A leading zero or an 8-digit number is a
    # publication whose era letter was dropped (JP01153210A): the era cannot be told.
    if compact.isdigit() and len(compact) <= 7 and compact[0] != "0":
        return compact, None
    raise _fail(
        "JP publication",
        raw,
        "YYYY-NNNNNN, an era number with its era (H06-35832, JPH0635832) or a grant number",
    )


def _jp_western_publication(year: int, serial: str, raw: str) -> str:
    """A JP publication numbered by western year: YYYY + 6 digits, from 2000 only."""
    if year < _JP_WESTERN_FROM:
        raise _fail("JP publication", raw, "an era number before 2000 (H10-123456)")
    return f"{year}{serial.zfill(6)}"


def _pub_cn(text: str, kind: str | None, fmt: str, raw: str) -> tuple[str, str | None]:
    """CN: publication numbers are 6 to 9 digits without a leading zero (104968889)."""
    compact = _compact(text)
    if not compact.isdigit() or not 6 <= len(compact) <= 9 or compact[0] == "0":
        raise _fail("CN publication", raw, "6 to 9 digits not starting with 0")
    return compact, None


def _pub_ep(text: str, kind: str | None, fmt: str, raw: str) -> tuple[str, str | None]:
    """EP: seven digits, zero-padded as DOCDB writes them (EP0123456)."""
    compact = _compact(text)
    if not compact.isdigit() or len(compact) > 7 or not int(compact):
        raise _fail("EP publication", raw, "up to 7 digits")
    return compact.zfill(7), None


_WO_WRITTEN = re.compile(r"(\d{4}|\d{2})[-/\s]+(\d{1,6})")
# Compact WO numbers: YY + 5 (WO9411762), YY + 6 (WO03021278, WO09104034), YYYY + 5 or 6.
_WO_COMPACT = re.compile(r"(\d{2})(\d{5,6})|((?:19|20)\d{2})(\d{5,6})")
# WO publication numbers: YY/NNNNN up to 2001 and early 2002, YY/NNNNNN from mid-2002 (both
# widths occur in 2002; the one written is kept), YYYY/NNNNNN from 2004.
_WO_FOUR_DIGIT_YEAR_FROM = 2004
_WO_SIX_DIGIT_SERIAL_FROM = 2002


def _wo_number(year_text: str, serial: str, raw: str) -> str:
    """DOCDB WO number from a year (2 or 4 digits) and a serial as written.

    DOCDB keeps WIPO's own forms: ``YYYY`` + 6 digits from 2004, ``YY`` + 5 digits to 2001
    (``WO 94/11762`` -> ``9411762``; a serial zero-padded to 6 by another tool is unpadded), and
    in 2002-2003 ``YY`` + the serial as WIPO wrote it (5 digits until mid-2002, then 6).
    """
    year = _century(int(year_text), 78) if len(year_text) == 2 else int(year_text)
    if year < 1978:
        raise _fail("WO publication", raw, "a year from 1978 on")
    if year >= _WO_FOUR_DIGIT_YEAR_FROM:
        return f"{year}{serial.zfill(6)}"
    significant = serial.lstrip("0")
    if year < _WO_SIX_DIGIT_SERIAL_FROM or (year == 2002 and len(serial) <= 5):
        if len(significant) > 5 or not significant:
            raise _fail("WO publication", raw, f"a serial of 1 to 5 digits in {year}")
        return f"{year % 100:02d}{serial.zfill(5)[-5:]}"
    if year == 2002 and len(year_text) == 4 and serial[0] == "0":
        # A four-digit year comes from a tool that pads every serial to six digits, and 2002
        # has both widths: 2002/021414 may be WO 02/21414 or WO 02/021414.
        raise _fail(
            "WO publication", raw, "WIPO's YY/NNNNN or YY/NNNNNN for 2002 (the width is lost)"
        )
    return f"{year % 100:02d}{serial.zfill(6)}"


def _pub_wo(text: str, kind: str | None, fmt: str, raw: str) -> tuple[str, str | None]:
    """WO: 2022/259205 -> 2022259205; 94/11762 -> 9411762 (DOCDB's pre-2004 form)."""
    if len(text) == 10 and text.isdigit() and text.isascii() and "2004" <= text[:4] <= "2099":
        return text, None  # DOCDB's own form from 2004, the usual one: what `_wo_number` gives
    written = _WO_WRITTEN.fullmatch(text)
    if written:
        return _wo_number(*written.groups(), raw), None
    compact = _compact(text)
    match = _WO_COMPACT.fullmatch(compact)
    if match:
        year_text, serial = match.groups()[:2] if match.group(1) else match.groups()[2:]
        return _wo_number(year_text, serial, raw), None
    raise _fail("WO publication", raw, "YYYY/NNNNNN, YY/NNNNN or the DOCDB number")


def _pub_other(text: str, kind: str | None, fmt: str, raw: str) -> tuple[str, str | None]:
    """Any other office: separators stripped, nothing else assumed."""
    compact = _compact(text)
    if not _ALNUM.fullmatch(compact):
        raise _fail("publication", raw, "letters and digits")
    return compact, None


_PUBLICATION_RULES: dict[str, Callable[[str, str | None, str, str], tuple[str, str | None]]] = {
    "US": _pub_us,
    "KR": _pub_kr,
    "JP": _pub_jp,
    "CN": _pub_cn,
    "EP": _pub_ep,
    "WO": _pub_wo,
}


def publication_id(country: str, number: str, kind: str | None, fmt: str = "docdb") -> str:
    """DOCDB publication id from a publication number as a source writes it.

    Args:
        country: two-letter authority (``US``, ``KR`` …); may be empty when ``number`` embeds it.
        number: the number in the source's notation (``20220160114``, ``D0982278``,
            ``1020220079145``, ``10-2022-0079145``, ``2022/259205``, ``EP2906782``).
        kind: kind code (``A1``, ``B2``, ``S1``…); None when the source gives none (then inferred
            where the office's numbering allows it, else NumberError).
        fmt: ``docdb``, ``epodoc`` or ``original`` (DOCDB/OPS data-format), or a source name
            (``uspto``, ``kipris``) for native notations.

    Raises:
        NumberError: when no DOCDB id can be built.
    """
    _check_fmt(fmt)
    cc, text = _locate(country, number, fmt, "publication")
    given_kind = normalize_kind(kind, number)
    text, written_kind = _split_trailing_kind(text, fmt)
    if not written_kind and fmt in ("epodoc", "original"):
        bare, attached = _split_attached_kind(text)
        # In a native notation a letter that disagrees with the stated kind is a typo, not a kind.
        if attached and (fmt == "epodoc" or not given_kind or given_kind[0] == attached[0]):
            text, written_kind = bare, attached
    if given_kind and written_kind and given_kind[0] != written_kind[0]:
        raise _fail(f"{cc} publication", number, f"a kind code agreeing with {written_kind}")
    letters = _LETTER_KINDS.get(cc, written_kind)
    if not given_kind and written_kind and len(written_kind) == 1 and written_kind not in letters:
        expected = f"the full kind code ({written_kind} is its letter)"
        raise _fail(f"{cc} publication", number, expected)
    given_kind = given_kind or written_kind
    rule = _PUBLICATION_RULES.get(cc, _pub_other)
    doc_number, inferred_kind = rule(text, given_kind, fmt, number)
    final_kind = given_kind or inferred_kind
    if not final_kind:
        # US A1/A2/A9, B1/B2, JP A/B2 … cannot be told from the number alone.
        raise _fail(f"{cc} publication", number, "a kind code (it cannot be told from the number)")
    return f"{cc}-{doc_number}-{final_kind}"


# --------------------------------------------------------------------------------------------
# Applications per office. Each returns (DOCDB number, kind implied by the number or None).

_US_PROVISIONAL_SERIES = frozenset({"60", "61", "62", "63"})
# Design applications (series 29) carry application kind F in DOCDB.
_US_DESIGN_SERIES = "29"
# DOCDB writes US applications filed before 2008 as serial + two-digit filing year, without the
# series code (08/921,321 of 1997 -> 92132197; 60/095,006 of 1998 -> 9500698 P), and later ones
# as filing year + series + serial (14/052,000 of 2013 -> 201314052000).
_US_SERIES_FORM_FROM = 2008


def _us_number(year: int, series: str, serial: str, kind: str | None, raw: str):
    """DOCDB number and kind of a US application known by filing year, series and serial."""
    kind = _us_series_kind(series, kind, raw)
    if year >= _US_SERIES_FORM_FROM:
        return f"{year}{series}{serial}", kind
    return _us_legacy(year, serial, kind, raw)


def _us_legacy(year: int, serial: str, kind: str | None, raw: str) -> tuple[str, str | None]:
    """DOCDB's form before 2008: serial without leading zeros, then the two-digit filing year."""
    if not 0 < int(serial) < 1_000_000:
        raise _fail("US application", raw, "a six-digit serial")
    return f"{int(serial)}{year % 100:02d}", kind


def _us_year_from(filing_date: date | None, raw: str) -> int:
    """Filing year, required to place a USPTO application number in DOCDB form."""
    if filing_date is None:
        raise NumberNeedsFact(
            f"US application {raw!r}: expected a filing date (DOCDB writes the filing year)",
            "filing date",
        )
    return filing_date.year


def _us_series_kind(series: str, kind: str | None, raw: str) -> str | None:
    """Kind implied by the US series code: provisionals (60-63) P, designs (29) F.

    The series-implied kind replaces a missing or default ``A`` whatever the source, so a source
    that states the kind and one that does not still agree.
    """
    if series in _US_PROVISIONAL_SERIES:
        if kind not in (None, "A", "P"):
            raise _fail("US application", raw, f"kind P for provisional series {series}")
        return "P"
    if kind == "P":
        raise _fail("US application", raw, "a provisional series (60-63) for kind P")
    if series == _US_DESIGN_SERIES and kind in (None, "A"):
        return "F"
    return kind


_US_EPODOC_APPLICATION = re.compile(r"(\d{4})(\d{7,8})([A-Z]?)")


def _app_us(
    text: str, kind: str | None, filing_date: date | None, fmt: str, raw: str
) -> tuple[str, str | None]:
    """US: filing year + series + serial from 2008 (201314052000), serial + YY before."""
    compact = _compact(text)
    if fmt == "epodoc":
        match = _US_EPODOC_APPLICATION.fullmatch(compact)
        if not match or not _plausible_year(match.group(1)):
            raise _fail("US epodoc application", raw, "USYYYY + 8 digits [+ P]")
        year, digits, suffix = match.groups()
        kind = kind if kind not in (None, "A") else (suffix or kind)
        if len(digits) == 7:
            # Before 2008 epodoc drops the series code too: YYYY + 0 + serial.
            return _us_legacy(int(year), digits, kind, raw)
        return _us_number(int(year), digits[:2], digits[2:], kind, raw)
    if not compact.isdigit():
        raise _fail("US application", raw, "digits (series/serial or YYYY+series+serial)")
    if len(compact) == 12:
        if not _plausible_year(compact[:4]):
            raise _fail("US application", raw, "YYYY + series + serial")
        return _us_number(int(compact[:4]), compact[4:6], compact[6:], kind, raw)
    if fmt == "docdb" and 3 <= len(compact) <= 8:
        # DOCDB's form before 2008, passed through: serial, then the two-digit filing year.
        yy = int(compact[-2:])
        if filing_date is not None and filing_date.year % 100 != yy:
            expected = f"a serial + YY ending in {filing_date.year % 100:02d} (filing year)"
            raise _fail("US DOCDB application", raw, expected)
        return compact, kind
    if len(compact) == 8:
        year = _us_year_from(filing_date, raw)
        return _us_number(year, compact[:2], compact[2:], kind, raw)
    raise _fail("US application", raw, "series code + 6-digit serial (14/052,000), or 12 digits")


def _app_kr(
    text: str, kind: str | None, filing_date: date | None, fmt: str, raw: str
) -> tuple[str, str | None]:
    """KR: YYYY + 7 digits; the KIPRIS type code 20 (utility model) becomes kind U."""
    compact = _compact(text)
    if fmt == "epodoc" and compact[-1:] == "U":
        compact, kind = compact[:-1], kind or "U"
    if not compact.isdigit():
        raise _fail("KR application", raw, "digits (TT-YYYY-NNNNNNN)")
    if len(compact) == 13:
        type_code = compact[:2]
        if type_code not in ("10", "20"):
            raise _fail("KR application", raw, "KIPRIS type 10 (patent) or 20 (utility model)")
        if not _plausible_year(compact[2:6]):
            raise _fail("KR application", raw, "TT-YYYY-NNNNNNN with a valid year")
        return compact[2:], "U" if type_code == "20" else kind
    if len(compact) == 11 and _plausible_year(compact[:4]):
        return compact, kind
    if fmt == "docdb" and 5 <= len(compact) <= 11:
        return compact, kind
    raise _fail("KR application", raw, "13 KIPRIS digits (10-YYYY-NNNNNNN) or YYYY+7 digits")


def _app_jp(
    text: str, kind: str | None, filing_date: date | None, fmt: str, raw: str
) -> tuple[str, str | None]:
    """JP: YYYY + 6 digits from 2000 (2008148514), serial + two-digit year before (22233295)."""
    body, prefix = _jp_prefix_free(text, _JP_APP_PREFIXES_LONGEST_FIRST)
    kind = _JP_APP_PREFIXES.get(prefix) or kind
    era = _jp_era_parts(body)
    if era:
        initial, era_year, serial = era
        return _jp_application(_JP_ERAS[initial] + era_year, serial, raw), kind
    western = _JP_WESTERN.fullmatch(body)
    if western and _plausible_year(western.group(1)):
        return _jp_application(int(western.group(1)), western.group(2), raw), kind
    compact = _compact(body)
    if fmt == "epodoc" and compact[-1:] == "U":
        compact, kind = compact[:-1], kind or "U"
    if not compact.isdigit():
        raise _fail("JP application", raw, "YYYY-NNNNNN or an era number (H20-148514)")
    if len(compact) == 10 and _plausible_year(compact[:4]):
        return _jp_application(int(compact[:4]), compact[4:], raw), kind
    if len(compact) == 11 and _plausible_year(compact[:4]) and compact[4] == "0":
        # epodoc: YYYY + 7 digits, the first a padding zero.
        return _jp_application(int(compact[:4]), compact[5:], raw), kind
    if fmt == "docdb" and 3 <= len(compact) <= 8 and compact[0] != "0":
        # DOCDB's own form before 2000, passed through: serial, then the two-digit year.
        return compact, kind
    raise _fail("JP application", raw, "YYYY + 6 digits")


def _jp_application(year: int, serial: str, raw: str) -> str:
    """DOCDB JP application number from filing year and serial."""
    if not 0 < int(serial) < 1_000_000:
        raise _fail("JP application", raw, "a serial of 1 to 6 digits")
    if year >= _JP_WESTERN_FROM:
        return f"{year}{int(serial):06d}"
    return f"{int(serial)}{year % 100:02d}"


def _cn_check_digit(digits: str) -> str:
    """CNIPA check character of a 12-digit application number (weights 2-9,2-5, mod 11)."""
    weights = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
    remainder = sum(int(d) * w for d, w in zip(digits, weights)) % 11
    return "X" if remainder == 10 else str(remainder)


_CN_EPODOC_SHORT = re.compile(r"\d{11}")
_CN_EPODOC = re.compile(r"\d{12}|\d{8}")
_CN_CHECKED = re.compile(r"\d{12}[\dX]")
_CN_TWELVE = re.compile(r"\d{12}")
_CN_BEFORE_2003 = re.compile(r"\d{8}[\dX]?")


def _app_cn(
    text: str, kind: str | None, filing_date: date | None, fmt: str, raw: str
) -> tuple[str, str | None]:
    """CN: 12 digits (YYYY + type + 7-digit serial) or 8 before 2003; check digit dropped."""
    compact = _compact(text)
    if fmt == "epodoc":
        # epodoc writes YYYY + type + 6 digits while the serial fits; DOCDB keeps 7.
        if _CN_EPODOC_SHORT.fullmatch(compact) and _plausible_year(compact[:4]):
            return compact[:5] + "0" + compact[5:], kind
        if _CN_EPODOC.fullmatch(compact):
            return compact, kind
        raise _fail("CN epodoc application", raw, "CNYYYY + 7 or 8 digits")
    if _CN_CHECKED.fullmatch(compact):
        if _cn_check_digit(compact[:12]) != compact[12]:
            raise _fail("CN application", raw, "a valid check digit after the 12 digits")
        return compact[:12], kind
    if _CN_TWELVE.fullmatch(compact) and _plausible_year(compact[:4]):
        return compact, kind
    if _CN_BEFORE_2003.fullmatch(compact):
        # Pre-2003 numbers: YY + type + 5-digit serial, then a check character.
        return compact[:8], kind
    raise _fail("CN application", raw, "12 digits (+ check digit) or 8 digits (+ check digit)")


def _app_ep(
    text: str, kind: str | None, filing_date: date | None, fmt: str, raw: str
) -> tuple[str, str | None]:
    """EP: YY + 6 digits (13844704); the check digit after the dot is dropped."""
    compact = _compact(text)
    if not compact.isdigit():
        raise _fail("EP application", raw, "digits (YYNNNNNN.C)")
    if fmt == "epodoc" and len(compact) == 11 and _plausible_year(compact[:4]):
        if compact[4] != "0":
            raise _fail("EP epodoc application", raw, "EPYYYY0NNNNNN")
        return compact[2:4] + compact[5:], kind
    if len(compact) == 9:
        return compact[:8], kind
    if len(compact) == 8:
        return compact, kind
    raise _fail("EP application", raw, "8 digits YYNNNNNN, optionally with a check digit")


def _app_other(
    text: str, kind: str | None, filing_date: date | None, fmt: str, raw: str
) -> tuple[str, str | None]:
    """Any other office: separators stripped, nothing else assumed."""
    compact = _compact(text)
    if not _ALNUM.fullmatch(compact):
        raise _fail("application", raw, "letters and digits")
    return compact, kind


_APPLICATION_RULES: dict[
    str, Callable[[str, str | None, date | None, str, str], tuple[str, str | None]]
] = {
    "US": _app_us,
    "KR": _app_kr,
    "JP": _app_jp,
    "CN": _app_cn,
    "EP": _app_ep,
}


_DUMMY_EPODOC = re.compile(r"X(\d+)")
_DUMMY_DOCDB = re.compile(r"(\d+)X")


def _dummy_priority(text: str, fmt: str) -> str | None:
    """DOCDB's placeholder for an unknown priority number (``1258190X``, epodoc ``X1258190``)."""
    if "X" not in text or fmt not in ("docdb", "epodoc"):
        return None
    compact = _compact(text)
    match = (_DUMMY_EPODOC if fmt == "epodoc" else _DUMMY_DOCDB).fullmatch(compact)
    return f"{match.group(1)}X" if match else None


def _with_kind(cc: str, doc_number: str, kind: str | None) -> str:
    """Application id; kind A is the default and is left out."""
    return f"{cc}-{doc_number}" if kind in (None, "A") else f"{cc}-{doc_number}-{kind}"


def application_id(
    country: str,
    number: str,
    kind: str | None = None,
    filing_date: date | None = None,
    fmt: str = "docdb",
) -> str:
    """DOCDB application id (also used for priorities) from an application number as written.

    Examples: (``KR``, ``10-2020-0168607``) and (``KR``, ``1020200168607``) → ``KR-20200168607``;
    (``JP``, ``2008-148514``) → ``JP-2008148514``; (``US``, ``14052000``, filing 2013-10-11) →
    ``US-201314052000``; (``US``, ``61713164``, kind ``P`` or a provisional, filed 2012) →
    ``US-201261713164-P``; (``WO``, ``PCT/US2013/064552``) → ``US-2013064552-W``;
    epodoc ``WO2013US64552`` → ``US-2013064552-W``; (``CN``, ``2013800622588``) →
    ``CN-201380062258``; (``JP``, ``特願平7-222332``) → ``JP-22233295``; (``US``, ``08/921,321``,
    filed 1997-08-29) → ``US-92132197``.

    Raises:
        NumberNeedsFact: when the DOCDB form needs a fact not passed (a US filing date).
        NumberError: when no DOCDB id can be built.
    """
    _check_fmt(fmt)
    cc, text = _locate(country, number, fmt, "application")
    text, written_kind = _split_trailing_kind(text, fmt)
    given_kind = normalize_kind(kind, number) or written_kind
    if _is_pct(cc, text, given_kind):
        return _pct_application(cc, text, number)
    dummy = _dummy_priority(text, fmt)
    if dummy:
        return f"{cc}-{dummy}"
    rule = _APPLICATION_RULES.get(cc, _app_other)
    doc_number, final_kind = rule(text, given_kind, filing_date, fmt, number)
    return _with_kind(cc, doc_number, final_kind)


def split_doc_id(doc_id: str) -> tuple[str, str, str]:
    """The parts of a DOCDB publication id: ``KR-20220079145-A`` → (``KR``, ``20220079145``, ``A``)."""
    office, _, rest = doc_id.partition("-")
    number, _, kind = rest.rpartition("-")
    return office, number, kind
