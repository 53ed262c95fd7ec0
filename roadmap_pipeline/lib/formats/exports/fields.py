"""Cell readers shared by the analyst-export flavours: numbers, dates, classes, names, languages.

Every reader takes the text of one cell as the export writes it and returns the normalized value,
or raises `FieldError` (or `numbers.NumberError`) with a message that names the cell's text, so
that the caller can turn it into a Reject and keep the rest of the row.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from roadmap_pipeline.lib.formats.classification import class_symbol as normalized_symbol, without_tags
from roadmap_pipeline.lib.formats.dates import written_date
from roadmap_pipeline.lib.numbers import (
    NumberError,
    application_id,
    normalize_kind,
    publication_id,
    split_epodoc,
)


class FieldError(ValueError):
    """A cell whose text cannot be read; the message says which text and why."""


# --------------------------------------------------------------------------------------------
# Numbers

# What Excel leaves of a long number it displayed in scientific notation: the digits are gone.
_EXCEL_SCIENTIFIC = re.compile(r"[+-]?\d+(?:[.,]\d+)?[Ee][+-]?\d+")
_KIND = re.compile(r"[A-Z][0-9]?")
# DOCDB forms that numbers.py does not take: JP publications with an era letter and a serial of
# fewer than six digits (Lens/Espacenet write JP S5928054 A, JPH045436A as DOCDB does, unpadded),
# and JP national re-publications of a PCT application (JP WO2019130429 A1).
_JP_DOCDB_LITERAL = re.compile(r"[MTSHR]\d{2}\d{1,6}|WO\d{10}")
# Lens writes PCT application numbers with a seven-digit serial: US 2011/0031627 W.
_LENS_PCT = re.compile(r"(\d{4})[/\s]?0(\d{6})")
_WO_TEN_DIGITS = re.compile(r"(\d{4})(\d{6})")


def excel_mangled(text: str | None) -> bool:
    """Whether a number cell holds Excel's scientific notation (``2.02E+11``), its digits lost."""
    return bool(text) and _EXCEL_SCIENTIFIC.fullmatch(text.strip()) is not None


def mangled_reason(column: str, text: str) -> str:
    """The reason given for a number that Excel turned into scientific notation."""
    return (
        f"{column} {text.strip()!r} is in scientific notation: Excel converted the number and "
        "dropped its digits, so it cannot be recovered (not guessed)"
    )


def export_publication_id(country: str, number: str, kind: str | None, fmt: str) -> str:
    """`numbers.publication_id`, plus the DOCDB forms the exports carry that it does not take.

    Args:
        country: the authority; empty for an epodoc ``number`` (``JPS5928054``).
        number: the number as the export writes it.
        kind: the kind code (required for the JP forms added here).
        fmt: the `numbers` notation (``docdb``, ``epodoc``, ``original``).

    Raises:
        NumberError: when no DOCDB id can be built.
    """
    if country.strip().upper() == "WO":
        number = _wo_docdb_year_form(number)
    try:
        return publication_id(country, number, kind, fmt=fmt)
    except NumberError:
        literal = _jp_literal(country, number, fmt)
        final_kind = normalize_kind(kind, number)
        if literal is None or final_kind is None:
            raise
        return f"JP-{literal}-{final_kind}"


def _jp_literal(country: str, number: str, fmt: str) -> str | None:
    """The DOCDB number of a JP publication written in one of the forms numbers.py rejects."""
    try:
        cc, rest = split_epodoc(number) if fmt == "epodoc" else (country.strip().upper(), number)
    except NumberError:
        return None
    compact = re.sub(r"[\s\-/.]", "", rest.upper())
    if cc == "JP" and compact.startswith("JP"):
        compact = compact[2:]
    return compact if cc == "JP" and _JP_DOCDB_LITERAL.fullmatch(compact) else None


def _wo_docdb_year_form(number: str) -> str:
    """``1995027654`` → ``1995/027654``: numbers.py then applies DOCDB's pre-2004 WO form.

    A ten-digit WO number before 2004 is a year + serial as Google Patents writes it, not DOCDB's
    own number (``9527654``), which numbers.py would otherwise pass through unchanged.
    """
    match = _WO_TEN_DIGITS.fullmatch(number.strip())
    if match and 1978 <= int(match.group(1)) < 2004:
        return f"{match.group(1)}/{match.group(2)}"
    return number


def export_application_id(
    country: str, number: str, kind: str | None, filing_date: date | None, fmt: str = "docdb"
) -> str:
    """`numbers.application_id`, plus Lens's PCT form with a seven-digit serial.

    Raises:
        NumberError: when no DOCDB id can be built.
    """
    try:
        return application_id(country, number, kind, filing_date=filing_date, fmt=fmt)
    except NumberError:
        pct = _LENS_PCT.fullmatch(number.strip())
        if pct is None or (normalize_kind(kind, number) or "") != "W":
            raise
        return application_id(country, pct.group(1) + pct.group(2), "W", fmt="docdb")


