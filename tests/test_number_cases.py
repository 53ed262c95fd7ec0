"""The case table tests/number_cases.csv: numbers as other public sources write them, and DOCDB's id.

Each row names its origin: a recorded EPO OPS response or DOCDB record (the original, epodoc and
docdb forms of one number side by side), an EPO document, a Google Patents page or the Google
Patents Public Data schema (whose ids are DOCDB's), or another project's number tests. Where a
row gives a notation the source does not print (the JPO notation of a DOCDB id, the epodoc form),
the origin says so in brackets.

Columns: ``ref`` (``pub`` or ``app``), ``country``, ``number``, ``kind``, ``filing_date`` (ISO
date, or only a year where the source gives only the year; only the year is used), ``fmt``,
``expected`` (the id, ``ERROR`` for a NumberError, ``NEEDS:<fact>`` for a NumberNeedsFact),
``origin``, ``xfail`` (why the module does not give the source's answer; the row must fail).
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from roadmap_pipeline.lib.numbers import (
    NumberError,
    NumberNeedsFact,
    application_id,
    publication_id,
)

CASES = Path(__file__).parent / "number_cases.csv"


def _rows() -> list[dict[str, str]]:
    with CASES.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


ROWS = _rows()


def _filing_date(text: str) -> date | None:
    if not text:
        return None
    if len(text) == 4:
        return date(int(text), 1, 1)
    return date.fromisoformat(text)


def normalize(row: dict[str, str]) -> str:
    """The id the module gives for one row (raises as the module does)."""
    kind = row["kind"] or None
    if row["ref"] == "pub":
        return publication_id(row["country"], row["number"], kind, fmt=row["fmt"])
    filed = _filing_date(row["filing_date"])
    return application_id(row["country"], row["number"], kind, filing_date=filed, fmt=row["fmt"])


def outcome(row: dict[str, str]) -> str:
    """The id, or ``ERROR`` / ``NEEDS:<fact>``, in the table's vocabulary."""
    try:
        return normalize(row)
    except NumberNeedsFact as error:
        return f"NEEDS:{error.fact}"
    except NumberError:
        return "ERROR"


def _param(row: dict[str, str]):
    marks = [pytest.mark.xfail(reason=row["xfail"], strict=True)] if row["xfail"] else []
    label = f"{row['ref']}:{row['fmt']}:{row['country']}:{row['number']}:{row['kind']}"
    return pytest.param(row, marks=marks, id=label)


def test_table_size_and_sources():
    """At least 150 cases from at least four independent sources, every row with its origin."""
    assert len(ROWS) >= 150
    assert all(row["origin"].strip() for row in ROWS)
    sources = {row["origin"].split()[0] for row in ROWS}
    projects = {s for s in sources if not s.startswith("https://patents.google.com/")}
    assert len(projects) >= 4, sources
    assert {row["ref"] for row in ROWS} == {"pub", "app"}
    assert sum(bool(row["xfail"]) for row in ROWS) <= 0.02 * len(ROWS)


def test_table_rows_are_unique():
    keys = [tuple(row[c] for c in ("ref", "country", "number", "kind", "filing_date", "fmt"))
            for row in ROWS]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("row", [_param(row) for row in ROWS])
def test_case(row: dict[str, str]):
    assert outcome(row) == row["expected"], row["origin"]
