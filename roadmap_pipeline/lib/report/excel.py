"""The roadmap report as an Excel workbook (openpyxl), the form in which analysts hand results on.

Sheets: 로드맵 (the seed's table, Korean headers with an English row below), 지표 Indicators (every
indicator column, so that a figure can be recomputed), 연도별 Yearly (families per priority year),
언어 Languages (valid families per subclass and text language), one sheet per subclass with topics (clusters, task themes, emerging keywords, keyword trends),
one sheet of valid patents per subclass (유효 <name>: the roadmap's patent DB, each with whose verdict it is),
정의 Definitions and 출처 Source. Values stay numbers with number formats, not printed text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from roadmap_pipeline.lib.indicators import Marks
from roadmap_pipeline.lib.report.definitions import SEED_SHARE_NOTE, TOPIC_DEFINITIONS, indicator_definitions
from roadmap_pipeline.lib.report.inputs import ReportInputs, SubclassTopics
from roadmap_pipeline.lib.report.tables import (
    CLUSTER_TABLE,
    language_table,
    EMERGING_TABLE,
    ROADMAP_COLUMNS,
    THEME_TABLE,
    Column,
    cluster_rows,
    emerging_rows,
    roadmap_frame,
    shown_columns,
    theme_rows,
)

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

ROADMAP_SHEET = "로드맵"
INDICATORS_SHEET = "지표 Indicators"
YEARLY_SHEET = "연도별 Yearly"
LANGUAGES_SHEET = "언어 Languages"
DEFINITIONS_SHEET = "정의 Definitions"
SOURCE_SHEET = "출처 Source"
VALID_SHEET_PREFIX = "유효 "
# Row 1 of the roadmap sheet says where the data comes from; the two header rows follow.
BANNER_ROW, KOREAN_HEADER_ROW, ENGLISH_HEADER_ROW, FIRST_DATA_ROW = 1, 2, 3, 4

ROADMAP_SHEET_COLUMNS = (*ROADMAP_COLUMNS, Column("name_en", "영문명", "English name"),
                         Column("subclass_key", "키", "Key"))
_NUMBER_FORMATS = {"application_share": "0.0%", "importance": "0.00", "korea_competitiveness": "0.00",
                   "growth": "0.00", "n_families": "#,##0", "escore": "0.00", "weight": "0.0000",
                   "share_recent": "0.0%"}
_SHEET_NAME_LIMIT = 31
_INVALID_SHEET_CHARACTERS = re.compile(r"[\[\]:*?/\\]")
# Excel keeps this name for itself.
_RESERVED_SHEET_NAMES = {"history"}


def write_workbook(inputs: ReportInputs, path: str | Path, valid_patents: pl.DataFrame | None = None) -> Path:
    """Write the report workbook.

    Args:
        inputs: What the report shows.
        path: ``.xlsx`` file to write (parent folders are made).
        valid_patents: The valid patents of every subclass as `lib.review.valid_patent_rows` makes
            them; a sheet per subclass, in the roadmap's order. None: no such sheets.

    Returns:
        The path written.
    """
    from openpyxl import Workbook

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame = roadmap_frame(inputs)
    workbook = Workbook()
    taken: set[str] = set()
    roadmap = workbook.active
    roadmap.title = sheet_name(ROADMAP_SHEET, taken)
    _roadmap_sheet(roadmap, frame, inputs)
    _frame_sheet(workbook.create_sheet(sheet_name(INDICATORS_SHEET, taken)), frame)
    _frame_sheet(workbook.create_sheet(sheet_name(YEARLY_SHEET, taken)), inputs.yearly_counts)
    languages = language_table(inputs)
    if languages is not None:
        sheet = workbook.create_sheet(sheet_name(LANGUAGES_SHEET, taken))
        _block(sheet, 1, "언어별 유효특허 패밀리 Valid families per text language", *languages)
        _widths(sheet, [40, *[10] * (len(languages[0]) - 1)])
    for row in frame.filter(pl.col("subclass_key").is_in(list(inputs.topics))).iter_rows(named=True):
        sheet = workbook.create_sheet(sheet_name(row["name_ko"], taken))
        _topics_sheet(sheet, row, inputs.topics[row["subclass_key"]])
    if valid_patents is not None:
        for row in frame.iter_rows(named=True):
            patents = valid_patents.filter(pl.col("subclass_key") == row["subclass_key"])
            _valid_patents_sheet(workbook.create_sheet(sheet_name(f"{VALID_SHEET_PREFIX}{row['name_ko']}", taken)),
                                 row, patents)
    _definitions_sheet(workbook.create_sheet(sheet_name(DEFINITIONS_SHEET, taken)), inputs)
    source = workbook.create_sheet(sheet_name(SOURCE_SHEET, taken))
    _write_rows(source, 1, [["항목", "Item", "값 Value"], *inputs.header.provenance()], bold_rows=1)
    _widths(source, [24, 24, 80])
    workbook.save(path)
    return path


def sheet_name(text: str, taken: set[str]) -> str:
    """A valid, unused sheet name for ``text``, added to ``taken``.

    Characters Excel forbids (``[]:*?/\\``) become ``_``, leading and trailing apostrophes go, the
    name is cut to 31 characters, and a name already taken (Excel compares them ignoring case) or
    reserved gets a ``(2)``, ``(3)`` … suffix within the limit.
    """
    base = _INVALID_SHEET_CHARACTERS.sub("_", text).strip().strip("'").strip() or "Sheet"
    name, number = base[:_SHEET_NAME_LIMIT], 1
    while name.casefold() in taken or name.casefold() in _RESERVED_SHEET_NAMES:
        number += 1
        suffix = f" ({number})"
        name = base[:_SHEET_NAME_LIMIT - len(suffix)].rstrip("'") + suffix
    taken.add(name.casefold())
    return name


def _roadmap_sheet(sheet: Worksheet, frame: pl.DataFrame, inputs: ReportInputs) -> None:
    from openpyxl.styles import Font, PatternFill

    header = inputs.header
    if header.is_synthetic:
        banner = f"합성 데이터 SYNTHETIC DATA — {header.data_source} — 실제 특허가 아님 / not real patents"
    else:
        banner = f"데이터 출처 Data source: {header.data_source}"
    cell = sheet.cell(BANNER_ROW, 1, safe_value(banner))
    cell.font = Font(bold=True, color="990000" if header.is_synthetic else "000000")
    if header.is_synthetic:
        for column in range(1, len(ROADMAP_SHEET_COLUMNS) + 1):
            sheet.cell(BANNER_ROW, column).fill = PatternFill("solid", fgColor="FFF3B0")
    rows = [[_roadmap_value(column.key, row) for column in ROADMAP_SHEET_COLUMNS]
            for row in frame.iter_rows(named=True)]
    _write_rows(sheet, KOREAN_HEADER_ROW, [[c.ko for c in ROADMAP_SHEET_COLUMNS],
                                           [c.en for c in ROADMAP_SHEET_COLUMNS], *rows], bold_rows=2)
    _formats(sheet, [c.key for c in ROADMAP_SHEET_COLUMNS], FIRST_DATA_ROW, len(rows))
    sheet.freeze_panes = sheet.cell(FIRST_DATA_ROW, 3)
    _widths(sheet, [14, 18, 12, 12, 14, 9, 11, 9, 11, 11, 26, 30])


def _roadmap_value(key: str, row: dict) -> object:
    core, strength, focus = Marks(bool(row["is_core"]), row["korea_strength"], bool(row["is_focus"])).symbols()
    marks = {"core": core, "korea_strength": strength, "focus": focus,
             "category": row["category_name_ko"], "subclass": row["name_ko"]}
    return marks[key] if key in marks else row[key]


def _frame_sheet(sheet: Worksheet, frame: pl.DataFrame) -> None:
    """A frame as a plain table: column names in row 1."""
    _write_rows(sheet, 1, [frame.columns, *frame.iter_rows()], bold_rows=1)
    _formats(sheet, frame.columns, 2, frame.height)
    sheet.freeze_panes = "A2"


def _topics_sheet(sheet: Worksheet, row: dict, topics: SubclassTopics) -> None:
    from openpyxl.styles import Font

    sheet.cell(1, 1, safe_value(f"{row['name_ko']} {row['name_en']} ({row['subclass_key']})")).font = Font(
        bold=True, size=13)
    next_row = 3
    blocks = []
    if topics.clusters is not None:
        blocks.append(("군집 Clusters", CLUSTER_TABLE, cluster_rows(topics.clusters)))
    if topics.themes is not None:
        blocks.append(("유망기술 과제 후보 Candidate R&D task themes", THEME_TABLE, theme_rows(topics.themes)))
    if topics.emerging is not None:
        blocks.append(("부상 핵심어 Emerging keywords", EMERGING_TABLE, emerging_rows(topics.emerging)))
    for title, columns, frame in blocks:
        next_row = _block(sheet, next_row, title, columns, frame)
    if topics.keyword_trends is not None:
        next_row = _trend_block(sheet, next_row, topics.keyword_trends)
    _widths(sheet, [10, 26, 40, 50, 12, 12, 40])


def _valid_patents_sheet(sheet: Worksheet, row: dict, patents: pl.DataFrame) -> None:
    """A subclass's valid patents (유효특허): a title row, Korean and English headers, filters, frozen headers."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from roadmap_pipeline.lib.review import VALID_PATENT_COLUMNS

    by_analyst = int((patents["verdict_source"] == "analyst").sum())
    title = (f"유효특허 Valid patents — {row['name_ko']} {row['name_en']} ({row['subclass_key']}): {patents.height} "
             f"families, {by_analyst} by an analyst's verdict, {patents.height - by_analyst} by the model")
    sheet.cell(1, 1, safe_value(title)).font = Font(bold=True, size=13)
    columns = VALID_PATENT_COLUMNS
    _write_rows(sheet, 2, [[c.ko for c in columns], [c.en for c in columns],
                           *patents.select([c.key for c in columns]).iter_rows()], bold_rows=2)
    for number in range(4, 4 + patents.height):
        sheet.cell(number, 1 + [c.key for c in columns].index("relevance")).number_format = "0.000"
    sheet.freeze_panes = "B4"
    sheet.auto_filter.ref = f"A3:{get_column_letter(len(columns))}{3 + patents.height}"
    _widths(sheet, [c.width for c in columns])


