"""Review workbooks: written in order of review, filled in as Excel would (openpyxl), read back row by row."""

from pathlib import Path

import polars as pl
import pytest
from openpyxl import Workbook, load_workbook

from roadmap_pipeline.lib.review import (
    GUIDE,
    GUIDE_SHEET,
    REVIEW_COLUMNS,
    read_verdicts,
    review_order,
    review_rows,
    write_review_workbook,
)

KEYS = ["design.process_design", "health.diagnosis"]
COLUMNS = [c.key for c in REVIEW_COLUMNS]


def candidates(subclass: str = "health.diagnosis") -> pl.DataFrame:
    """Six candidates: F1 judged noise by an analyst; F5 where the classifier overturned the description."""
    return pl.DataFrame({
        "subclass_key": [subclass] * 6,
        "family_id": ["F1", "F2", "F3", "F4", "F5", "F6"],
        "representative_doc_id": ["KR-1-A", "US-2-B2", "JP-3-A", "US-4-A1", "CN-5-A", "EP-6-A1"],
        "offices": [["KR"], ["US"], ["JP", "US"], ["US"], ["CN"], ["EP"]],
        "priority_year": [2020, 2019, 2021, 2018, 2022, 2017],
        "text_lang": ["ko", "en", "ja", "en", "zh", "en"],
        "title": ["베어링 고장 진단", "Fault diagnosis of a pump", "軸受の故障診断", "Credit default prediction",
                  "轴承故障诊断", "=cmd|' /C calc'!A0"],
        "title_lang": ["ko", "en", "ja", "en", "zh", "en"],
        "abstract": ["진동 신호 기반", "Vibration based", None, "Loans", "振动", "x"],
        "abstract_lang": ["ko", "en", None, "en", "zh", "en"],
        "title_en": ["Bearing fault diagnosis", None, "Bearing fault diagnosis", None, None, None],
        "abstract_en": ["From vibration", None, None, None, None, None],
        "matched_terms": [["고장 진단"], ["fault diagnosis"], ["故障診断"], ["prediction"], ["故障诊断"], ["fault"]],
        "relevance": [0.90, 0.80, 0.52, 0.10, 0.45, 0.70],
        "threshold": [0.5] * 6,
        "relevance_method": ["classifier"] * 6,
        "is_valid": [False, True, True, False, False, True],
        "label": ["noise", None, None, None, None, None],
        "verdict_source": ["analyst", "model", "model", "model", "model", "model"],
        "model_valid": [True, True, True, False, False, True],
        "description_valid": [True, True, True, False, True, True],
    })


def test_order_of_review_languages_take_turns_nearest_the_threshold_first_the_judged_last():
    # English has 3 candidates, Japanese and Chinese 1 each: turns (k + 1/2) / sqrt(n) give
    # F6 0.29 (en), F3 0.5 (ja, margin 0.02), F5 0.5 (zh, 0.05), F2 0.87 (en), F4 1.44 (en); F1 judged.
    ordered = review_order(candidates())
    assert ordered["family_id"].to_list() == ["F6", "F3", "F5", "F2", "F4", "F1"]
    assert ordered["review_rank"].to_list() == [1, 2, 3, 4, 5, 6]
    assert "disagree" in ordered["review_reason"][2] and "judged" in ordered["review_reason"][-1]
    assert "distance to threshold 0.2" in ordered["review_reason"][0]
    assert review_order(candidates(), by_language=False)["family_id"].to_list() == ["F3", "F5", "F6", "F2", "F4", "F1"]


def test_disagreements_lead_within_their_language():
    frame = candidates().with_columns(text_lang=pl.lit("en"))
    assert review_order(frame)["family_id"].to_list() == ["F5", "F3", "F6", "F2", "F4", "F1"]


def write_both(folder: Path) -> Path:
    sheets = {key: (name, review_rows(candidates(key))) for key, name in zip(KEYS, ["공정설계", "진단"])}
    return write_review_workbook(sheets, folder / "review.xlsx", GUIDE)


def test_the_workbook_has_a_sheet_per_subclass_the_columns_the_order_filters_and_frozen_headers(tmp_path):
    book = load_workbook(write_both(tmp_path))
    assert book.sheetnames == ["공정설계", "진단", GUIDE_SHEET]
    sheet = book["진단"]
    header = [cell.value for cell in sheet[1]]
    assert [h.split("\n")[-1] for h in header] == COLUMNS
    assert header[COLUMNS.index("verdict")] == "판정\nverdict"
    rows = [[cell.value for cell in line] for line in sheet.iter_rows(min_row=2)]
    column = {key: [row[COLUMNS.index(key)] for row in rows] for key in COLUMNS}
    assert column["family_id"] == ["F6", "F3", "F5", "F2", "F4", "F1"]
    assert column["review_rank"] == [1, 2, 3, 4, 5, 6]
    assert column["subclass_key"] == ["health.diagnosis"] * 6
    # Native and English texts side by side; English-only families have no native column.
    assert column["title"][1] == "軸受の故障診断" and column["title_en"][1] == "Bearing fault diagnosis"
    assert column["title"][3] is None and column["title_en"][3] == "Fault diagnosis of a pump"
    assert column["offices"][1] == "JP, US" and column["matched_terms"][2] == "故障诊断"
    assert column["text_lang"] == ["en", "ja", "zh", "en", "en", "ko"]
    # Current verdict and its origin; the analyst's earlier verdict is already in the verdict column.
    assert column["current_verdict"] == ["valid", "valid", "noise", "valid", "noise", "noise"]
    assert column["verdict_source"][-1] == "analyst" and column["verdict"] == [None] * 5 + ["noise"]
    assert sheet.cell(2, 1 + COLUMNS.index("title_en")).data_type == "s"  # a formula-like title stays text
    assert sheet.freeze_panes == "E2"
    assert sheet.auto_filter.ref == "A1:S7"
    [validation] = sheet.data_validations.dataValidation
    assert validation.formula1 == '"valid,noise,유효,노이즈"' and str(validation.sqref) == "R2:R7"


