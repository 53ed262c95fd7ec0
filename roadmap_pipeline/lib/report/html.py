"""The roadmap report as one self-contained HTML page that opens offline.

plotly.js is embedded once in the page head and every figure only calls it, so the file needs no
network: no CDN, no web fonts, no external style sheets. The page is laid out by the Jinja2 templates
shipped in ``templates/`` (package data, so that an installed package finds them); this module turns
the inputs into the rows and cells they print. Autoescaping escapes all text from data.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
import polars as pl
from markupsafe import Markup

from roadmap_pipeline.lib.report import charts
from roadmap_pipeline.lib.report.definitions import SEED_SHARE_NOTE, TOPIC_DEFINITIONS, indicator_definitions
from roadmap_pipeline.lib.report.inputs import ReportInputs, SubclassTopics
from roadmap_pipeline.lib.report.tables import (
    CLUSTER_TABLE,
    MISSING,
    ROADMAP_COLUMNS,
    THEME_TABLE,
    Column,
    cluster_rows,
    count,
    decimal,
    emerging_rows,
    language_table,
    roadmap_cells,
    roadmap_frame,
    shown_columns,
    theme_rows,
)

if TYPE_CHECKING:
    import plotly.graph_objects as go

_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("roadmap_pipeline.lib.report", "templates"),
    autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    undefined=jinja2.StrictUndefined,
)
_TEMPLATES.globals["missing"] = MISSING


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
    figures = _Figures()  # numbered in page order: portfolio, growth, then each topic section's
    topic_keys = [key for key in frame["subclass_key"] if key in inputs.topics]
    portfolio = figures.html(charts.portfolio_chart(frame, header.core_threshold, header.strength_threshold))
    growth = figures.html(charts.growth_chart(inputs.yearly_counts, frame, header.window))
    topics = [_topics(row, inputs.topics[row["subclass_key"]], figures)
              for row in frame.filter(pl.col("subclass_key").is_in(topic_keys)).iter_rows(named=True)]
    window = header.window
    periods = {} if window is None else {"recent_years": window.recent_years,
                                         "incomplete_years": window.incomplete_years}
    title_ko, title_en = header.title()
    languages = language_table(inputs)
    return _TEMPLATES.get_template("report.html.j2").render(
        header=header, title_ko=title_ko, title_en=title_en,
        page_title=("[SYNTHETIC] " if header.is_synthetic else "") + f"{title_ko} | {title_en}",
        plotly_js=Markup(get_plotlyjs()),
        navigation=_navigation(frame, topic_keys),
        roadmap_columns=ROADMAP_COLUMNS, roadmap_rows=_roadmap_rows(frame),
        languages=languages and _table(*languages),
        portfolio=portfolio, portfolio_note=_portfolio_note(frame), growth=growth, topics=topics,
        indicator_definitions=indicator_definitions(header.core_threshold, header.strength_threshold, **periods),
        seed_share_note=SEED_SHARE_NOTE, topic_definitions=TOPIC_DEFINITIONS,
        footer=_footer(inputs),
    )


class _Figures:
    """Turns figures into divs that share the page's one copy of plotly.js."""

    def __init__(self) -> None:
        self.count = 0

    def html(self, figure: go.Figure | None) -> Markup | None:
        if figure is None:
            return None
        self.count += 1
        div = figure.to_html(full_html=False, include_plotlyjs=False, div_id=f"figure-{self.count}",
                             config={"displaylogo": False, "responsive": True},
                             default_width="100%", default_height=f"{figure.layout.height or 480}px")
        return Markup(div)


def _navigation(frame: pl.DataFrame, topic_keys: Sequence[str]) -> list[tuple[str, str]]:
    links = [("roadmap", "유망기술 도출 표 Roadmap table"), ("portfolio", "포트폴리오 Portfolio"),
             ("growth", "출원 동향 Growth")]
    names = dict(frame.select("subclass_key", "name_ko").iter_rows())
    links += [(f"topics-{key}", f"주제 분석 Topics: {names[key]}") for key in topic_keys]
    links.append(("definitions", "정의 Definitions"))
    return links


def _roadmap_rows(frame: pl.DataFrame) -> list[dict]:
    """The roadmap table's rows; a category's name spans its rows, on the first of them."""
    spans = dict(frame.group_by("category").len().iter_rows())
    rows, previous = [], None
    for row in frame.iter_rows(named=True):
        cells = roadmap_cells(row)
        first = row["category"] != previous
        previous = row["category"]
        rows.append({
            "key": row["subclass_key"], "focus": row["is_focus"],
            "category_span": spans[row["category"]] if first else None,
            "category_ko": row["category_name_ko"], "category_en": row["category_name_en"],
            "name_ko": row["name_ko"], "name_en": row["name_en"],
            "cells": [(c.key, _cell_class(c.key, cells[c.key]), cells[c.key]) for c in ROADMAP_COLUMNS[2:]],
        })
    return rows


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
    return note


def _topics(row: dict, topics: SubclassTopics, figures: _Figures) -> dict:
    """One topic section: its parts (kind, then a table or a figure) in page order."""
    parts = []
    if topics.clusters is not None:
        parts.append({"kind": "clusters", "table": _table(CLUSTER_TABLE, cluster_rows(topics.clusters))})
    if topics.keyword_trends is not None:
        parts.append({"kind": "trends", "figure": figures.html(
            charts.keyword_heatmap(topics.keyword_trends, topics.clusters))})
    if topics.emerging is not None:
        parts.append({"kind": "emerging", "figure": figures.html(charts.emerging_chart(emerging_rows(topics.emerging)))})
    if topics.themes is not None:
        parts.append({"kind": "themes", "table": _table(THEME_TABLE, theme_rows(topics.themes))})
    return {"key": row["subclass_key"], "name_ko": row["name_ko"], "name_en": row["name_en"],
            "focus": row["is_focus"], "parts": parts}


def _table(columns: Sequence[Column], frame: pl.DataFrame) -> dict:
    """A bilingual-header table's columns and (CSS class, text) cells; columns empty in every row are left out."""
    shown = shown_columns(columns, frame)
    return {"columns": shown,
            "rows": [[_value_cell(row[c.key]) for c in shown] for row in frame.iter_rows(named=True)]}


def _value_cell(value: object) -> tuple[str, str]:
    if isinstance(value, bool) or value is None:
        return "", MISSING if value is None else str(value)
    if isinstance(value, int):
        return "num", count(value)
    if isinstance(value, float):
        return "num", decimal(value)
    return "", str(value)


def _footer(inputs: ReportInputs) -> str:
    provenance = {en: value for _, en, value in inputs.header.provenance()}
    return " · ".join(f"{label}: {provenance[label]}" for label in ("Data source", "Generated at", "Dagster run id")
                      if provenance[label])
