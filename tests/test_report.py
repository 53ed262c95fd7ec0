"""The roadmap report on hand-made inputs: 3 categories, 5 subclasses, one focus subclass.

Marks, order and names are planted here, so every check compares the outputs with values written
down by hand: which row carries o / 强 / 弱 / V, in which order the subclasses print, what must be
escaped and what must not reach the page.
"""

from __future__ import annotations

import dataclasses
import re
from html import unescape

import openpyxl
import polars as pl
import pytest
from plotly.offline import get_plotlyjs

from roadmap_pipeline.lib.indicators import SUBCLASS_SCHEMA, Window
from roadmap_pipeline.lib.report import (
    ReportHeader,
    ReportInputs,
    SubclassTopics,
    export_frames,
    markdown_table,
    render_html,
    report_html,
    roadmap_frame,
    sheet_name,
    write_exports,
    write_workbook,
)
from roadmap_pipeline.lib.report.charts import growth_chart, portfolio_chart
from roadmap_pipeline.lib.report.definitions import indicator_definitions
from roadmap_pipeline.lib.report.excel import ENGLISH_HEADER_ROW, FIRST_DATA_ROW, KOREAN_HEADER_ROW
from roadmap_pipeline.lib.report.tables import count, decimal, percent

EVIL_NAME = "<script>alert('x')</script> 진단"
FOCUS = "design.product_design"
# key, category, category ko, category en, name ko, name en, position. Taxonomy order puts
# production before health, which alphabetical order would not.
NAMES = [
    ("design.process_design", "design", "설계", "Design", "공정설계", "Process design", 0),
    ("design.product_design", "design", "설계", "Design", "제품설계", "Product design", 1),
    ("production.scheduling", "production", "생산관리", "Production management", "생산 스케줄링",
     "Production scheduling", 2),
    ("health.monitoring", "health", "설비건전성", "Equipment health", "모니터링", "Monitoring", 3),
    ("health.evil", "health", "설비건전성", "Equipment health", EVIL_NAME, "Diagnosis", 4),
]
NAME_COLUMNS = ["subclass_key", "category", "category_name_ko", "category_name_en", "name_ko", "name_en",
                "position"]
# key, families, share, growth, importance, competitiveness, core, strength, focus; given out of order.
INDICATORS = [
    ("health.evil", 282, 0.58, 0.30, -0.50, -0.10, False, "弱", False),
    ("design.product_design", 184, 0.74, 0.40, 0.38, 0.19, True, "强", True),
    ("production.scheduling", 0, 0.0, None, None, None, False, None, False),
    ("health.monitoring", 204, 0.42, -0.20, -0.04, 0.53, False, "强", False),
    ("design.process_design", 65, 0.26, 0.10, 1.78, -0.31, True, "弱", False),
]
DISPLAY_ORDER = [row[0] for row in NAMES]
# (핵심분야, 한국강약점, 중점분야) per subclass, as the seed prints them
EXPECTED_MARKS = {
    "design.process_design": ("o", "弱", ""),
    "design.product_design": ("o", "强", "V"),
    "production.scheduling": ("", "", ""),
    "health.monitoring": ("", "强", ""),
    "health.evil": ("", "弱", ""),
}
WINDOW = Window(first_year=2015, last_year=2024, incomplete_years=2, recent_years=3)
SEED_HEADERS = ["기술분류", "세부기술", "출원점유율", "기술중요도", "한국경쟁력", "핵심분야", "한국강약점", "중점분야"]


def indicator_frame() -> pl.DataFrame:
    categories = {row[0]: row[1] for row in NAMES}
    rows = []
    for key, n, share, growth, importance, competitiveness, core, strength, focus in INDICATORS:
        row = dict.fromkeys(SUBCLASS_SCHEMA)
        row.update(subclass_key=key, category=categories[key], n_families=n, application_share=share,
                   growth=growth, importance=importance, korea_competitiveness=competitiveness,
                   is_core=core, korea_strength=strength, is_focus=focus)
        rows.append(row)
    return pl.DataFrame(rows, schema=SUBCLASS_SCHEMA)