def test_round_trip_write_fill_as_excel_would_and_read_back(tmp_path):
    path = write_both(tmp_path)
    book = load_workbook(path)
    verdict = 1 + COLUMNS.index("verdict")
    note = 1 + COLUMNS.index("note")
    fills = {("진단", 2): "valid", ("진단", 3): " 유효 ", ("진단", 4): "Noise", ("공정설계", 2): "노이즈"}
    for (sheet, row), word in fills.items():
        book[sheet].cell(row, verdict).value = word
    book["진단"].cell(2, note).value = "bearing, in scope"
    labels = tmp_path / "labels"
    labels.mkdir()
    book.save(labels / "returned.xlsx")

    verdicts = read_verdicts(labels, KEYS)
    assert verdicts.problems == []
    assert verdicts.labels("health.diagnosis") == {"F6": True, "F3": True, "F5": False, "F1": False}
    assert verdicts.labels("design.process_design") == {"F6": False, "F1": False}
    assert verdicts.of("health.diagnosis")["F6"].note == "bearing, in scope"
    assert verdicts.of("health.diagnosis")["F6"].where == "returned.xlsx sheet '진단' row 2"
    assert verdicts.unjudged_rows == 6
    assert verdicts.digest("health.diagnosis") != verdicts.digest("design.process_design")


def test_the_earlier_labels_csv_is_still_read(tmp_path):
    (tmp_path / "health.diagnosis.csv").write_text("family_id,label\nF1,valid\nF2,노이즈\n", encoding="utf-8")
    assert read_verdicts(tmp_path, KEYS).labels("health.diagnosis") == {"F1": True, "F2": False}


def sheet_file(path: Path, rows: list[list], title: str = "진단") -> None:
    book = Workbook()
    book.active.title = title
    for row in rows:
        book.active.append(row)
    book.save(path)


HEADER = ["subclass_key", "family_id", "판정\nverdict", "note"]


@pytest.mark.parametrize(("rows", "where", "message"), [
    ([["health.diagnosis", "F1", "vaild", ""]], "v.xlsx sheet '진단' row 2", "'vaild' is not a verdict"),
    ([["health.diagnosis", "F1", "valid", ""], ["health.diagnosis", None, "noise", ""]],
     "v.xlsx sheet '진단' row 3", "verdict 'noise' without a family id"),
    ([["health.nothing", "F1", "valid", ""]], "v.xlsx sheet '진단' row 2", "subclass 'health.nothing' is not in the taxonomy"),
    ([[None, "F1", "valid", ""]], "v.xlsx sheet '진단' row 2", "no subclass"),
    ([["health.diagnosis", "F1", "valid", ""], [None, None, None, None], ["health.diagnosis", "F1", "noise", ""]],
     "v.xlsx sheet '진단' row 4", "conflicting verdicts on family 'F1': noise here, valid in v.xlsx sheet '진단' row 2"),
])
def test_every_malformed_workbook_row_is_named(tmp_path, rows, where, message):
    sheet_file(tmp_path / "v.xlsx", [HEADER, *rows])
    verdicts = read_verdicts(tmp_path, KEYS)
    assert any(str(p).startswith(f"{where}: ") and message in p.message for p in verdicts.problems), verdicts.problems
    assert "F1" not in verdicts.labels("health.diagnosis") or len(rows) == 2


@pytest.mark.parametrize(("text", "where", "message"), [
    ("family_id,verdict\nF1,valid\nF2,maybe\n", "health.diagnosis.csv line 3", "'maybe' is not a verdict"),
    ("family_id,verdict,note\nF1,valid,\n\nF2,noise,\"two\nlines\"\n,valid,\n", "health.diagnosis.csv line 6",
     "without a family id"),
    ("id;verdict\nF1;valid\n", "health.diagnosis.csv line 1", "the header must name the columns family_id and verdict"),
])
def test_every_malformed_csv_row_is_named_by_its_line(tmp_path, text, where, message):
    (tmp_path / "health.diagnosis.csv").write_text(text, encoding="utf-8")
    [problem] = read_verdicts(tmp_path, KEYS).problems
    assert problem.where == where and message in problem.message


