"""The roadmap report as one self-contained HTML page that opens offline.

plotly.js is embedded once in the page head and every figure only calls it, so the file needs no
network: no CDN, no web fonts, no external style sheets. All text from data is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from roadmap_pipeline.lib.report import charts
from roadmap_pipeline.lib.report.definitions import (
    SEED_SHARE_NOTE,
    TOPIC_DEFINITIONS,
    Definition,
    indicator_definitions,
)
from roadmap_pipeline.lib.report.inputs import ReportInputs, SubclassTopics
from roadmap_pipeline.lib.report.tables import (
    CLUSTER_TABLE,
    language_table,
    EMERGING_TABLE,
    MISSING,
    ROADMAP_COLUMNS,
    THEME_TABLE,
    Column,
    cluster_rows,
    count,
    decimal,
    emerging_rows,
    roadmap_cells,
    roadmap_frame,
    shown_columns,
    theme_rows,
)

if TYPE_CHECKING:
    import plotly.graph_objects as go

STYLE = """
body { font-family: 'Malgun Gothic', 'Apple SD Gothic Neo', 'Noto Sans CJK KR', 'Noto Sans KR', sans-serif;
       margin: 0 auto; max-width: 1200px; padding: 0 24px 48px; color: #222; line-height: 1.45; }
h1 { margin: 16px 0 0; } .subtitle { margin: 0 0 12px; color: #555; font-size: 1.2em; }
h2 { border-bottom: 2px solid #ddd; padding-bottom: 4px; margin-top: 40px; }
.en { color: #666; font-weight: normal; font-size: 0.85em; }
.banner { padding: 12px 16px; margin: 16px 0 8px; border-radius: 4px; font-size: 1.05em; }
.banner.synthetic { background: repeating-linear-gradient(45deg, #fff3b0, #fff3b0 14px, #ffd6d6 14px, #ffd6d6 28px);
                    border: 3px solid #c00; color: #900; font-weight: bold; font-size: 1.25em; }
.banner.source { background: #eef5ee; border: 1px solid #9c9; }
dl.provenance { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; font-size: 0.9em; }
dl.provenance dt { color: #555; } dl.provenance dd { margin: 0; word-break: break-all; }
nav ul { padding-left: 18px; columns: 2; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 0.92em; }
th, td { border: 1px solid #ccc; padding: 4px 8px; vertical-align: top; }
thead th { background: #f0f3f8; text-align: center; }
td.num { text-align: right; font-variant-numeric: tabular-nums; } td.mark { text-align: center; font-weight: bold; }
td.strong { color: #1a7f37; } td.weak { color: #b42318; }
tr.focus td { background: #fff8e1; } th.col-category { background: #fafafa; text-align: left; }
.figure { margin: 8px 0 24px; } .note { color: #555; font-size: 0.9em; }
.badge { background: #ffca28; border-radius: 3px; padding: 0 6px; font-size: 0.8em; }
footer { margin-top: 48px; color: #777; font-size: 0.85em; }
"""


def render_html(inputs: ReportInputs, path: str | Path) -> Path:
    """Write the report as one self-contained HTML file.

    Args:
        inputs: What the report shows.
        path: File to write (parent folders are made).

    Returns:
        The path written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report_html(inputs), encoding="utf-8")
    return path


def report_html(inputs: ReportInputs) -> str:
    """The whole report page as text."""
    from plotly.offline import get_plotlyjs

    frame = roadmap_frame(inputs)
    header = inputs.header
    figures = _Figures()
    topic_keys = [key for key in frame["subclass_key"] if key in inputs.topics]
    sections = [
        _roadmap_section(frame),
        _languages_section(inputs),
        _section("portfolio", "포트폴리오", "Portfolio", figures.html(
            charts.portfolio_chart(frame, header.core_threshold, header.strength_threshold)),
            note=_portfolio_note(frame)),
        _section("growth", "출원 동향", "Growth", figures.html(
            charts.growth_chart(inputs.yearly_counts, frame, header.window))),
        *(_topics_section(row, inputs.topics[row["subclass_key"]], figures)
          for row in frame.filter(pl.col("subclass_key").is_in(topic_keys)).iter_rows(named=True)),
        _definitions_section(inputs),
    ]
    title_ko, title_en = header.title()
    page_title = ("[SYNTHETIC] " if header.is_synthetic else "") + f"{title_ko} | {title_en}"
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="ko">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(page_title)}</title>",
        f"<style>{STYLE}</style>",
        f'<script type="text/javascript">{get_plotlyjs()}</script>',
        "</head>",
        f'<body class="{"synthetic" if header.is_synthetic else "source"}">',
        _header_block(inputs),
        _navigation(frame, topic_keys),
        *sections,
        _footer(inputs),
        "</body>",
        "</html>",
    ])


class _Figures:
    """Turns figures into divs that share the page's one copy of plotly.js."""

    def __init__(self) -> None:
        self.count = 0

    def html(self, figure: go.Figure | None) -> str:
        if figure is None:
            return f'<p class="note">{MISSING} 자료 없음 no data</p>'
        self.count += 1
        div = figure.to_html(full_html=False, include_plotlyjs=False, div_id=f"figure-{self.count}",
                             config={"displaylogo": False, "responsive": True},
                             default_width="100%", default_height=f"{figure.layout.height or 480}px")
        return f'<div class="figure">{div}</div>'


def _header_block(inputs: ReportInputs) -> str:
    header = inputs.header
    source = escape(header.data_source)
    if header.is_synthetic:
        banner = (f'<div class="banner synthetic" role="alert">⚠ 합성 데이터 SYNTHETIC DATA — {source}'
                  f"<br>실제 특허가 아닙니다. These are not real patents.</div>")
    else:
        banner = f'<div class="banner source">데이터 출처 Data source: {source}</div>'
    title_ko, title_en = header.title()
    items = "".join(
        f"<dt>{escape(ko)} <span class=\"en\">{escape(en)}</span></dt><dd>{escape(value) or MISSING}</dd>"
        for ko, en, value in header.provenance())
    return (f'<header id="source">{banner}<h1>{escape(title_ko)}</h1>'
            f'<p class="subtitle">{escape(title_en)}</p><dl class="provenance">{items}</dl></header>')


def _navigation(frame: pl.DataFrame, topic_keys: Sequence[str]) -> str:
    links = [("roadmap", "유망기술 도출 표 Roadmap table"), ("portfolio", "포트폴리오 Portfolio"),
             ("growth", "출원 동향 Growth")]
    names = dict(frame.select("subclass_key", "name_ko").iter_rows())
    links += [(f"topics-{key}", f"주제 분석 Topics: {names[key]}") for key in topic_keys]
    links.append(("definitions", "정의 Definitions"))
    items = "".join(f'<li><a href="#{escape(anchor)}">{escape(text)}</a></li>' for anchor, text in links)
    return f"<nav><ul>{items}</ul></nav>"


def _section(anchor: str, title_ko: str, title_en: str, body: str, note: str = "") -> str:
    note_html = f'<p class="note">{note}</p>' if note else ""
    return (f'<section id="{escape(anchor)}"><h2>{escape(title_ko)} <span class="en">{escape(title_en)}'
            f"</span></h2>{note_html}{body}</section>")


def _header_cell(column: Column, css: str = "") -> str:
    return f'<th class="{css}col-{column.key}">{escape(column.ko)}<br><span class="en">{escape(column.en)}</span></th>'


def _roadmap_section(frame: pl.DataFrame) -> str:
    head = "".join(_header_cell(column) for column in ROADMAP_COLUMNS)
    spans = dict(frame.group_by("category").len().iter_rows())
    rows, previous = [], None
    for row in frame.iter_rows(named=True):
        cells = roadmap_cells(row)
        parts = []
        if row["category"] != previous:
            parts.append(f'<th class="col-category" scope="rowgroup" rowspan="{spans[row["category"]]}">'
                         f'{escape(row["category_name_ko"])}<br><span class="en">'
                         f'{escape(row["category_name_en"])}</span></th>')
        previous = row["category"]
        parts.append(f'<td class="col-subclass">{escape(row["name_ko"])}<br><span class="en">'
                     f'{escape(row["name_en"])}</span></td>')
        for column in ROADMAP_COLUMNS[2:]:
            parts.append(f'<td class="col-{column.key} {_cell_class(column.key, cells[column.key])}">'
                         f"{escape(cells[column.key])}</td>")
        focus = " focus" if row["is_focus"] else ""
        key = escape(row["subclass_key"], quote=True)
        rows.append(f'<tr id="row-{key}" class="subclass{focus}" data-subclass="{key}">{"".join(parts)}</tr>')
    table = (f'<table class="roadmap" id="roadmap-table"><thead><tr>{head}</tr></thead>'
             f'<tbody>{"".join(rows)}</tbody></table>')
    note = ("핵심분야 o: 기술중요도 > 임계값; 한국강약점 强/弱: 한국경쟁력 > 임계값 여부; 중점분야 V: 핵심이면서 强. "
            "Core o: importance above its threshold; 强/弱: Korea competitiveness above its threshold or "
            "not; focus V: core and strong. 정의는 아래 Definitions below.")
    return _section("roadmap", "유망기술 도출 표", "Roadmap table", table, note=escape(note))


def _languages_section(inputs: ReportInputs) -> str:
    table = language_table(inputs)
    if table is None:
        return ""
    note = ("유효특허 패밀리를 임베딩·핵심어 추출에 쓰인 텍스트의 언어(초록의 언어, 없으면 제목의 언어)로 센 수. "
            "Valid families by the language of the text they were embedded and tokenized from (the abstract's, "
            "else the title's). A family valid in several subclasses counts in each.")
    return _section("languages", "언어별 유효특허", "Valid families per text language", _table(*table),
                    note=escape(note))


def _cell_class(key: str, text: str) -> str:
    if key in ("core", "focus"):
        return "mark"
    if key == "korea_strength":
        return "mark " + {"强": "strong", "弱": "weak"}.get(text, "")
    return "num"


def _portfolio_note(frame: pl.DataFrame) -> str:
    unknown = frame.filter(pl.any_horizontal(
        pl.col(c).is_null() | ~pl.col(c).is_finite() for c in ("importance", "korea_competitiveness")))
    note = "점선: 임계값. Dashed lines: thresholds. 원 크기 bubble area ∝ 패밀리 수 families."
    if unknown.height:
        names = ", ".join(unknown["name_ko"])
        note += f" 값이 없어 빠진 세부기술 left out (no value): {names}."
    return escape(note)


def _topics_section(row: dict, topics: SubclassTopics, figures: _Figures) -> str:
    parts = []
    if topics.clusters is not None:
        parts.append(_subheading("군집", "Clusters") + _table(CLUSTER_TABLE, cluster_rows(topics.clusters)))
    if topics.keyword_trends is not None:
        parts.append(_subheading("핵심어 동향", "Keyword trends") + figures.html(
            charts.keyword_heatmap(topics.keyword_trends, topics.clusters)))
    if topics.emerging is not None:
        top = emerging_rows(topics.emerging)
        parts.append(_subheading("부상 핵심어", "Emerging keywords") + figures.html(charts.emerging_chart(top)))
    if topics.themes is not None:
        parts.append(_subheading("유망기술 과제 후보", "Candidate R&D task themes")
                     + _table(THEME_TABLE, theme_rows(topics.themes)))
    badge = ' <span class="badge">중점분야 V focus</span>' if row["is_focus"] else ""
    name = escape(row["name_ko"])
    body = "".join(parts) or f'<p class="note">{MISSING} 자료 없음 no data</p>'
    return (f'<section class="topics" id="topics-{escape(row["subclass_key"], quote=True)}">'
            f'<h2>주제 분석 {name} <span class="en">Topics: {escape(row["name_en"])} '
            f'({escape(row["subclass_key"])})</span>{badge}</h2>{body}</section>')


def _subheading(ko: str, en: str) -> str:
    return f'<h3>{escape(ko)} <span class="en">{escape(en)}</span></h3>'


def _table(columns: Sequence[Column], frame: pl.DataFrame) -> str:
    """A bilingual-header table; columns that are empty in every row are left out."""
    shown = shown_columns(columns, frame)
    head = "".join(_header_cell(column) for column in shown)
    body = "".join(
        "<tr>" + "".join(_value_cell(row[c.key]) for c in shown) + "</tr>"
        for row in frame.iter_rows(named=True))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _value_cell(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return f"<td>{MISSING if value is None else escape(str(value))}</td>"
    if isinstance(value, int):
        return f'<td class="num">{count(value)}</td>'
    if isinstance(value, float):
        return f'<td class="num">{decimal(value)}</td>'
    return f"<td>{escape(str(value))}</td>"


def _definitions_section(inputs: ReportInputs) -> str:
    header = inputs.header
    window = header.window
    periods = {} if window is None else {"recent_years": window.recent_years,
                                         "incomplete_years": window.incomplete_years}
    indicators = indicator_definitions(header.core_threshold, header.strength_threshold, **periods)
    note = (f'<p class="note" id="seed-share-note">{escape(SEED_SHARE_NOTE[0])}<br>'
            f"{escape(SEED_SHARE_NOTE[1])}</p>")
    body = (_definition_table(indicators) + note + _subheading("주제 분석", "Topics")
            + _definition_table(TOPIC_DEFINITIONS))
    return _section("definitions", "정의", "Definitions", body)


def _definition_table(definitions: Sequence[Definition]) -> str:
    rows = "".join(
        f'<tr id="definition-{escape(d.column)}"><th>{escape(d.name_ko)}<br><span class="en">'
        f"{escape(d.name_en)}</span></th><td>{escape(d.text_ko)}</td><td>{escape(d.text_en)}</td></tr>"
        for d in definitions)
    return ('<table class="definitions"><thead><tr><th>지표<br><span class="en">Indicator</span></th>'
            '<th>정의</th><th>Definition</th></tr></thead>' f"<tbody>{rows}</tbody></table>")


def _footer(inputs: ReportInputs) -> str:
    provenance = {en: value for _, en, value in inputs.header.provenance()}
    parts = [f"{label}: {provenance[label]}" for label in ("Data source", "Generated at", "Dagster run id")
             if provenance[label]]
    return f"<footer>{escape(' · '.join(parts))}</footer>"
