"""Files cut short, in every format and container: the documents before the cut and a reject saying where.

Each real sample is cut at a chosen byte inside one of its documents, then read as it is (plain), as
a gzip stream cut at the same byte of its content, and as a zip member cut there. The documents
before the cut must come out exactly as the whole file gives them, followed by an error reject
naming the truncation; a gzip or zip adds its own reject.
"""

from __future__ import annotations

import gzip
import io
import zipfile
import zlib

import pytest

from roadmap_pipeline.cli import main
from roadmap_pipeline.lib.formats.reader import read_file, read_stream
from roadmap_pipeline.lib.records import Document, Reject

GRANTS = "uspto/PatentsView-DB__ipg130416.small.xml"
ZIPPED = "uspto/alexandria3k__ipgb20221025_wk43.zip"
LENS = "exports/physical_ai_lens__pai.trimmed.csv"
ESPACENET = "exports/espacenet_machine_vise__Espacenet-machine-vise-Suchergebnis_20250310_1901.csv"
WORKBOOK = "exports/kipris_inu_korean__incheon_national_univ_kipris.converted.xlsx"


def _nth(data: bytes, marker: bytes, n: int) -> int:
    at = -1
    for _ in range(n):
        at = data.index(marker, at + 1)
    return at


def _line(locator: str) -> int:
    return int(locator.split()[1])