def yearly_frame() -> pl.DataFrame:
    rows = [(key, key.split(".")[0], year, 10 + index + (year - 2015), 1, WINDOW.period(year))
            for index, key in enumerate(DISPLAY_ORDER) for year in range(2015, 2025)]
    return pl.DataFrame(rows, schema=["subclass_key", "category", "priority_year", "families",
                                      "kr_families", "period"], orient="row")


def focus_topics() -> SubclassTopics:
    clusters = pl.DataFrame({
        "cluster_id": [0, 1, 2], "size": [40, 30, 20],
        "label": ["generative layout, topology", "cad surrogate, mesh", "=1+2"],
        "keywords": [["generative layout", "topology"], ["cad surrogate", "mesh"], ["formula"]],
    })
    windows = [(2019, 2020), (2021, 2022)]
    trends = pl.DataFrame(
        [(c, s, e, k, w) for (c, k), weights in {(0, "topology"): (0.1, 0.3), (1, "mesh"): (0.2, 0.1)}.items()
         for (s, e), w in zip(windows, weights, strict=True)],
        schema=["cluster_id", "window_start", "window_end", "keyword", "weight"], orient="row")
    themes = pl.DataFrame({
        "cluster_id": [1, 0], "growth": [0.7, -0.2], "n_recent": [12, 4], "n_before": [3, 9],
        "top_emerging": [["qqq_rising"], []], "label": ["cad surrogate, mesh", "generative layout, topology"],
        "rank": [1, 2],
    })
    emerging = pl.DataFrame({"term": ["qqq_rising", "zzz_ineligible"], "escore": [4.2, 9.9],
                             "eligible": [True, False]})
    return SubclassTopics(clusters=clusters, keyword_trends=trends, themes=themes, emerging=emerging)


def make_inputs(source: str = "SYNTHETIC demo corpus (seed 42), not real patents", **header) -> ReportInputs:
    return ReportInputs(
        indicators=indicator_frame(), yearly_counts=yearly_frame(),
        header=ReportHeader(data_source=source, taxonomy_key="test_ai", taxonomy_name_ko="시험 AI",
                            taxonomy_name_en="Test AI", taxonomy_version="1.0", window=WINDOW,
                            model_id="test-model", run_id="run-123", generated_at="2026-01-02T03:04:05",
                            **header),
        subclasses=pl.DataFrame(NAMES, schema=NAME_COLUMNS, orient="row"),
        topics={FOCUS: focus_topics()},
    )


@pytest.fixture(scope="module")
def synthetic_html(tmp_path_factory) -> str:
    path = render_html(make_inputs(), tmp_path_factory.mktemp("html") / "roadmap.html")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def real_html(tmp_path_factory) -> str:
    path = render_html(make_inputs("real data: KIPRIS + USPTO, 2026-05"), tmp_path_factory.mktemp("html") / "r.html")
    return path.read_text(encoding="utf-8")


def roadmap_rows(page: str) -> dict[str, dict[str, str]]:
    """Cells of the roadmap table's rows by subclass key, in page order."""
    table = re.search(r'<table class="roadmap".*?</table>', page, re.S).group(0)
    return {key: dict(re.findall(r'<td class="col-(\w+)[^"]*">(.*?)</td>', body))
            for key, body in re.findall(r'<tr id="row-([^"]+)"[^>]*>(.*?)</tr>', table, re.S)}


# --- the table ---------------------------------------------------------------------------------

def test_rows_follow_taxonomy_order_not_input_or_alphabetical_order():
    assert roadmap_frame(make_inputs())["subclass_key"].to_list() == DISPLAY_ORDER


def test_subclass_without_names_comes_last_in_its_category_under_its_key():
    inputs = make_inputs()
    names = inputs.subclasses.filter(pl.col("subclass_key") != "health.monitoring")
    frame = roadmap_frame(ReportInputs(inputs.indicators, inputs.yearly_counts, inputs.header, names))
    assert frame["subclass_key"].to_list()[-2:] == ["health.evil", "health.monitoring"]
    last = frame.row(-1, named=True)
    assert (last["name_ko"], last["name_en"], last["category_name_ko"]) == (
        "health.monitoring", "health.monitoring", "설비건전성")


