"""RE2 patterns for Latin-script terms: whole words, truncation, flexible phrase separators.

DuckDB's ``regexp_matches`` runs RE2, which has no look-behind and whose ``\\b`` knows only ASCII;
word boundaries are therefore written as "start of text or a character that is not a letter or
digit" (``\\p{L}``, ``\\p{N}`` cover every script).
"""

from __future__ import annotations

from .nodes import Word

_LETTER_OR_DIGIT = r"[\p{L}\p{N}]"
_OTHER = r"[^\p{L}\p{N}]"
_LEFT_BOUNDARY = rf"(?:^|{_OTHER})"
_RIGHT_BOUNDARY = rf"(?:{_OTHER}|$)"
# Between the words of a phrase: one or more non-letter/digit characters ("pick-and-place",
# "neural  network", a line break).
_SEPARATOR = rf"{_OTHER}+"
_RE2_METACHARACTERS = frozenset("\\.+*?()|[]{}^$")


def escape_literal(text: str) -> str:
    """The text as an RE2 pattern matching exactly itself.

    Args:
        text: Any text.

    Returns:
        The text with every RE2 metacharacter preceded by a backslash.
    """
    return "".join(f"\\{char}" if char in _RE2_METACHARACTERS else char for char in text)


def word_pattern(words: tuple[Word, ...], *, left_boundary: bool = True) -> str:
    """RE2 pattern of a word or phrase matched as whole words.

    A truncated word continues with any letters or digits; after a truncated last word no right
    boundary is needed, since the continuation already runs to the next non-letter/digit.

    Args:
        words: The term's normalized words.
        left_boundary: False leaves out the test of the character before the first word. That
            pattern starts with a literal, which RE2 finds several times faster (it skips ahead
            with memchr); it serves as a pre-filter of the full pattern.

    Returns:
        The pattern, e.g. ``(?:^|[^\\p{L}\\p{N}])neural[^\\p{L}\\p{N}]+network`` for
        ``"neural network*"``.
    """
    parts = []
    for index, word in enumerate(words):
        last = index == len(words) - 1
        part = escape_literal(word.text)
        if word.truncated and not last:
            part += f"{_LETTER_OR_DIGIT}*"
        parts.append(part)
    right = "" if words[-1].truncated else _RIGHT_BOUNDARY
    left = _LEFT_BOUNDARY if left_boundary else ""
    return left + _SEPARATOR.join(parts) + right


def anchor(words: tuple[Word, ...]) -> str:
    """The longest literal every match contains, for a cheap ``contains`` before the regex.

    Args:
        words: The term's normalized words.

    Returns:
        The longest word's text.
    """
    return max((word.text for word in words), key=len)
