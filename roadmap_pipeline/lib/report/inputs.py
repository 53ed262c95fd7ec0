"""What the roadmap report is made of: the indicator tables, the topics per subclass and a header.

All frames are polars DataFrames as the indicators and keywords stages produce them. They are
checked when the inputs are built, so that a missing column fails here with its name rather than
half-way through writing a file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

import polars as pl

from roadmap_pipeline.lib.indicators import Window

if TYPE_CHECKING:
    from roadmap_pipeline.lib.taxonomy import Taxonomy

INDICATOR_COLUMNS = (
    "subclass_key", "category", "n_families", "application_share", "growth", "importance",
    "korea_competitiveness", "is_core", "korea_strength", "is_focus",
)
YEARLY_COLUMNS = ("subclass_key", "priority_year", "families")
NAME_SCHEMA = {
    "subclass_key": pl.String, "category": pl.String, "category_name_ko": pl.String,
    "category_name_en": pl.String, "name_ko": pl.String, "name_en": pl.String, "position": pl.Int64,
}
CLUSTER_COLUMNS = ("cluster_id", "size", "label")
TREND_COLUMNS = ("cluster_id", "window_start", "window_end", "keyword", "weight")
THEME_COLUMNS = ("cluster_id", "growth", "label", "rank")
EMERGING_COLUMNS = ("keyword", "escore")
LANGUAGE_COLUMNS = ("subclass_key", "language", "families")

_SYNTHETIC_WORD = re.compile(r"\bsynthetic\b|합성", re.IGNORECASE)


@dataclass(frozen=True)
class ReportHeader:
    """Where the report's numbers come from; shown at the top of every output.

    Attributes:
        data_source: What the patents are, e.g. "SYNTHETIC demo corpus (seed 42), not real patents".
        synthetic: Whether the data is synthetic; None: whether ``data_source`` says "synthetic"
            (or 합성).
        taxonomy_key: Key of the taxonomy file's header.
        taxonomy_name_ko: Korean name of the taxonomy (e.g. 제조 AI).
        taxonomy_name_en: English name of the taxonomy.
        taxonomy_version: Version string of the taxonomy file.
        taxonomy_file: Path of the taxonomy file.
        window: Priority years counted by the indicators; None when unknown.
        model_id: Embedding model of the topics.
        run_id: Dagster run id that produced the report.
        generated_at: When the report was made (a datetime or ISO 8601 text).
        thresholds: Named thresholds; ``core_threshold`` and ``strength_threshold`` set the
            quadrant lines and the definitions (both 0 when absent).
    """

    data_source: str
    synthetic: bool | None = None
    taxonomy_key: str = ""
    taxonomy_name_ko: str = ""
    taxonomy_name_en: str = ""
    taxonomy_version: str = ""
    taxonomy_file: str = ""
    window: Window | None = None
    model_id: str = ""
    run_id: str = ""
    generated_at: datetime | str = ""
    thresholds: Mapping[str, float] = field(default_factory=dict)

    @property
    def is_synthetic(self) -> bool:
        if self.synthetic is not None:
            return self.synthetic
        return _SYNTHETIC_WORD.search(self.data_source) is not None

    @property
    def core_threshold(self) -> float:
        return float(self.thresholds.get("core_threshold", 0.0))

    @property
    def strength_threshold(self) -> float:
        return float(self.thresholds.get("strength_threshold", 0.0))

    def title(self) -> tuple[str, str]:
        """Korean and English report titles."""
        name_ko = self.taxonomy_name_ko or self.taxonomy_key
        name_en = self.taxonomy_name_en or self.taxonomy_key
        return ("유망기술 로드맵" + (f" — {name_ko}" if name_ko else ""),
                "Technology roadmap" + (f" — {name_en}" if name_en else ""))

    def window_text(self) -> str:
        """The window, its recent period R and its incomplete years, in words."""
        window = self.window
        if window is None:
            return ""
        text = (f"{window.first_year}–{window.last_year}; R = {window.recent_first_year}–"
                f"{window.recent_last_year}; B = {window.first_year}–{window.recent_first_year - 1}")
        if window.incomplete_years:
            first_incomplete = window.last_year - window.incomplete_years + 1
            text += f"; 미완결 incomplete = {first_incomplete}–{window.last_year}"
        return text

    def provenance(self) -> list[tuple[str, str, str]]:
        """(Korean label, English label, value) rows: the source block of every output."""
        taxonomy = " / ".join(v for v in (self.taxonomy_name_ko, self.taxonomy_name_en) if v)
        if self.taxonomy_key:
            taxonomy += f" ({self.taxonomy_key})"
        generated = self.generated_at
        if isinstance(generated, datetime):
            generated = generated.isoformat(timespec="seconds")
        thresholds = ", ".join(f"{name} = {value:g}" if isinstance(value, (int, float)) else f"{name} = {value}"
                               for name, value in self.thresholds.items())
        return [
            ("데이터 출처", "Data source", self.data_source),
            ("합성 데이터", "Synthetic data", "예 yes" if self.is_synthetic else "아니오 no"),
            ("기술분류체계", "Taxonomy", taxonomy.strip()),
            ("버전", "Version", self.taxonomy_version),
            ("분류체계 파일", "Taxonomy file", self.taxonomy_file),
            ("분석 기간 (우선권 연도)", "Window (priority years)", self.window_text()),
            ("임베딩 모델", "Embedding model", self.model_id),
            ("Dagster 실행 ID", "Dagster run id", self.run_id),
            ("생성 시각", "Generated at", str(generated)),
            ("임계값", "Thresholds", thresholds),
        ]


@dataclass(frozen=True)
class SubclassTopics:
    """Topics of one subclass (seed step 4); any frame may be missing.

    Attributes:
        clusters: ``cluster_id, size, label`` and optionally ``keywords`` (list of str or str)
            and ``share_recent``.
        keyword_trends: ``cluster_id, window_start, window_end, keyword, weight`` and optionally
            ``emergence``.
        themes: ``cluster_id, growth, label, rank`` and optionally ``n_recent, n_before,
            top_emerging`` (list of str or str).
        emerging: ``keyword`` (or ``term``), ``escore`` and optionally ``eligible``, ``cluster_id``.
    """

    clusters: pl.DataFrame | None = None
    keyword_trends: pl.DataFrame | None = None
    themes: pl.DataFrame | None = None
    emerging: pl.DataFrame | None = None

    def __post_init__(self) -> None:
        if self.emerging is not None and "keyword" not in self.emerging.columns \
                and "term" in self.emerging.columns:
            object.__setattr__(self, "emerging", self.emerging.rename({"term": "keyword"}))
        for name, columns in (("clusters", CLUSTER_COLUMNS), ("keyword_trends", TREND_COLUMNS),
                              ("themes", THEME_COLUMNS), ("emerging", EMERGING_COLUMNS)):
            _require(getattr(self, name), columns, name)


@dataclass(frozen=True)
class ReportInputs:
    """Everything the report shows.

    Attributes:
        indicators: One row per subclass as ``compute_indicators`` makes it (at least
            ``INDICATOR_COLUMNS``; the other columns go to the exports and the workbook).
        yearly_counts: One row per (subclass, priority year): ``subclass_key, priority_year,
            families`` and optionally ``period`` ('base', 'recent', 'incomplete').
        header: Data source, taxonomy, window, model, run and thresholds.
        subclasses: Names and display order (``NAME_SCHEMA``; see :func:`subclass_names`); None:
            keys stand for names, in the order of ``indicators``.
        topics: Topics per subclass key, for the focus subclasses or any other.
        languages: Valid families per subclass and text language, ``LANGUAGE_COLUMNS`` (as
            ``valid_families_per_language`` reads them); None: not shown.
    """

    indicators: pl.DataFrame
    yearly_counts: pl.DataFrame
    header: ReportHeader
    subclasses: pl.DataFrame | None = None
    topics: Mapping[str, SubclassTopics] = field(default_factory=dict)
    languages: pl.DataFrame | None = None

    def __post_init__(self) -> None:
        _require(self.indicators, INDICATOR_COLUMNS, "indicators")
        _require(self.languages, LANGUAGE_COLUMNS, "languages")
        _require(self.yearly_counts, YEARLY_COLUMNS, "yearly_counts")
        _require(self.subclasses, ("subclass_key",), "subclasses")
        unknown = sorted(set(self.topics) - set(self.indicators["subclass_key"].to_list()))
        if unknown:
            raise ValueError(f"topics given for subclasses without indicators: {unknown}")


def subclass_names(taxonomy: Taxonomy) -> pl.DataFrame:
    """Names and display order of a taxonomy's subclasses (``NAME_SCHEMA``), in file order."""
    rows = [
        (sub.key, category.key, category.name_ko, category.name_en, sub.name_ko, sub.name_en, position)
        for position, (category, sub) in enumerate(
            (category, sub) for category in taxonomy.categories for sub in category.subclasses)
    ]
    return pl.DataFrame(rows, schema=NAME_SCHEMA, orient="row")


def _require(frame: pl.DataFrame | None, columns: tuple[str, ...], name: str) -> None:
    if frame is None:
        return
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name}: missing columns: {', '.join(missing)}")