def split_spaced_number(text: str) -> tuple[str, str, str | None, str | None]:
    """Country, number, kind and date of a Lens-style number ``CC NUMBER [KIND] [YYYYMMDD]``.

    Lens writes publications as ``US 2025/0100135 A1`` (some with the date appended,
    ``EP 1357170 B9 20061018``), applications as ``US 65784810 A``, priorities as
    ``AU 2006 292754 A 20060911`` (the number itself may hold a space). The Lens API writes
    ``CN_218289675_U_20230113``.

    Raises:
        FieldError: when the text does not start with a two-letter country and a number.
    """
    tokens = text.replace("_", " ").split()
    if len(tokens) < 2 or not re.fullmatch(r"[A-Za-z]{2}", tokens[0]):
        raise FieldError(f"{text!r}: expected a two-letter country followed by the number")
    country, rest = tokens[0].upper(), tokens[1:]
    written_date = rest.pop() if len(rest) > 1 and re.fullmatch(r"\d{8}", rest[-1]) else None
    kind = rest.pop() if len(rest) > 1 and _KIND.fullmatch(rest[-1]) else None
    return country, " ".join(rest), kind, written_date


_EPODOC_WITH_KIND = re.compile(r"([A-Z]{2})([0-9A-Z]*?[0-9])([A-Z][0-9]?)")


def split_epodoc_with_kind(text: str) -> tuple[str, str]:
    """epodoc number and kind of Espacenet's ``US4750722A``, ``JPH0724559U``, ``DE69615165T2``.

    Raises:
        FieldError: when the text is not a country, a number ending in a digit and a kind.
    """
    match = _EPODOC_WITH_KIND.fullmatch(text.strip().upper())
    if not match:
        raise FieldError(f"{text!r}: expected country, number and kind (US4750722A)")
    return match.group(1) + match.group(2), match.group(3)


# --------------------------------------------------------------------------------------------
# Dates

def export_date(text: str | None) -> date | None:
    """A date as the exports write it (see `dates.written_date`); None when blank.

    Raises:
        FieldError: for text that is not such a date, or not a calendar date.
    """
    try:
        return written_date(text)
    except ValueError as exc:
        raise FieldError(str(exc)) from None


def lines_of(text: str | None) -> list[str]:
    """Non-blank lines of a multi-line cell, stripped (Espacenet lists one value per line)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# --------------------------------------------------------------------------------------------
# Classification symbols

def class_symbol(text: str) -> str:
    """A CPC or IPC symbol in the form of `classification.class_symbol`.

    Raises:
        FieldError: when the text is not a class symbol.
    """
    symbol = normalized_symbol(text)
    if symbol is None:
        raise FieldError(f"{text.strip()!r}: not a CPC/IPC symbol")
    return symbol


# Espacenet marks the parts of a CPC combination set: "C09J4/00, C08F220/00, INV (EP,US)".
_CSET_MARKERS = frozenset({"INV", "ADD"})


def espacenet_cpc_symbols(line: str) -> list[str]:
    """The CPC symbols of one Espacenet CPC line, a combination set giving several.

    Raises:
        FieldError: when a part of the line is not a class symbol.
    """
    parts = [p.strip() for p in without_tags(line.strip()).split(",") if p.strip()]
    return [class_symbol(p) for p in parts if p.upper() not in _CSET_MARKERS]


# --------------------------------------------------------------------------------------------
# Names

_NAME_COUNTRY = re.compile(r"(.*?)\s*\[([A-Z]{2})\]")
# Pieces that a comma split cuts off a name: "Overture Services, Inc.", "Martin C. Buskirk, Jr.".
_NAME_SUFFIXES = frozenset(
    """inc incorporated ltd limited llc l.l.c lp l.p llp l.l.p corp corporation co plc pte
    gmbh ag kg nv n.v bv b.v sa s.a spa s.p.a srl s.r.l sas s.a.s sl s.l slu s.l.u sarl s.a.r.l
    ab oy as a/s kk k.k ltda bhd jr sr ii iii iv phd md m.d""".split()
)


def name_with_country(text: str) -> tuple[str, str | None]:
    """Espacenet's ``CHICK JAMES P [US]`` → (``CHICK JAMES P``, ``US``)."""
    match = _NAME_COUNTRY.fullmatch(text.strip())
    if match and match.group(1):
        return match.group(1), match.group(2)
    return text.strip(), None