def _block(sheet: Worksheet, first_row: int, title: str, columns: Sequence[Column], frame: pl.DataFrame) -> int:
    """A titled table with Korean and English header rows; returns the next free row."""
    from openpyxl.styles import Font

    columns = shown_columns(columns, frame)
    sheet.cell(first_row, 1, title).font = Font(bold=True)
    rows = [[c.ko for c in columns], [c.en for c in columns], *frame.select([c.key for c in columns]).iter_rows()]
    _write_rows(sheet, first_row + 1, rows, bold_rows=2)
    _formats(sheet, [c.key for c in columns], first_row + 3, frame.height)
    return first_row + 3 + frame.height + 1


def _trend_block(sheet: Worksheet, first_row: int, trends: pl.DataFrame) -> int:
    """Keyword weights, one row per (cluster, keyword), one column per window."""
    from openpyxl.styles import Font

    windows = list(trends.select("window_start", "window_end").unique().sort("window_start", "window_end").iter_rows())
    weights = {(c, k, s, e): w for c, k, s, e, w in trends.select(
        "cluster_id", "keyword", "window_start", "window_end", "weight").iter_rows()}
    keys = trends.group_by("cluster_id", "keyword").agg(pl.col("weight").sum()).sort(
        ["cluster_id", "weight", "keyword"], descending=[False, True, False]).select("cluster_id", "keyword")
    labels = [str(s) if s == e else f"{s}–{e}" for s, e in windows]
    rows = [["군집", "핵심어", *labels], ["Cluster", "Keyword", *labels]]
    rows += [[c, k, *(weights.get((c, k, s, e)) for s, e in windows)] for c, k in keys.iter_rows()]
    sheet.cell(first_row, 1, "핵심어 동향 Keyword trends (c-TF-IDF weight)").font = Font(bold=True)
    _write_rows(sheet, first_row + 1, rows, bold_rows=2)
    _formats(sheet, ["cluster_id", "keyword", *["weight"] * len(windows)], first_row + 3, keys.height)
    return first_row + 3 + keys.height + 1