def test_a_csv_not_named_after_a_subclass_needs_a_subclass_column(tmp_path):
    (tmp_path / "my verdicts.csv").write_text("family_id,verdict\nF1,valid\n", encoding="utf-8")
    [problem] = read_verdicts(tmp_path, KEYS).problems
    assert problem.where == "my verdicts.csv line 2" and "no subclass" in problem.message


def test_conflicts_across_files_use_neither_verdict_and_name_both_rows(tmp_path):
    (tmp_path / "health.diagnosis.csv").write_text("family_id,label\nF1,valid\nF2,noise\n", encoding="utf-8")
    sheet_file(tmp_path / "returned.xlsx", [HEADER, ["health.diagnosis", "F1", "노이즈", ""],
                                            ["health.diagnosis", "F2", "noise", ""]])
    verdicts = read_verdicts(tmp_path, KEYS)
    assert verdicts.labels("health.diagnosis") == {"F2": False}  # the same verdict twice is no conflict
    assert sorted(p.where for p in verdicts.problems) == ["health.diagnosis.csv line 2", "returned.xlsx sheet '진단' row 2"]
    assert all("conflicting verdicts on family 'F1'" in p.message for p in verdicts.problems)


def test_unknown_families_unreadable_files_and_sheets_without_a_verdict_column_are_reported(tmp_path):
    (tmp_path / "health.diagnosis.csv").write_text("family_id,verdict\nF1,valid\nF404,noise\n", encoding="utf-8")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    sheet_file(tmp_path / "no_verdicts.xlsx", [["family_id", "title"], ["F1", "x"]])
    (tmp_path / "README.md").write_text("notes", encoding="utf-8")
    (tmp_path / "~$returned.xlsx").write_bytes(b"lock")
    verdicts = read_verdicts(tmp_path, KEYS)
    [unknown] = verdicts.drop_unknown_families("health.diagnosis", {"F1", "F2"})
    assert unknown.where == "health.diagnosis.csv line 3" and "'F404' is not a family of the warehouse" in unknown.message
    assert verdicts.labels("health.diagnosis") == {"F1": True}
    messages = {p.where: p.message for p in verdicts.problems}
    assert "save verdicts as .xlsx" in messages["old.xls"]
    assert "not a readable Excel workbook" in messages["broken.xlsx"]
    assert "no verdict column" in messages["no_verdicts.xlsx sheet '진단' row 1"]
    assert len(verdicts.problems) == 4 and verdicts.files == ["broken.xlsx", "health.diagnosis.csv", "no_verdicts.xlsx", "old.xls"]


def test_no_folder_means_no_verdicts(tmp_path):
    verdicts = read_verdicts(tmp_path / "absent", KEYS)
    assert verdicts.by_subclass == {} and verdicts.problems == []


def test_the_report_workbook_has_a_valid_patents_sheet_per_subclass_with_the_verdict_origin(tmp_path):
    from roadmap_pipeline.lib.report import ReportHeader, ReportInputs, write_workbook
    from roadmap_pipeline.lib.review import VALID_PATENT_COLUMNS, valid_patent_rows

    indicators = pl.DataFrame({
        "subclass_key": KEYS, "category": ["design", "health"], "n_families": [10, 20],
        "application_share": [1.0, 1.0], "growth": [0.1, 0.2], "importance": [0.5, -0.5],
        "korea_competitiveness": [0.1, -0.1], "is_core": [True, False], "korea_strength": ["强", "弱"],
        "is_focus": [True, False],
    })
    names = pl.DataFrame({"subclass_key": KEYS, "category": ["design", "health"], "category_name_ko": ["설계", "설비건전성"],
                          "category_name_en": ["Design", "Health"], "name_ko": ["공정설계", "진단"],
                          "name_en": ["Process design", "Diagnosis"], "position": [0, 1]})
    inputs = ReportInputs(indicators=indicators, header=ReportHeader(data_source="SYNTHETIC test"), subclasses=names,
                          yearly_counts=pl.DataFrame(schema={"subclass_key": pl.String, "priority_year": pl.Int64,
                                                             "families": pl.Int64}))
    valid = valid_patent_rows(pl.concat([candidates(key) for key in KEYS]))
    book = load_workbook(write_workbook(inputs, tmp_path / "roadmap.xlsx", valid))
    assert {"유효 공정설계", "유효 진단"} <= set(book.sheetnames)
    sheet = book["유효 진단"]
    assert "3 families, 0 by an analyst's verdict, 3 by the model" in sheet["A1"].value
    assert [c.value for c in sheet[3]] == [c.en for c in VALID_PATENT_COLUMNS]
    rows = [[c.value for c in line] for line in sheet.iter_rows(min_row=4)]
    assert [r[0] for r in rows] == ["F2", "F6", "F3"]  # valid only (F1: an analyst said noise), by relevance
    assert {r[-1] for r in rows} == {"model"}
    assert sheet.freeze_panes == "B4" and sheet.auto_filter.ref == "A3:I6"
    assert "유효 진단" not in load_workbook(write_workbook(inputs, tmp_path / "no.xlsx")).sheetnames
