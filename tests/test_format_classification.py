"""One class symbol whatever the source's notation, and one reading of each date notation.

The symbol G06N3/08 is written into a real sample of each source, in that source's notation, and
read back through the whole parser.
"""

from __future__ import annotations

import io
import re
from datetime import date

import pytest

from roadmap_pipeline.lib.formats.classification import class_symbol, leading_symbol, symbol_of_parts
from roadmap_pipeline.lib.formats.dates import compact_date, written_date
from roadmap_pipeline.lib.formats.reader import read_stream
from roadmap_pipeline.lib.records import Document

OPS_US = "epo-ops/patent_client__fam50474376__published-data_publication_docdb_US.9291047.B2_biblio.xml"


def _first(pattern: bytes, replacement: bytes):
    return lambda data: re.sub(pattern, replacement, data, count=1, flags=re.S)


# source: (fixture, scheme, how the symbol is written into it)
SOURCES = {
    "DOCDB CPC": ("epo-docdb/go-epo-bdds__WO-2022259205-A1_544370561.xml", "CPC",
                  _first(rb"<classification-symbol>[^<]*<", b"<classification-symbol>G06N   3/08        <")),
    "DOCDB IPCR": ("epo-docdb/go-epo-bdds__DE-backfile.xml", "IPC",
                   _first(rb"<text>F02M  41/12 ", b"<text>G06N   3/08  ")),
    "OPS fields": (OPS_US, "CPC", _first(
        rb"<section>E</section>\s*<class>21</class>\s*<subclass>B</subclass>\s*<main-group>47</main-group>"
        rb"\s*<subgroup>02216</subgroup>",
        b"<section>G</section><class>06</class><subclass>N</subclass><main-group>03</main-group>"
        b"<subgroup>08</subgroup>")),
    "OPS IPCR text": (OPS_US, "IPC", _first(rb"<text>E21B  44/    00 ", b"<text>G06N   3/    08 ")),
    "USPTO fields": ("uspto/go-uspto__application_v4-5-A1.xml", "IPC", _first(
        rb"<section>A</section>\s*<class>01</class>\s*<subclass>C</subclass>\s*<main-group>7</main-group>"
        rb"\s*<subgroup>04</subgroup>",
        b"<section>G</section><class>06</class><subclass>N</subclass><main-group>003</main-group>"
        b"<subgroup>08</subgroup>")),
    "KIPRIS": ("kipo-kipris/describug__real_kipris_biblio_KR1020200168607.xml", "IPC",
               _first(rb"<ipcNumber>H02J 7/00", b"<ipcNumber>G06N 3/08(2006.01)")),
    "Lens": ("exports/physical_ai_lens__pai.trimmed.csv", "IPC", _first(rb"B25J9/16;;G06N3/008", b"G06N3/08")),
    "Espacenet": ("exports/espacenet_machine_vise__Espacenet-machine-vise-Suchergebnis_20250310_1901.csv", "IPC",
                  _first(rb'"B25B1/10 \nB25B1/10 \nB25B1/24"', b'"G06N3/08;"')),
}


@pytest.mark.parametrize("source", SOURCES)
def test_each_source_notation_gives_one_symbol(fixtures, source):
    relative, scheme, write = SOURCES[source]
    data = (fixtures / relative).read_bytes()
    changed = write(data)
    assert changed != data
    documents = [r for r in read_stream(io.BytesIO(changed), "x") if isinstance(r, Document)]
    before = [r for r in read_stream(io.BytesIO(data), "x") if isinstance(r, Document)]
    gained = [d for d, b in zip(documents, before) if d.classifications != b.classifications]
    assert gained, "the written symbol reached no document"
    for document in gained:
        assert (scheme, "G06N3/08") in {(c.scheme, c.symbol) for c in document.classifications}


@pytest.mark.parametrize(
    "written",
    ["G06N   3/08", "G06N3/08", "G06N 3/08(2006.01)", "G06N 003/08", "g06n 3/08", "G06N3/08;",
     "G06N3/08 (EP,US)", "G06N 3 / 08"],
)
def test_written_symbols(written):
    assert class_symbol(written) == "G06N3/08"


@pytest.mark.parametrize(
    "text",
    ["G06N   3/08        20060101A I20051008RMEP", " 7G 06N   3/08   A", "G06N003/08", "G06N   3/    08   A I"],
)
def test_symbols_leading_a_text(text):
    assert leading_symbol(text) == "G06N3/08"


@pytest.mark.parametrize("group", ["3", "03", "003", " 3"])
def test_symbol_of_parts_drops_the_main_groups_zeros(group):
    assert symbol_of_parts("G", "06", "N", group, "08") == "G06N3/08"


@pytest.mark.parametrize("text", ["B25J/", "G06N3", "not a class", "Z99Z1/00", ""])
def test_not_symbols(text):
    assert class_symbol(text) is None


def test_a_subclass_alone_is_a_symbol_but_not_a_leading_one():
    assert class_symbol("B31B") == "B31B"
    assert leading_symbol("B31B") is None
    assert symbol_of_parts("G", "06", "N", None, "08") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("20221215", date(2022, 12, 15)), (" 20221215 ", date(2022, 12, 15)), ("19680100", None),
     ("2022121", None), ("20221215T", None), ("", None), (None, None)],
)
def test_compact_dates(text, expected):
    assert compact_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2025-03-27", date(2025, 3, 27)), ("1995-8-25", date(1995, 8, 25)), ("2016.10.24", date(2016, 10, 24)),
     ("2024/01/15 00:00:00", date(2024, 1, 15)), ("20100129", date(2010, 1, 29)), ("(2026.01.01)", date(2026, 1, 1)),
     ("27.03.2025", date(2025, 3, 27)), ("", None), ("00000000", None), ("0000.00.00", None)],
)
def test_written_dates(text, expected):
    assert written_date(text) == expected


@pytest.mark.parametrize("text", ["03/04/2025", "2025-13-01", "2025-02-30", "2025.03-27", "March 2025"])
def test_written_dates_refused(text):
    with pytest.raises(ValueError):
        written_date(text)
