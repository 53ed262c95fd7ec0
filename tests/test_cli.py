"""`roadmap parse`: JSON Lines out, rejects on stderr, exit status."""

import json

from roadmap_pipeline.cli import main


def test_parse_prints_documents_and_rejects(fixtures, capsys):
    status = main(["parse", str(fixtures / "uspto/PatentsView-DB__ipg130416.small.xml")])
    out, err = capsys.readouterr()
    docs = [json.loads(line) for line in out.splitlines()]
    rejects = [json.loads(line) for line in err.splitlines()]
    assert status == 0
    assert len(docs) == 25
    assert {"doc_id", "office", "priorities", "classifications", "parties", "citations"} <= set(docs[0])
    assert docs[0]["doc_id"] == "US-D680087-S1" and docs[0]["publication_date"] == "2013-04-16"
    # Two sequence listings, and a warning for the division parent written without a filing date
    # (US 12668801: DOCDB's form depends on the filing year); the document itself is printed.
    assert [(r["locator"], r["severity"]) for r in rejects] == [
        ("doc 12 (line 7409)", "warning"), ("doc 13 (line 8086)", "skipped"), ("doc 15 (line 13234)", "skipped"),
    ]
    assert "filing date" in rejects[0]["reason"] and rejects[0]["excerpt"] == "US 12668801"
    assert "US-8420021-B2" in {d["doc_id"] for d in docs}


def test_unknown_format_exits_2(tmp_path, capsys):
    path = tmp_path / "notes.txt"
    path.write_text("just some notes\n")
    assert main(["parse", str(path)]) == 2
    reject = json.loads(capsys.readouterr().err.splitlines()[0])
    assert reject["locator"] == "file" and "unknown" in reject["reason"]


def test_missing_file_exits_2(tmp_path, capsys):
    assert main(["parse", str(tmp_path / "missing.xml")]) == 2
    assert "cannot read" in capsys.readouterr().err