def test_cells_are_printed_as_the_seed_prints_them():
    assert (percent(0.065), percent(0.184), percent(None)) == ("6.5%", "18.4%", "–")
    assert (decimal(1.78), decimal(-0.31), decimal(-0.001), decimal(float("nan"))) == ("1.78", "-0.31", "0.00", "–")
    assert count(8608) == "8,608"


def test_markdown_has_one_row_per_subclass_and_names_each_category_once():
    lines = markdown_table(make_inputs()).splitlines()
    assert len(lines) == 2 + len(NAMES)
    assert lines[0].startswith("| 기술분류 Category | 세부기술 Sub-technology | 출원점유율 Application share")
    cells = [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines[2:]]
    assert [row[0] for row in cells] == ["설계", "", "생산관리", "설비건전성", ""]
    assert cells[0][1:8] == ["공정설계 (Process design)", "26.0%", "1.78", "-0.31", "o", "弱", ""]
    assert cells[1][5:8] == ["o", "强", "V"]
    assert cells[2][2:5] == ["0.0%", "–", "–"]


# --- the HTML page ------------------------------------------------------------------------------

def test_html_table_has_bilingual_headers_and_the_marks_in_the_right_rows(synthetic_html):
    head = re.search(r'<table class="roadmap".*?</thead>', synthetic_html, re.S).group(0)
    for korean in SEED_HEADERS:
        assert f">{korean}<br>" in head
    assert '출원점유율<br><span class="en">Application share</span>' in head
    rows = roadmap_rows(synthetic_html)
    assert list(rows) == DISPLAY_ORDER
    for key, (core, strength, focus) in EXPECTED_MARKS.items():
        assert (rows[key]["core"], rows[key]["korea_strength"], rows[key]["focus"]) == (core, strength, focus)
    assert rows["design.process_design"]["application_share"] == "26.0%"
    assert rows["health.monitoring"]["korea_competitiveness"] == "0.53"
    assert rows["design.product_design"]["subclass"].startswith("제품설계<br>")
    # categories span their rows, in taxonomy order
    assert re.findall(r'rowspan="(\d)">([^<]+)<br>', synthetic_html) == [("2", "설계"), ("1", "생산관리"),
                                                                          ("2", "설비건전성")]


def test_html_embeds_plotly_once_and_loads_nothing_from_the_network(synthetic_html):
    assert synthetic_html.count(get_plotlyjs()[:200]) == 1
    assert synthetic_html.count("plotly.js v") == 1
    bundle_end = synthetic_html.index(get_plotlyjs()[-200:]) + 200
    calls = [m.start() for m in re.finditer(r"Plotly\.newPlot\(", synthetic_html)]
    assert len(calls) == 4 and min(calls) > bundle_end  # portfolio, growth, heatmap, emerging
    external = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)
    assert not external.search(synthetic_html)
    assert not re.search(r"@import|url\(\s*['\"]?(?:https?:)?//", synthetic_html)


def test_synthetic_banner_shows_only_for_synthetic_data(synthetic_html, real_html):
    assert 'class="banner synthetic"' in synthetic_html and "[SYNTHETIC]" in synthetic_html
    assert 'class="banner synthetic"' not in real_html and "[SYNTHETIC]" not in real_html
    assert 'class="banner source"' in real_html and "KIPRIS + USPTO" in real_html


def test_names_from_data_are_escaped(synthetic_html):
    assert "<script>alert" not in synthetic_html
    name = roadmap_rows(synthetic_html)["health.evil"]["subclass"].split("<br>")[0]
    assert "<" not in name and unescape(name) == EVIL_NAME


def test_topics_are_shown_for_the_focus_subclass_only(synthetic_html):
    assert re.findall(r'<section class="topics" id="topics-([^"]+)"', synthetic_html) == [FOCUS]
    section = synthetic_html[synthetic_html.index(f'id="topics-{FOCUS}"'):]
    section = section[:section.index("</section>")]
    for label in ("generative layout, topology", "cad surrogate, mesh", "=1+2"):
        assert f"<td>{label}</td>" in section
    # themes by rank: cluster 1 (growth 0.7) before cluster 0
    themes = section[section.index("Candidate R&amp;D task themes"):]
    assert themes.index("cad surrogate, mesh") < themes.index("generative layout, topology")
    assert "qqq_rising" in section and "zzz_ineligible" not in synthetic_html


