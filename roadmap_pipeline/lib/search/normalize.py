"""Text normalization shared by the query compiler and the warehouse, and script detection.

The warehouse normalizes texts in polars with ``.str.normalize("NFKC").str.to_lowercase()``;
`normalize_text` must give the same string, or a term would miss text it visibly contains. Both
were compared on full-width Latin, ß/ẞ, Turkish İ, Greek, Hangul (precomposed and jamo),
half-width katakana, ligatures and enclosed characters, and agree (polars 2.1.0, Python 3.11).
"""

from __future__ import annotations

import unicodedata

# Code-point ranges of Hangul, CJK ideographs and kana: scripts written without spaces between
# morphemes, so their terms match as substrings instead of whole words.
_SUBSTRING_SCRIPT_RANGES = (
    (0x1100, 0x11FF),  # Hangul jamo
    (0x3040, 0x309F),  # hiragana
    (0x30A0, 0x30FF),  # katakana
    (0x3130, 0x318F),  # Hangul compatibility jamo
    (0x31F0, 0x31FF),  # katakana phonetic extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xA960, 0xA97F),  # Hangul jamo extended-A
    (0xAC00, 0xD7AF),  # Hangul syllables
    (0xD7B0, 0xD7FF),  # Hangul jamo extended-B
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF66, 0xFF9F),  # half-width katakana (NFKC makes them full-width, kept for raw input)
    (0x20000, 0x3134F),  # CJK extensions B-G and compatibility supplement
)


def normalize_text(text: str) -> str:
    """Unicode NFKC normalization then lower-casing, as the warehouse stores texts.

    Args:
        text: Any text.

    Returns:
        ``unicodedata.normalize("NFKC", text).lower()``.
    """
    return unicodedata.normalize("NFKC", text).lower()


def is_substring_script(text: str) -> bool:
    """Whether the text holds any Hangul, CJK ideograph or kana character.

    Args:
        text: A search term.

    Returns:
        True when the term must be matched as a substring rather than as whole words.
    """
    for char in text:
        code = ord(char)
        if code < 0x1100:
            continue
        for low, high in _SUBSTRING_SCRIPT_RANGES:
            if low <= code <= high:
                return True
    return False


def display_width(text: str) -> int:
    """Terminal columns a text occupies: wide and full-width characters take two.

    Args:
        text: A line of text.

    Returns:
        Its width in columns, used to put a caret under a character of a Korean expression.
    """
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width