def comma_names(text: str | None) -> list[str]:
    """Names of a comma-separated list, company and generational suffixes kept on their name.

    ``Overture Services, Inc.`` is one name; ``Martin C. Buskirk, Jr., Frederick J. Damerau`` two.
    """
    names: list[str] = []
    for piece in (p.strip() for p in (text or "").split(",")):
        if not piece:
            continue
        if names and piece.lower().rstrip(".") in _NAME_SUFFIXES:
            names[-1] = f"{names[-1]}, {piece}"
        else:
            names.append(piece)
    return names


# Korean corporate markers KIPRIS writes as separate words in a space-joined applicant list.
_KO_SUFFIX_ONLY = frozenset({"산학협력단"})
_KO_EITHER_SIDE = frozenset({"주식회사", "(주)", "（주）", "유한회사", "(유)", "재단법인", "사단법인"})


def korean_applicants(text: str | None) -> list[str]:
    """Applicants of a KIPRIS crawl cell, where names are joined by spaces and contain spaces.

    ``한국화학연구원 인천대학교 산학협력단`` → ``한국화학연구원``, ``인천대학교 산학협력단``.
    A marker word (``산학협력단``) closes the name before it; ``주식회사``/``(주)`` belongs to the
    open name before it (``엘지이노텍 주식회사``) or, when there is none, to the word after it
    (``주식회사 한화건설``). Names that a marker does not delimit stay one word each, so a
    foreign name written with spaces comes out split.
    """
    names: list[str] = []
    open_name = False  # whether names[-1] may still take a following marker
    pending_prefix: str | None = None
    for word in (text or "").split():
        if word in _KO_SUFFIX_ONLY and names and open_name:
            names[-1] = f"{names[-1]} {word}"
            open_name = False
        elif word in _KO_EITHER_SIDE:
            if names and open_name:
                names[-1] = f"{names[-1]} {word}"
                open_name = False
            else:
                pending_prefix = word if pending_prefix is None else f"{pending_prefix} {word}"
        elif pending_prefix is not None:
            names.append(f"{pending_prefix} {word}")
            pending_prefix, open_name = None, False
        else:
            names.append(word)
            open_name = not _has_marker(word)
    if pending_prefix is not None:
        names.append(pending_prefix)
    return names


def _has_marker(word: str) -> bool:
    """Whether a word already carries a corporate marker (``(주)진우에프티``, ``현대자동차주식회사``)."""
    return any(marker in word for marker in _KO_SUFFIX_ONLY | _KO_EITHER_SIDE)


# --------------------------------------------------------------------------------------------
# Titles and languages

_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3131-\u318e]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HAN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")
_LATIN = re.compile(r"[A-Za-z]")
_HAN_OFFICES = {"CN": "zh", "TW": "zh", "HK": "zh", "MO": "zh", "JP": "ja"}


def script_language(text: str | None, office: str | None = None) -> str | None:
    """The language a text's dominant script shows: Hangul → ko, kana → ja, Han → the office's.

    The script must dominate: an English abstract quoting one Korean term stays Latin. Latin
    script says nothing certain (an English title, or a German or French one), so it gives None;
    so does Han script outside CN/TW/HK/MO/JP (Japanese text without kana is a short title).
    """
    if not text:
        return None
    hangul, kana, han, latin = (len(p.findall(text)) for p in (_HANGUL, _KANA, _HAN, _LATIN))
    # A syllable or ideograph carries about as much as three Latin letters.
    if (hangul + kana + han) * 3 <= latin or not hangul + kana + han:
        return None
    if hangul >= kana + han:
        return "ko"
    if kana:
        return "ja"
    return _HAN_OFFICES.get(office or "")


def is_latin_only(text: str) -> bool:
    """Whether a text has Latin letters and none of Hangul, kana or Han."""
    return bool(_LATIN.search(text)) and not (
        _HANGUL.search(text) or _KANA.search(text) or _HAN.search(text)
    )


def split_korean_title(text: str) -> tuple[str, str | None]:
    """KIPRIS's ``Korean title(ENGLISH TITLE)`` → (Korean title, English title).

    The English title is the balanced parenthesis group closing the text, when it has Latin
    letters and no Hangul, and Hangul is left before it (``비옷(RAINCOAT)``); otherwise the text is
    returned whole. KIPRIS always appends the English title this way, so a closing group is taken
    for it even when it is one word.
    """
    value = text.strip()
    if not value.endswith(")"):
        return value, None
    depth = 0
    for position in range(len(value) - 1, -1, -1):
        char = value[position]
        if char == ")":
            depth += 1
        elif char == "(":
            depth -= 1
            if depth == 0:
                korean, english = value[:position].strip(), value[position + 1 : -1].strip()
                if _HANGUL.search(korean) and is_latin_only(english):
                    return korean, english
                return value, None
    return value, None


def clean_text(text: str | None) -> str | None:
    """Text with runs of whitespace collapsed; None when blank."""
    if text is None:
        return None
    return " ".join(unicodedata.normalize("NFC", text).split()) or None