def _definitions_sheet(sheet: Worksheet, inputs: ReportInputs) -> None:
    from openpyxl.styles import Alignment

    header = inputs.header
    window = header.window
    periods = {} if window is None else {"recent_years": window.recent_years,
                                         "incomplete_years": window.incomplete_years}
    definitions = (*indicator_definitions(header.core_threshold, header.strength_threshold, **periods),
                   *TOPIC_DEFINITIONS)
    rows = [["지표", "Indicator", "열 Column", "정의", "Definition"]]
    rows += [[d.name_ko, d.name_en, d.column, d.text_ko, d.text_en] for d in definitions]
    rows += [[], ["출원점유율 주석", "Note on application share", "", *SEED_SHARE_NOTE]]
    _write_rows(sheet, 1, rows, bold_rows=1)
    _widths(sheet, [16, 22, 22, 70, 70])
    for line in sheet.iter_rows(min_row=2):
        for cell in line[3:5]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _write_rows(sheet: Worksheet, first_row: int, rows: Iterable[Sequence], bold_rows: int = 0) -> None:
    from openpyxl.styles import Font

    for offset, values in enumerate(rows):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(first_row + offset, column)
            cell.value = safe_value(value)
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text from data must never become a formula
            if offset < bold_rows:
                cell.font = Font(bold=True)


def _formats(sheet: Worksheet, keys: Sequence[str], first_row: int, height: int) -> None:
    for column, key in enumerate(keys, start=1):
        number_format = _NUMBER_FORMATS.get(key)
        if number_format:
            for row in range(first_row, first_row + height):
                sheet.cell(row, column).number_format = number_format


def _widths(sheet: Worksheet, widths: Sequence[int]) -> None:
    from openpyxl.utils import get_column_letter

    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def safe_value(value: object) -> object:
    """A value openpyxl can store: lists joined, NaN as empty, control characters removed."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value
