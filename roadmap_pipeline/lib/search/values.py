"""Values after a field prefix: words and phrases, class symbols and priority-year ranges.

Each function reads the text of one token and raises `SearchSyntaxError` at the offending
character, so the parser stays a plain grammar.
"""

from __future__ import annotations

import re
import unicodedata

from .errors import SearchSyntaxError
from .nodes import ClassTerm, TextTerm, Word, YearRange
from .normalize import normalize_text

# A full symbol or one of its hierarchy levels: subclass G06N, main group G06N3, group G06N3/08.
_SYMBOL = re.compile(r"([A-HY]\d{2}[A-Z])(?:0*(\d{1,4})(?:/(\d{2,6}))?)?")
# What may precede a trailing '*': any leading part of a symbol (G, G06, G06N3/0, ...).
_SYMBOL_PREFIX = re.compile(r"[A-HY](?:\d{1,2}(?:[A-Z](?:\d{1,4}(?:/\d{0,6})?)?)?)?")
_YEAR_RANGE = re.compile(r"(\d{4})?(\.\.)?(\d{4})?")
_WORD_SPAN = re.compile(r"\S+")
SYMBOL_EXAMPLES = "G06N, G06N3 or G06N3/08, or a prefix ending in * such as G05B23/02*"
YEAR_EXAMPLES = "a priority year or range such as 2015, 2015..2024, 2015.. or ..2024"


def text_term(expression: str, field: str, text: str, position: int, quoted: bool) -> TextTerm:
    """A text term from a bare word or from the inside of a phrase.

    Args:
        expression: The whole expression, for error messages.
        field: TA, TI, AB or AP.
        text: The word, or the text between the quotes.
        position: Offset of the word, or of the opening quote of a phrase.
        quoted: Whether ``text`` is the inside of a phrase.

    Returns:
        The term, its words normalized with `normalize_text`.

    Raises:
        SearchSyntaxError: On an empty phrase or a misplaced ``*``.
    """
    offset = position + 1 if quoted else position
    spans = list(_WORD_SPAN.finditer(text))
    if not spans:
        raise SearchSyntaxError(expression, position, "words between the quotes", "an empty phrase")
    words = tuple(_word(expression, span.group(), offset + span.start()) for span in spans)
    return TextTerm(field, words, position)


def _word(expression: str, text: str, position: int) -> Word:
    """One word; a ``*`` may only end it, after at least one character."""
    star = text.find("*")
    if star == 0 and len(text) == 1:
        raise SearchSyntaxError(expression, position, "a word before '*'", "a lone '*'")
    if 0 <= star < len(text) - 1 or star == 0:
        raise SearchSyntaxError(
            expression, position + star, "'*' only at the end of a word", f"'*' in '{text}'"
        )
    truncated = star == len(text) - 1
    return Word(normalize_text(text[:-1] if truncated else text), truncated)


def class_term(expression: str, scheme: str, text: str, position: int) -> ClassTerm:
    """A CPC or IPC symbol, upper-cased with spaces removed (``g06n 3/08`` -> ``G06N3/08``).

    Without ``*`` the symbol must be a subclass, a main group or a full group; with a trailing
    ``*`` any leading part of a symbol is accepted. Leading zeros of the main group are dropped
    (``G06N003/08`` -> ``G06N3/08``), as the warehouse stores them.

    Args:
        expression: The whole expression, for error messages.
        scheme: CPC or IPC.
        text: The symbol as written.
        position: Its offset.

    Returns:
        The class term.

    Raises:
        SearchSyntaxError: On a malformed symbol.
    """
    symbol = "".join(unicodedata.normalize("NFKC", text).upper().split())
    truncated = symbol.endswith("*")
    body = symbol[:-1] if truncated else symbol
    if not truncated:
        match = _SYMBOL.fullmatch(body)
        if match is not None:
            subclass, group, subgroup = match.groups()
            body = subclass + (group or "") + (f"/{subgroup}" if subgroup else "")
            return ClassTerm(scheme, body, False, position)
    elif body and "*" not in body and _SYMBOL_PREFIX.fullmatch(body):
        return ClassTerm(scheme, body, True, position)
    raise SearchSyntaxError(
        expression, position, f"a {scheme} symbol such as {SYMBOL_EXAMPLES}", f"'{text}'"
    )


def year_range(expression: str, text: str, position: int) -> YearRange:
    """Priority years ``2015``, ``2015..2024``, ``2015..`` or ``..2024``.

    Args:
        expression: The whole expression, for error messages.
        text: The range as written after ``PY:``.
        position: Its offset.

    Returns:
        The inclusive range, None on an open side.

    Raises:
        SearchSyntaxError: On another shape, or a start after the end.
    """
    match = _YEAR_RANGE.fullmatch(unicodedata.normalize("NFKC", text))
    if match is None or not (match.group(1) or match.group(3)):
        raise SearchSyntaxError(expression, position, YEAR_EXAMPLES, f"'{text}'")
    first, dots, last = match.groups()
    start = int(first) if first else None
    end = int(last) if last else None
    if dots is None:
        if last is not None:  # eight digits: two years without '..'
            raise SearchSyntaxError(expression, position, YEAR_EXAMPLES, f"'{text}'")
        end = start
    if start is not None and end is not None and start > end:
        raise SearchSyntaxError(
            expression, position, "a range whose first year is not after its last", f"'{text}'"
        )
    return YearRange(start, end, position)
