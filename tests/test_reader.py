"""Containers and whole-file quarantine: what reaches core.rejected_records, and why."""

import gzip
import zipfile

import pytest

from roadmap_pipeline.lib.formats.reader import UnreadableFile, read_file
from roadmap_pipeline.lib.records import Document, Reject

GRANTS = "uspto/PatentsView-DB__ipg130416.small.xml"
ZIPPED = "uspto/alexandria3k__ipgb20221025_wk43.zip"


def _split(records):
    records = list(records)
    return [r for r in records if isinstance(r, Document)], [r for r in records if isinstance(r, Reject)]


def test_real_zip_reads_the_xml_and_records_the_ancillary_files(fixtures):
    docs, rejects = _split(read_file(fixtures / ZIPPED))
    assert len(docs) == 11
    assert {d.kind for d in docs} >= {"B2", "S1", "P2", "E1"}
    skipped = sorted(r.source_file.split("!")[-1] for r in rejects if r.severity == "skipped")
    assert skipped == ["ipgb20221025lst.txt", "ipgb20221025rpt.html"]
    assert not [r for r in rejects if r.severity == "error"]


def test_corrupt_zip_member_keeps_the_other_members(fixtures, tmp_path):
    good = (fixtures / GRANTS).read_bytes()
    path = tmp_path / "two.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.xml", good)
        archive.writestr("b.xml", good)
    raw = bytearray(path.read_bytes())
    # Damage the compressed bytes of the second member only.
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("b.xml")
    offset = info.header_offset + 30 + len("b.xml") + 2000
    raw[offset:offset + 64] = b"\x00" * 64
    path.write_bytes(bytes(raw))
    docs, rejects = _split(read_file(path))
    assert sum(1 for d in docs if d.locator) >= 25  # every grant of a.xml survives
    assert any(r.source_file.endswith("!b.xml") and r.severity == "error" for r in rejects)


def test_gzip_is_opened(fixtures, tmp_path):
    path = tmp_path / "grants.gz"
    path.write_bytes(gzip.compress((fixtures / GRANTS).read_bytes()))
    docs, _ = _split(read_file(path))
    assert len(docs) == 25


@pytest.mark.parametrize(
    ("relative", "words"),
    [
        ("unsupported/PatentPublicData__pap_US20010000044A1.xml", "PAP"),
        ("unsupported/PatentPublicData__sgml_USD435854S1.xml", "SGML"),
        ("unsupported/lens-api-doc__response-patent_sample_EP2471949A1.json", "Lens"),
        ("cnipa/cnipa-patent-collector__sqxx_real_response_CN2026104796018.json", "CNIPA"),
    ],
)
def test_unsupported_formats_are_rejected_whole_naming_the_format(fixtures, relative, words):
    docs, rejects = _split(read_file(fixtures / relative))
    assert docs == []
    assert len(rejects) == 1
    assert rejects[0].locator == "file" and words in rejects[0].reason and rejects[0].excerpt


def test_csv_inside_a_zip_is_rejected_with_the_member_named(tmp_path):
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("lens.csv", "Lens ID,Title,Jurisdiction,Kind\n1,x,US,A1\n")
    _, rejects = _split(read_file(path))
    assert [(r.source_file, r.severity) for r in rejects] == [(f"{path}!lens.csv", "error")]
    assert "CSV" in rejects[0].reason


def test_missing_file_raises_unreadable(tmp_path):
    with pytest.raises(UnreadableFile):
        list(read_file(tmp_path / "nope.xml"))