# (fixture, where to cut, how many of the whole file's documents come before the cut (a number, or
# a rule on each document's locator and the cut), what the format's reject says)
CASES = {
    "uspto-concatenated": (GRANTS, lambda d: _nth(d, b"<claims", 4), 3, "file ends inside this document"),
    "uspto-plain": ("uspto/go-uspto__grant_v4-0-B2.xml", lambda d: d.index(b"<claims"), 0,
                    "file ends inside this document"),
    "docdb-bulk": ("epo-docdb/go-epo-bdds__DE-backfile.xml", lambda d: d.index(b'doc-number="1258195"') + 2000, 7,
                   "file ends inside this record (truncated file)"),
    "docdb-record": ("epo-docdb/go-epo-bdds__WO-2022259205-A1_544370561.xml", lambda d: d.index(b"<exch:abstract"), 0,
                     "file ends inside this record (truncated file)"),
    "ops-family": ("epo-ops/patent_client__fam50474376__family_publication_docdb_EP.2906782.A2_.xml",
                   lambda d: d.index(b"<doc-number>2015117646</doc-number>"), 4, "inside an element (truncated)"),
    "kipris-search": ("kipo-kipris/describug__real_kipris_search_batteries.xml",
                      lambda d: d.index(b"<item>", d.index(b"</item>")) + 20, 2, "inside an element (truncated)"),
    "kipris-biblio": ("kipo-kipris/describug__real_kipris_biblio_KR1020200168607.xml", lambda d: len(d) // 2, 0,
                      "inside an element (truncated)"),
    "lens-csv": (LENS, lambda d: _nth(d, b"\n", 50) + 30, "line", "file ends inside this row (truncated)"),
    "espacenet-csv": (ESPACENET, lambda d: _nth(d, b'\n"', 200) + 40, "line", "file ends inside a quoted cell"),
    "xlsx": (WORKBOOK, lambda d: len(d) * 2 // 3, 0, "XLSX workbook cut short"),
}


def _plain(data: bytes, cut: int) -> bytes:
    return data[:cut]


def _gzip(data: bytes, cut: int) -> bytes:
    """A gzip stream whose compressed bytes end where its content reaches `cut` (no end marker)."""
    compressor = zlib.compressobj(wbits=31)
    return compressor.compress(data[:cut]) + compressor.flush(zlib.Z_SYNC_FLUSH)


def _zip(data: bytes, cut: int) -> bytes:
    """A zip archive of one stored member, cut at byte `cut` of the member (no directory left)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("member", data)
    return buffer.getvalue()[: 30 + len("member") + cut]


CONTAINERS = {
    "plain": (_plain, None),
    "gzip": (_gzip, "gzip stream ends before its end (truncated)"),
    "zip": (_zip, "zip archive ends inside member member (truncated); the 0 members before it were read"),
}


def _read(data: bytes, name: str = "cut") -> tuple[list[Document], list[Reject]]:
    records = list(read_stream(io.BytesIO(data), name))
    return [r for r in records if isinstance(r, Document)], [r for r in records if isinstance(r, Reject)]


@pytest.mark.parametrize("container", CONTAINERS)
@pytest.mark.parametrize("case", CASES)
def test_cut_file_keeps_the_documents_before_the_cut(fixtures, case, container):
    relative, where, before, says = CASES[case]
    wrap, container_says = CONTAINERS[container]
    data = (fixtures / relative).read_bytes()
    cut = where(data)
    whole, whole_rejects = _read(data)
    if before == "line":  # a CSV row gives its documents after the rows above it
        cut_line = data[:cut].count(b"\n") + 1
        expected = [d.doc_id for d in whole if _line(d.locator) < cut_line]
        assert 0 < len(expected) < len(whole)
    else:
        expected = [d.doc_id for d in whole[:before]]
    documents, rejects = _read(wrap(data, cut))
    assert [d.doc_id for d in documents] == expected
    new = [r for r in rejects if r.severity == "error" and (r.locator, r.reason) not in
           {(w.locator, w.reason) for w in whole_rejects}]
    assert any(says in r.reason for r in new), [r.reason for r in new]
    if container_says:
        assert new[-1].reason.startswith(container_says)
    assert len(new) == 1 + bool(container_says)


def test_real_weekly_zip_cut_in_half_keeps_the_grants_before_the_cut(fixtures):
    data = (fixtures / ZIPPED).read_bytes()
    whole, _ = _read(data)
    documents, rejects = _read(data[: len(data) // 2])
    assert [d.doc_id for d in documents] == [d.doc_id for d in whole[:6]]
    assert [(r.source_file, r.locator) for r in rejects] == [
        ("cut!ipgb20221025.xml", "doc 7 (line 9049)"),
        ("cut", f"archive byte {len(data) // 2}"),
    ]
    assert rejects[0].reason.startswith("file ends inside this document, at byte")
    assert rejects[1].reason == (
        "zip archive ends inside member ipgb20221025.xml (truncated); the 0 members before it were read"
    )


def test_zip_cut_in_a_later_member_keeps_the_members_before(fixtures, tmp_path):
    grants = (fixtures / GRANTS).read_bytes()
    path = tmp_path / "two.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.xml", grants)
        archive.writestr("b.xml", grants)
    with zipfile.ZipFile(path) as archive:
        second = archive.getinfo("b.xml")
    data = path.read_bytes()
    cut = second.header_offset + 30 + len("b.xml") + second.compress_size // 2
    path.write_bytes(data[:cut])
    records = list(read_file(path))
    from_a = [r for r in records if isinstance(r, Document) and r.locator and "!" not in r.locator]
    assert len([r for r in records if isinstance(r, Document)]) > 25 > 0 < len(from_a)
    archive_reject = records[-1]
    assert archive_reject.source_file == str(path) and archive_reject.severity == "error"
    assert archive_reject.reason == "zip archive ends inside member b.xml (truncated); the 1 members before it were read"


def test_zip_cut_in_its_directory_keeps_every_member(fixtures):
    data = (fixtures / ZIPPED).read_bytes()
    whole, _ = _read(data)
    cut = data.rindex(b"PK\x01\x02") + 10
    documents, rejects = _read(data[:cut])
    assert [d.doc_id for d in documents] == [d.doc_id for d in whole]
    errors = [r for r in rejects if r.severity == "error"]
    assert [(r.locator, r.reason) for r in errors] == [(
        f"archive byte {cut}",
        "zip archive ends inside its central directory, after its last member (ipgb20221025rpt.html): "
        "truncated; the 3 members were read",
    )]


def test_zip_cut_before_its_first_member_is_one_reject(fixtures):
    documents, rejects = _read((fixtures / ZIPPED).read_bytes()[:20])
    assert documents == []
    assert [r.reason for r in rejects] == [
        "zip archive ends before its first member (truncated); the 0 members before it were read"
    ]


def test_zip_inside_gzip_is_read_front_to_back(fixtures):
    data = (fixtures / ZIPPED).read_bytes()
    documents, rejects = _read(gzip.compress(data))
    assert len(documents) == 11 and [r.severity for r in rejects] == ["skipped", "skipped"]


def test_gzip_cut_in_its_trailer_keeps_every_document(fixtures):
    data = gzip.compress((fixtures / GRANTS).read_bytes())
    documents, rejects = _read(data[:-3])
    assert len(documents) == 25
    [error] = [r for r in rejects if r.severity == "error"]
    assert error.reason.startswith("gzip stream ends before its end (truncated)")


@pytest.mark.parametrize(
    ("relative", "cut", "status"),
    [
        (GRANTS, lambda d: _nth(d, b"<claims", 4), 0),  # three grants before the cut: read
        ("uspto/go-uspto__grant_v4-0-B2.xml", lambda d: d.index(b"<claims"), 2),  # nothing before the cut
        (ZIPPED, lambda d: len(d) // 2, 0),
        (ZIPPED, lambda d: 20, 2),
    ],
)
def test_exit_status_is_2_only_when_nothing_could_be_read(fixtures, tmp_path, capsys, relative, cut, status):
    data = (fixtures / relative).read_bytes()
    path = tmp_path / ("cut" + (fixtures / relative).suffix)
    path.write_bytes(data[: cut(data)])
    assert main(["parse", str(path)]) == status
    assert "truncated" in capsys.readouterr().err