def test_definitions_state_the_formulas_and_the_seed_share_caveat(synthetic_html):
    definitions = synthetic_html[synthetic_html.index('<section id="definitions">'):]
    assert "distinct families of its category" in definitions
    assert "58.6" in definitions and "68.4" in definitions
    texts = {d.column: d for d in indicator_definitions(core_threshold=0.5, strength_threshold=-0.1)}
    assert "> 0.5" in texts["is_core"].text_ko and "> 0.5" in texts["is_core"].text_en
    assert "> -0.1" in texts["korea_strength"].text_en


# --- the charts ---------------------------------------------------------------------------------

def test_growth_lines_dash_only_the_incomplete_years():
    inputs = make_inputs()
    figure = growth_chart(inputs.yearly_counts, roadmap_frame(inputs), WINDOW)
    traces = [t for t in figure.data if t.legendgroup == "design.process_design"]
    solid, dashed = sorted(traces, key=lambda t: t.line.dash is not None)
    assert list(solid.x) == list(range(2015, 2023)) and solid.line.dash is None
    assert list(dashed.x) == [2022, 2023, 2024] and dashed.line.dash == "dash"
    assert [(s.x0, s.x1) for s in figure.layout.shapes] == [(2019.5, 2022.5), (2022.5, 2024.5)]


def test_portfolio_leaves_out_unknown_values_and_draws_the_thresholds():
    figure = portfolio_chart(roadmap_frame(make_inputs()), core_threshold=0.3, strength_threshold=-0.2)
    points = {(x, y) for trace in figure.data for x, y in zip(trace.x, trace.y, strict=True)}
    assert points == {(1.78, -0.31), (0.38, 0.19), (-0.04, 0.53), (-0.5, -0.1)}
    assert len(figure.data) == 2  # production has no point: only design and health
    lines = {(s.x0, s.x1, s.y0, s.y1) for s in figure.layout.shapes}
    assert (0.3, 0.3, 0, 1) in lines and (0, 1, -0.2, -0.2) in lines


# --- the workbook -------------------------------------------------------------------------------

def test_workbook_has_the_sheets_headers_and_marks(tmp_path):
    path = write_workbook(make_inputs(), tmp_path / "roadmap.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["로드맵", "지표 Indicators", "연도별 Yearly", "제품설계", "정의 Definitions",
                               "출처 Source"]
    sheet = book["로드맵"]
    assert "SYNTHETIC" in sheet.cell(1, 1).value
    korean = [c.value for c in sheet[KOREAN_HEADER_ROW]][:8]
    english = [c.value for c in sheet[ENGLISH_HEADER_ROW]][:3]
    assert korean == SEED_HEADERS and english == ["Category", "Sub-technology", "Application share"]
    rows = list(sheet.iter_rows(min_row=FIRST_DATA_ROW, values_only=True))
    assert [row[-1] for row in rows] == DISPLAY_ORDER
    assert [tuple(v or "" for v in row[5:8]) for row in rows] == [EXPECTED_MARKS[k] for k in DISPLAY_ORDER]
    assert rows[0][2] == pytest.approx(0.26) and sheet.cell(FIRST_DATA_ROW, 3).number_format == "0.0%"
    assert rows[4][1] == EVIL_NAME
    topics = book["제품설계"]
    labels = [row[2] for row in topics.iter_rows(values_only=True)]
    assert "=1+2" in labels  # text from data stays text, not a formula
    cell = next(c for row in topics.iter_rows() for c in row if c.value == "=1+2")
    assert cell.data_type == "s"
    source = {row[1]: row[2] for row in book["출처 Source"].iter_rows(min_row=2, values_only=True)}
    assert source["Data source"].startswith("SYNTHETIC") and source["Dagster run id"] == "run-123"


def test_sheet_names_are_valid_and_unique():
    taken: set[str] = set()
    assert sheet_name("이송/물류: [A]*?", taken) == "이송_물류_ _A___"
    assert sheet_name("x" * 40, taken) == "x" * 31
    assert sheet_name("X" * 40, taken) == "X" * 27 + " (2)"  # Excel compares names ignoring case
    assert sheet_name("History", taken) == "History (2)"
    assert sheet_name("'quoted'", taken) == "quoted"


