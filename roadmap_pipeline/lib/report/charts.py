"""Plotly figures of the roadmap report: portfolio bubbles, growth lines, keyword trends, emergence.

Every text that comes from data (names, labels, keywords) is HTML-escaped before it reaches a
figure: plotly renders its strings as a subset of HTML, and it shows the escaped entities as the
original characters.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

import polars as pl

from roadmap_pipeline.lib.indicators import Window

if TYPE_CHECKING:
    import plotly.graph_objects as go

# System fonts only: the report must render offline, without web fonts.
FONT_FAMILY = "'Malgun Gothic', 'Apple SD Gothic Neo', 'Noto Sans CJK KR', 'Noto Sans KR', sans-serif"
CATEGORY_PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                    "#7f7f7f", "#bcbd22", "#17becf")
INCOMPLETE_FILL = "rgba(120, 120, 120, 0.15)"
RECENT_FILL = "rgba(44, 160, 44, 0.08)"


def category_colors(frame: pl.DataFrame) -> dict[str, str]:
    """A colour per category of a roadmap frame, in display order."""
    categories = frame["category"].unique(maintain_order=True).to_list()
    return {c: CATEGORY_PALETTE[i % len(CATEGORY_PALETTE)] for i, c in enumerate(categories)}


def portfolio_chart(frame: pl.DataFrame, core_threshold: float = 0.0,
                    strength_threshold: float = 0.0) -> go.Figure:
    """Importance × Korea competitiveness, bubble area ∝ families, one colour per category.

    Args:
        frame: Rows of :func:`~roadmap_pipeline.lib.report.tables.roadmap_frame`; subclasses with
            an unknown importance or competitiveness are left out.
        core_threshold: Importance above which a subclass is core (vertical line).
        strength_threshold: Competitiveness above which Korea is strong (horizontal line).
    """
    import plotly.graph_objects as go

    colors = category_colors(frame)
    known = frame.filter(pl.all_horizontal(
        pl.col(c).is_not_null() & pl.col(c).is_finite() for c in ("importance", "korea_competitiveness")))
    largest = max(known["n_families"].max() or 1, 1)
    figure = go.Figure()
    for category, rows in known.group_by("category", maintain_order=True):
        first = rows.row(0, named=True)
        figure.add_trace(go.Scatter(
            x=rows["importance"].to_list(), y=rows["korea_competitiveness"].to_list(),
            mode="markers+text", textposition="top center",
            text=[escape(name) for name in rows["name_ko"]],
            name=escape(f"{first['category_name_ko']} {first['category_name_en']}"),
            customdata=[[escape(r["name_en"]), escape(r["subclass_key"]), r["n_families"]]
                        for r in rows.iter_rows(named=True)],
            hovertemplate=("<b>%{text}</b> %{customdata[0]}<br>%{customdata[1]}<br>"
                           "기술중요도 importance %{x:.2f}<br>한국경쟁력 competitiveness %{y:.2f}<br>"
                           "패밀리 families %{customdata[2]:,}<extra></extra>"),
            marker={"size": rows["n_families"].to_list(), "sizemode": "area", "sizemin": 6,
                    "sizeref": 2.0 * largest / 60 ** 2, "color": colors[category[0]],
                    "line": {"width": 1, "color": "white"}, "opacity": 0.8},
        ))
    figure.add_vline(x=core_threshold, line={"dash": "dash", "color": "#555"})
    figure.add_hline(y=strength_threshold, line={"dash": "dash", "color": "#555"})
    for x, y, anchor, text in ((1, 1, "right", "핵심·强 → 중점분야 core & strong → focus"),
                               (0, 1, "left", "强 strong"), (1, 0, "right", "핵심·弱 core & weak"),
                               (0, 0, "left", "弱 weak")):
        figure.add_annotation(x=x, y=y, xref="x domain", yref="y domain", text=text, showarrow=False,
                              xanchor=anchor, yanchor="top" if y else "bottom", font={"color": "#777"})
    _layout(figure, "포트폴리오 Portfolio: 기술중요도 × 한국경쟁력 (importance × Korea competitiveness)")
    figure.update_layout(height=560, legend_title_text="기술분류 Category")
    figure.update_xaxes(title_text="기술중요도 Importance (mean z-score)")
    figure.update_yaxes(title_text="한국경쟁력 Korea competitiveness", range=[-1.1, 1.1])
    return figure


def growth_chart(yearly: pl.DataFrame, frame: pl.DataFrame, window: Window | None) -> go.Figure:
    """Families per priority year, one line per subclass; incomplete years dashed and shaded.

    Args:
        yearly: ``subclass_key, priority_year, families`` and optionally ``period``.
        frame: Roadmap rows, for the names and the order of the lines.
        window: The indicators' window: shades R and the incomplete years; None shades nothing.
    """
    import plotly.graph_objects as go
    from plotly.colors import qualitative

    palette = qualitative.Dark24
    incomplete = _incomplete(yearly, window)
    figure = go.Figure()
    for index, row in enumerate(frame.iter_rows(named=True)):
        series = yearly.filter(pl.col("subclass_key") == row["subclass_key"]).sort("priority_year")
        if series.is_empty():
            continue
        name = escape(f"{row['name_ko']} {row['name_en']}" if row["name_en"] != row["name_ko"] else row["name_ko"])
        style = {"color": palette[index % len(palette)], "width": 2}
        complete = series.filter(~incomplete)
        tail = series.filter(pl.col("priority_year") >= (complete["priority_year"].max() or 0))
        common = {"name": name, "legendgroup": row["subclass_key"], "mode": "lines+markers",
                  "hovertemplate": f"{name}<br>%{{x}}: %{{y:,}}<extra></extra>"}
        figure.add_trace(go.Scatter(x=complete["priority_year"].to_list(), y=complete["families"].to_list(),
                                    line=style, **common))
        if tail.height > 1 or complete.is_empty():
            figure.add_trace(go.Scatter(x=tail["priority_year"].to_list(), y=tail["families"].to_list(),
                                        line={**style, "dash": "dash"}, showlegend=complete.is_empty(),
                                        **common))
    if window is not None:
        figure.add_vrect(x0=window.recent_first_year - 0.5, x1=window.recent_last_year + 0.5,
                         fillcolor=RECENT_FILL, line_width=0, annotation_text="최근 R recent",
                         annotation_position="top left")
        if window.incomplete_years:
            figure.add_vrect(x0=window.recent_last_year + 0.5, x1=window.last_year + 0.5,
                             fillcolor=INCOMPLETE_FILL, line_width=0,
                             annotation_text="미완결 incomplete", annotation_position="top right")
    _layout(figure, "출원 동향 Families per priority year (점선: 미완결 연도 dashed: incomplete years)")
    figure.update_layout(height=480, hovermode="closest")
    figure.update_xaxes(title_text="우선권 연도 Priority year", dtick=1 if _span(yearly) <= 25 else None)
    figure.update_yaxes(title_text="패밀리 수 Families", rangemode="tozero")
    return figure


def keyword_heatmap(trends: pl.DataFrame, clusters: pl.DataFrame | None = None,
                    keywords_per_cluster: int = 5) -> go.Figure | None:
    """Keyword weight per time window: rows ``cluster · keyword``, columns windows.

    Args:
        trends: ``cluster_id, window_start, window_end, keyword, weight``.
        clusters: Optional ``cluster_id, size``: clusters are shown largest first, else by id.
        keywords_per_cluster: Keywords per cluster, those of highest total weight.

    Returns:
        The figure, or None when there are no trends.
    """
    import plotly.graph_objects as go

    if trends.is_empty():
        return None
    top = (trends.group_by("cluster_id", "keyword").agg(pl.col("weight").sum().alias("total"))
           .sort(["cluster_id", "total", "keyword"], descending=[False, True, False])
           .group_by("cluster_id", maintain_order=True).head(keywords_per_cluster))
    if clusters is not None:
        top = top.join(clusters.select("cluster_id", "size"), on="cluster_id", how="left")
    else:
        top = top.with_columns(pl.lit(None, dtype=pl.Int64).alias("size"))
    top = top.sort(["size", "cluster_id", "total", "keyword"], descending=[True, False, True, False],
                   nulls_last=True)
    windows = trends.select("window_start", "window_end").unique().sort("window_start", "window_end")
    window_keys = list(windows.iter_rows())
    weights = {(c, k, s, e): w for c, k, s, e, w in trends.select(
        "cluster_id", "keyword", "window_start", "window_end", "weight").iter_rows()}
    rows = list(top.select("cluster_id", "keyword").iter_rows())
    z = [[weights.get((c, k, s, e)) for s, e in window_keys] for c, k in rows]
    figure = go.Figure(go.Heatmap(
        z=z, x=[str(s) if s == e else f"{s}–{e}" for s, e in window_keys],
        y=[escape(f"{c} · {k}") for c, k in rows], colorscale="Blues", xgap=1, ygap=1,
        colorbar={"title": {"text": "가중치<br>weight"}},
        hovertemplate="%{y}<br>%{x}: %{z:.4f}<extra></extra>",
    ))
    _layout(figure, "핵심어 동향 Keyword trends (c-TF-IDF weight per window)")
    figure.update_layout(height=160 + 20 * len(rows))
    figure.update_xaxes(type="category", title_text="시구간 Window")
    figure.update_yaxes(autorange="reversed", title_text="군집 · 핵심어 Cluster · keyword")
    return figure


def emerging_chart(rows: pl.DataFrame) -> go.Figure | None:
    """Horizontal bars of EScore, highest on top, from ``emerging_rows`` output; None when empty."""
    import plotly.graph_objects as go

    if rows.is_empty():
        return None
    labels = [escape(k if c is None else f"{k} ({c})") for k, c in rows.select("keyword", "cluster_id").iter_rows()]
    figure = go.Figure(go.Bar(
        x=rows["escore"].to_list(), y=labels, orientation="h", marker={"color": "#d62728"},
        hovertemplate="%{y}: EScore %{x:.2f}<extra></extra>",
    ))
    _layout(figure, "부상 핵심어 Emerging keywords (EScore)")
    figure.update_layout(height=160 + 22 * rows.height, showlegend=False)
    figure.update_xaxes(title_text="EScore")
    figure.update_yaxes(autorange="reversed", type="category")
    return figure


def _incomplete(yearly: pl.DataFrame, window: Window | None) -> pl.Expr:
    """Whether a yearly row lies in the incomplete years (its period, else the window)."""
    if "period" in yearly.columns:
        return (pl.col("period") == "incomplete").fill_null(False)
    if window is None:
        return pl.lit(False)
    return pl.col("priority_year") > window.recent_last_year


def _span(yearly: pl.DataFrame) -> int:
    if yearly.is_empty():
        return 0
    return int(yearly["priority_year"].max() - yearly["priority_year"].min())


def _layout(figure: go.Figure, title: str) -> None:
    figure.update_layout(template="plotly_white", title={"text": title, "x": 0.01},
                         font={"family": FONT_FAMILY, "size": 12}, margin={"l": 60, "r": 20, "t": 60, "b": 50})
