"""How a parser reports a number of a kept document that gives no DOCDB id.

Two cases, told apart by the exception `numbers` raises:

- `numbers.NumberNeedsFact`: the number is sound, but DOCDB's form of it needs a fact the record
  does not carry (a US application filed before 2008 is written serial + two-digit filing year, so
  without its filing date no id can be built). The document is kept without that id, and a reject
  of severity ``warning`` names the missing fact and the number: the record is not bad, only
  incomplete, and it is not counted as an error.
- any other error (`numbers.NumberError`, or the caller's own reading of the field): the number is
  not one that can be read; the document is kept without that id, and the reject is an ``error``.

Either way no id is invented: an id that is not DOCDB's would split a family.
"""

from __future__ import annotations

from roadmap_pipeline.lib.numbers import NumberNeedsFact

# (reason, severity, the number as written) of a number a kept document is without; the parser
# turns it into a Reject located at the document.
Issue = tuple[str, str, str]


def number_issue(what: str, exc: Exception) -> tuple[str, str]:
    """Reason and severity of the reject for a number that gives no id.

    Args:
        what: the field, as the reason names it (``priority number``, ``application number``).
        exc: what `numbers` (or the caller's own reading of the field) raised.

    Returns:
        (reason, severity): ``warning`` naming the missing fact for `NumberNeedsFact`, else ``error``.
    """
    if isinstance(exc, NumberNeedsFact):
        reason = f"{what} kept without an id: its DOCDB form needs the {exc.fact}, which the record lacks"
        return f"{reason} ({exc})", "warning"
    return f"{what} not normalized: {exc}", "error"
