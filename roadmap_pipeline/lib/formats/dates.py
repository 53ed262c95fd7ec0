"""Dates as the sources write them.

XML formats (USPTO, DOCDB, OPS) write ``YYYYMMDD`` and mark an unknown day or month with zeros
(``19680100``): `compact_date` gives None for those, as for a missing date. Analysts' exports and
the KIPRIS API write dates in many ways: `written_date` reads them and raises on anything else, so
that the caller can report the cell.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_YEAR_FIRST = re.compile(r"(\d{4})([-./])(\d{1,2})\2(\d{1,2})" + _TIME)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})" + _TIME)
_DAY_FIRST_DOTS = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


@lru_cache(maxsize=1 << 14)
def compact_date(text: str | None) -> date | None:
    """``YYYYMMDD`` → date; None when absent, not eight digits, or not a calendar day (``19680100``)."""
    if not text:
        return None
    text = text.strip()
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def written_date(text: str | None) -> date | None:
    """A date as exports and the KIPRIS API write it.

    Args:
        text: ``2025-03-27``, ``1995-8-25``, ``2016.10.24``, ``2024/01/15 00:00:00``, ``20100129``,
            ``(2026.01.01)``, ``27.03.2025`` (German Excel); blank or all zeros (no date).

    Returns:
        The date, or None for blank and all-zero values.

    Raises:
        ValueError: for text that is not such a date, or not a calendar date. Slash dates with the
            year last (``03/04/2025``) are refused: month-first and day-first cannot be told apart.
    """
    value = (text or "").strip()
    if value.startswith("(") and value.endswith(")"):
        value = value[1:-1].strip()
    if not value or not value.strip("0.-/: "):
        return None
    for pattern, order in ((_YEAR_FIRST, (0, 2, 3)), (_COMPACT, (0, 1, 2)), (_DAY_FIRST_DOTS, (2, 1, 0))):
        match = pattern.fullmatch(value)
        if match:
            parts = match.groups()
            year, month, day = (int(parts[i]) for i in order)
            try:
                return date(year, month, day)
            except ValueError as exc:
                raise ValueError(f"{value!r}: {exc}") from None
    raise ValueError(f"{value!r}: expected a date such as 2025-03-27, 2016.10.24 or 20100129")
