"""Tokens of a search expression, each with its 0-based character offset."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .errors import SearchSyntaxError

# Token kinds.
LPAREN, RPAREN, WORD, PHRASE, FIELD = "(", ")", "word", "phrase", "field"
AND, OR, NOT, END = "AND", "OR", "NOT", "end"
OPERATORS = (AND, OR, NOT)

# Full-width and typographic forms an analyst's keyboard or word processor may produce for the
# structural characters; they act as the ASCII character.
_STRUCTURAL_FORMS = {
    "（": "(",
    "）": ")",
    "＂": '"',
    "“": '"',
    "”": '"',
    "＊": "*",
    "：": ":",
}
_FIELD_PREFIX = re.compile(r"([A-Za-z]+):")


@dataclass(frozen=True)
class Token:
    """One token: its kind, its text as written (structural forms made ASCII) and its offset."""

    kind: str
    text: str
    position: int


def tokenize(expression: str) -> list[Token]:
    """Split an expression into tokens, ending with an ``end`` token.

    Words end at whitespace, parentheses and quotes. Only upper-case ``AND``, ``OR`` and ``NOT``
    are operators. A word starting with letters and a colon is a field prefix (``TI:``), whatever
    the case of its letters; the rest of the word is tokenized on its own.

    Args:
        expression: The search expression.

    Returns:
        The tokens in order.

    Raises:
        SearchSyntaxError: On a quote that is never closed.
    """
    chars = [_STRUCTURAL_FORMS.get(char, char) for char in expression]
    tokens: list[Token] = []
    index, length = 0, len(chars)
    while index < length:
        char = chars[index]
        if char.isspace():
            index += 1
        elif char in "()":
            tokens.append(Token(char, char, index))
            index += 1
        elif char == '"':
            index = _phrase(expression, chars, index, tokens)
        else:
            index = _word(chars, index, tokens)
    tokens.append(Token(END, "", length))
    return tokens


def _phrase(expression: str, chars: list[str], start: int, tokens: list[Token]) -> int:
    """Append the phrase opened at ``start``; return the offset after its closing quote."""
    try:
        close = chars.index('"', start + 1)
    except ValueError:
        expected = "a closing '\"' for the phrase opened here"
        raise SearchSyntaxError(expression, start, expected, "the end of the expression") from None
    tokens.append(Token(PHRASE, "".join(chars[start + 1 : close]), start))
    return close + 1


def _word(chars: list[str], start: int, tokens: list[Token]) -> int:
    """Append the word (or field prefix) starting at ``start``; return the offset after it."""
    end = start
    while end < len(chars) and not chars[end].isspace() and chars[end] not in '()"':
        end += 1
    text = "".join(chars[start:end])
    canonical = unicodedata.normalize("NFKC", text)
    prefix = _FIELD_PREFIX.match(canonical)
    if prefix is not None and _is_prefix_as_written(text, prefix.group(1)):
        name_length = len(prefix.group(1))
        tokens.append(Token(FIELD, text[: name_length + 1], start))
        return start + name_length + 1
    kind = canonical if canonical in OPERATORS else WORD
    tokens.append(Token(kind, text, start))
    return end


def _is_prefix_as_written(text: str, name: str) -> bool:
    """Whether the written text starts with the field name (ASCII or full-width) and a colon."""
    written = text[: len(name)]
    return unicodedata.normalize("NFKC", written) == name and text[len(name) : len(name) + 1] == ":"
