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
  number series apart.
"""

from __future__ import annotations

from datetime import date


class NumberError(ValueError):
    """A number that cannot be normalized; the message says which and why."""


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
    raise NotImplementedError


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
    ``CN-201380062258``.

    Raises:
        NumberError: when no DOCDB id can be built.
    """
    raise NotImplementedError