# --- exports and inputs -------------------------------------------------------------------------

def test_exports_round_trip(tmp_path):
    inputs = make_inputs()
    paths = write_exports(inputs, tmp_path)
    assert sorted(p.name for formats in paths.values() for p in formats.values()) == ["roadmap_indicators.csv", "roadmap_indicators.parquet",
                                             "yearly_counts.csv", "yearly_counts.parquet"]
    assert (tmp_path / "roadmap_indicators.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    for stem, frame in export_frames(inputs).items():
        assert pl.read_parquet(tmp_path / f"{stem}.parquet").equals(frame)
        assert pl.read_csv(tmp_path / f"{stem}.csv", schema=frame.schema).equals(frame)
    exported = export_frames(inputs)["roadmap_indicators"]
    by_key = inputs.indicators.sort("subclass_key")
    assert exported.select(by_key.columns).sort("subclass_key").equals(by_key)
    assert exported["name_ko"].to_list()[:2] == ["공정설계", "제품설계"]


def test_inputs_name_what_is_missing():
    inputs = make_inputs()
    with pytest.raises(ValueError, match="indicators: missing columns: is_focus"):
        ReportInputs(inputs.indicators.drop("is_focus"), inputs.yearly_counts, inputs.header)
    with pytest.raises(ValueError, match="nowhere.key"):
        ReportInputs(inputs.indicators, inputs.yearly_counts, inputs.header, topics={"nowhere.key": SubclassTopics()})
    with pytest.raises(ValueError, match="keyword_trends: missing columns: weight"):
        SubclassTopics(keyword_trends=focus_topics().keyword_trends.drop("weight"))
    assert focus_topics().emerging.columns[0] == "keyword"  # pyGrams' "term" is accepted


def test_synthetic_is_read_from_the_source_unless_stated():
    assert ReportHeader("SYNTHETIC demo corpus").is_synthetic
    assert ReportHeader("합성 데이터 (seed 7)").is_synthetic
    assert not ReportHeader("real data").is_synthetic
    assert not ReportHeader("synthetic-free real data", synthetic=False).is_synthetic


# --- valid families per text language ------------------------------------------------------------

LANGUAGES = pl.DataFrame({
    "subclass_key": ["design.product_design", "design.product_design", "design.product_design", "health.monitoring"],
    "language": ["ko", "en", "unknown", "zh"],
    "families": [12, 30, 1, 4],
})


def test_languages_are_counted_per_subclass_in_the_html_and_the_workbook(tmp_path):
    inputs = dataclasses.replace(make_inputs(), languages=LANGUAGES)
    page = report_html(inputs)
    section = page[page.index('<section id="languages">'):]
    section = section[:section.index("</section>")]
    head = re.findall(r"<th class=\"[^\"]*\">(.*?)<br>", section)
    assert head == ["세부기술", "영어", "한국어", "중국어", "미상", "계"]  # display order: en, ko, ja, zh, unknown
    rows = [cells for row in re.findall(r"<tr>(.*?)</tr>", section) if (cells := re.findall(r"<td[^>]*>(.*?)</td>", row))]
    by_name = {row[0].split(" ")[0]: row[1:] for row in rows}
    assert len(rows) == len(DISPLAY_ORDER)  # every subclass, zeros where no valid family
    assert by_name["제품설계"] == ["30", "12", "0", "1", "43"]
    assert by_name["모니터링"] == ["0", "0", "4", "0", "4"]
    book = openpyxl.load_workbook(write_workbook(inputs, tmp_path / "roadmap.xlsx"))
    assert "언어 Languages" in book.sheetnames
    values = list(book["언어 Languages"].iter_rows(values_only=True))
    assert values[1] == ("세부기술", "영어", "한국어", "중국어", "미상", "계")
    assert values[2] == ("Sub-technology", "English", "Korean", "Chinese", "unknown", "Total")
    assert len(values) == 3 + len(DISPLAY_ORDER)
    assert "언어 Languages" not in openpyxl.load_workbook(write_workbook(make_inputs(), tmp_path / "no.xlsx")).sheetnames
