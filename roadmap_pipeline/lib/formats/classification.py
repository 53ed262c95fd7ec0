"""CPC and IPC symbols as every source writes them, in one form: ``G06N3/08``.

The form: section, class and subclass (``G06N``), the main group without its leading zeros
(``3``), a slash, the subgroup as written (``08``); or a subclass alone (``B25B``), as analysts'
exports list some. The notations read:

- DOCDB: ``G06N   3/08`` (CPC), IPCR text ``F02M  41/12        20060101A I…``, IPC 1-7 lines with
  the edition before the symbol (`` 7A 61K   9/16   A``);
- OPS: the same texts, or section, class, subclass, main group and subgroup as separate fields;
- USPTO: separate fields (main group ``003``, ``3`` or `` 3``), and ``A41D013/00`` in v4.0–4.1;
- KIPRIS: ``G06N 3/08(2006.01)``, ``H01M 010/44``;
- Lens: ``G06N3/08``; Espacenet: ``B25B1/103 (EP,US)``, lists separated by ``;``.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Compacted (no spaces, upper case): subclass, then main group and subgroup where given.
_SYMBOL = re.compile(r"([A-HY]\d\d[A-Z])(?:0*(\d{1,4})/(\d{1,6}))?")
# A symbol at the start of a longer text: IPCR text, an IPC 1-7 line with its edition number.
_LEADING_SYMBOL = re.compile(r"\s*(?:\d{1,2}\s*)?([A-HY])\s*(\d\d)\s*([A-Z])\s*0*(\d{1,4})\s*/\s*(\d{1,6})")
# Tags after a symbol: offices (``(EP,US)``), IPC version (``(2006.01)``), a list's ``;``.
_TAGS = re.compile(r"(?:\(\s*[A-Z]{2}(?:\s*,\s*[A-Z]{2})*\s*\)|\(\s*\d{4}[.\-]?\d{2}(?:[.\-]?\d{2})?\s*\)|[;\s])+$")
_SPACE = re.compile(r"\s+")
# Symbols inside other text, as KIPRIS crawls write them: "H01G 11/86", "H01M 010/44".
SYMBOL_IN_TEXT = re.compile(r"[A-HY]\d{2}[A-Z]\s*\d{1,4}\s*/\s*\d{1,6}")


@lru_cache(maxsize=1 << 16)
def class_symbol(text: str) -> str | None:
    """The symbol a text holds, and nothing else; None when it is not a class symbol.

    Args:
        text: ``G11C   5/04``, ``H01G 11/86``, ``B25B1/103 (EP,US)``, ``H01M 010/44(2006.01)``,
            ``G06N3/08;``, ``B31B`` (a subclass alone).

    Returns:
        ``G11C5/04``, ``H01G11/86``, ``B25B1/103``, ``H01M10/44``, ``G06N3/08``, ``B31B``.
    """
    match = _SYMBOL.fullmatch(_SPACE.sub("", without_tags(text)).upper())
    if not match:
        return None
    subclass, group, subgroup = match.groups()
    return subclass if group is None else f"{subclass}{group}/{subgroup}"


def without_tags(text: str) -> str:
    """The text without the office and version tags and list separators after a symbol."""
    return _TAGS.sub("", text)


@lru_cache(maxsize=1 << 16)
def leading_symbol(text: str) -> str | None:
    """The symbol a longer text starts with (IPCR text, an IPC 1-7 line); None when there is none.

    ``F02M  41/12        20060101A I20051008RMEP`` → ``F02M41/12``; `` 7A 61K   9/16   A`` →
    ``A61K9/16``; ``A41D013/00`` → ``A41D13/00``.
    """
    match = _LEADING_SYMBOL.match(text)
    if match is None:
        return None
    section, klass, subclass, group, subgroup = match.groups()
    return f"{section}{klass}{subclass}{group}/{subgroup}"


def symbol_of_parts(
    section: str | None, klass: str | None, subclass: str | None, group: str | None, subgroup: str | None
) -> str | None:
    """The symbol of the separate fields USPTO and OPS write; None when one is missing or bad."""
    if not (section and klass and subclass and group and subgroup):
        return None
    return class_symbol(f"{section}{klass}{subclass}{group}/{subgroup}")
