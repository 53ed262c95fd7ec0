"""Roadmap indicators per taxonomy subclass (seed step 3): share, growth, importance, competitiveness.

The input holds one row per (subclass, family) fact: a valid family of the subclass with its earliest
priority year, first-filing country, forward citations and family size (offices among the five). The
counting unit is the simple family; its nationality is its first-filing country. Only families whose
priority year lies inside the window are counted; rows with no priority year are never inside it.

Choices the design leaves open, made here (DESIGN.md, "Indicators"):

* Window: ``last_year`` defaults to the data's last priority year and ``first_year`` to the
  ``window_years`` (20) years up to it. The last ``incomplete_years`` (2) years count everywhere but in
  growth; R is the ``recent_years`` (3) complete years before them, B every earlier year of the window.
* ``application_share``: families of the subclass over the *distinct* families of its category. A
  family valid in two subclasses counts in both numerators but once in the category, so a category's
  shares sum to 1 plus its overlap (≈1 when subclasses seldom overlap).
* Taxonomy totals (N, N^R, N^B, KR families, mean citations, mean family size) count distinct families.
* Citation means ignore null counts. Citations are *available* when some family in the window has a
  count and their mean is positive; otherwise (all null, or all zero as a warehouse without citation
  data stores them) PII and PII_KR are left out everywhere.
* z-scores use the population standard deviation: the subclasses are the whole taxonomy, not a sample
  of it. A standard deviation of (numerically) zero gives z = 0 for every subclass.
* Korea competitiveness averages the components that are defined. RTA is 0, so RSCA is −1, when the
  subclass (or the whole taxonomy) has no home-country family. PII_KR and PFS_KR are undefined, and
  left out, without home-country families or when the subclass's own mean is zero or unknown.
* A subclass with no family in the window (known from facts outside it, or listed in ``subclasses``)
  keeps its row: counts 0, application_share 0, every ratio and indicator null, no marks; it is left
  out of the z-score populations.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

STRONG = "强"
WEAK = "弱"

FACT_SCHEMA = {
    "subclass_key": pl.String, "category": pl.String, "family_id": pl.String, "priority_year": pl.Int64,
    "first_filing_country": pl.String, "forward_citations": pl.Int64, "family_size": pl.Int64,
}
_FAMILY_ATTRIBUTES = ["priority_year", "first_filing_country", "forward_citations", "family_size"]

SUBCLASS_SCHEMA = {
    # indicators.subclass_indicators, the data contract's columns
    "subclass_key": pl.String, "category": pl.String, "n_families": pl.Int64,
    "application_share": pl.Float64, "korea_share": pl.Float64, "growth": pl.Float64,
    "importance": pl.Float64, "korea_competitiveness": pl.Float64, "is_core": pl.Boolean,
    "korea_strength": pl.String, "is_focus": pl.Boolean,
    # components, so that every figure can be traced
    "category_families": pl.Int64, "n_recent": pl.Int64, "n_base": pl.Int64, "kr_families": pl.Int64,
    "mean_citations": pl.Float64, "mean_family_size": pl.Float64, "log_n": pl.Float64,
    "pii": pl.Float64, "pfs": pl.Float64,
    "z_log_n": pl.Float64, "z_growth": pl.Float64, "z_pii": pl.Float64, "z_pfs": pl.Float64,
    "rta_kr": pl.Float64, "rsca_kr": pl.Float64, "pii_kr": pl.Float64, "pii_kr_symmetric": pl.Float64,
    "pfs_kr": pl.Float64, "pfs_kr_symmetric": pl.Float64, "citations_available": pl.Boolean,
    "window_first_year": pl.Int64, "window_last_year": pl.Int64,
    "recent_first_year": pl.Int64, "recent_last_year": pl.Int64,
}
YEARLY_SCHEMA = {
    "subclass_key": pl.String, "category": pl.String, "priority_year": pl.Int64,
    "families": pl.Int64, "kr_families": pl.Int64, "period": pl.String,
}


@dataclass(frozen=True)
class IndicatorSettings:
    """Window and thresholds of the indicators.

    Attributes:
        first_year: First priority year counted; None: ``window_years`` years up to ``last_year``.
        last_year: Last priority year counted; None: the data's last priority year.
        window_years: Length of the default window.
        incomplete_years: Last years of the window left out of growth (18-month publication lag).
        recent_years: Complete years forming the recent period R.
        home_country: First-filing country whose competitiveness is measured.
        core_threshold: Importance above which a subclass is core (핵심분야).
        strength_threshold: Competitiveness above which the home country is strong (强).
    """

    first_year: int | None = None
    last_year: int | None = None
    window_years: int = 20
    incomplete_years: int = 2
    recent_years: int = 3
    home_country: str = "KR"
    core_threshold: float = 0.0
    strength_threshold: float = 0.0


@dataclass(frozen=True)
class Window:
    """Priority years counted, split into base (B), recent (R) and incomplete years."""

    first_year: int
    last_year: int
    incomplete_years: int
    recent_years: int

    @property
    def recent_last_year(self) -> int:
        return self.last_year - self.incomplete_years

    @property
    def recent_first_year(self) -> int:
        return self.recent_last_year - self.recent_years + 1

    def period(self, year: int) -> str:
        """'base', 'recent' or 'incomplete' for a year inside the window."""
        if year < self.recent_first_year:
            return "base"
        return "recent" if year <= self.recent_last_year else "incomplete"


@dataclass(frozen=True)
class Marks:
    """The seed table's three marks of one subclass."""

    is_core: bool
    korea_strength: str | None
    is_focus: bool

    def symbols(self) -> tuple[str, str, str]:
        """Marks as the seed prints them: ('o' or '', '强'/'弱' or '', 'V' or '')."""
        return ("o" if self.is_core else "", self.korea_strength or "", "V" if self.is_focus else "")


@dataclass(frozen=True)
class IndicatorTables:
    """Indicators of every subclass and the yearly counts behind the growth lines.

    Attributes:
        subclasses: One row per subclass (``SUBCLASS_SCHEMA``).
        yearly_counts: One row per (subclass, priority year of the window), zeros included
            (``YEARLY_SCHEMA``); ``period`` tells base, recent and incomplete years apart.
        window: The window counted; None when there are no priority years and none was set.
    """

    subclasses: pl.DataFrame
    yearly_counts: pl.DataFrame
    window: Window | None


def resolve_window(settings: IndicatorSettings, data_last_year: int | None) -> Window | None:
    """The window of ``settings``, defaults filled from the data's last priority year.

    Raises:
        ValueError: If the window leaves no base year before R and the incomplete years.
    """
    last = settings.last_year if settings.last_year is not None else data_last_year
    if last is None:
        return None
    first = settings.first_year if settings.first_year is not None else last - settings.window_years + 1
    if settings.incomplete_years < 0 or settings.recent_years < 1:
        raise ValueError("incomplete_years must be >= 0 and recent_years >= 1")
    window = Window(first, last, settings.incomplete_years, settings.recent_years)
    if window.recent_first_year <= first:
        raise ValueError(
            f"window {first}..{last} leaves no base year before the {settings.recent_years} recent "
            f"and {settings.incomplete_years} incomplete years"
        )
    return window


def mark(importance: float | None, competitiveness: float | None,
         settings: IndicatorSettings = IndicatorSettings()) -> Marks:
    """핵심분야, 한국강약점 and 중점분야 of one subclass.

    Core when importance > ``core_threshold``; strong (强) when competitiveness >
    ``strength_threshold``, else weak (弱); focus when core and strong. An unknown importance is not
    core; an unknown competitiveness gives no strength mark.
    """
    is_core = _known(importance) and importance > settings.core_threshold
    strength = None
    if _known(competitiveness):
        strength = STRONG if competitiveness > settings.strength_threshold else WEAK
    return Marks(is_core, strength, is_core and strength == STRONG)


def relative_growth(n_recent: int, n_base: int, total_recent: int, total_base: int) -> float:
    """g = ln[((n_R + ½)/(n_B + ½)) / ((N_R + ½)/(N_B + ½))]; the ½ keeps empty periods finite."""
    return math.log(((n_recent + 0.5) / (n_base + 0.5)) / ((total_recent + 0.5) / (total_base + 0.5)))


def symmetric_index(ratio: float | None) -> float | None:
    """(x − 1)/(x + 1): maps a ratio in [0, ∞) with 1 as neutral onto [−1, 1)."""
    return None if ratio is None else (ratio - 1.0) / (ratio + 1.0)


def z_scores(values: Sequence[float | None]) -> list[float | None]:
    """Population z-scores of the known values; None stays None, a zero spread gives 0."""
    known = [v for v in values if v is not None]
    if not known:
        return [None] * len(values)
    mean = math.fsum(known) / len(known)
    std = math.sqrt(math.fsum((v - mean) ** 2 for v in known) / len(known))
    # equal values can leave a rounding-sized spread, which must not become z = ±1
    if std <= 1e-12 * max(1.0, max(abs(v) for v in known)):
        return [None if v is None else 0.0 for v in values]
    return [None if v is None else (v - mean) / std for v in values]


def compute_indicators(facts: pl.DataFrame, settings: IndicatorSettings = IndicatorSettings(),
                       subclasses: pl.DataFrame | None = None) -> IndicatorTables:
    """Indicators of every subclass from its (subclass, family) facts.

    Args:
        facts: One row per family per subclass it is valid in, with the columns of ``FACT_SCHEMA``.
            Repeated (subclass, family) rows count once.
        settings: Window and thresholds.
        subclasses: Optional (subclass_key, category) rows: the taxonomy's subclasses, in report
            order; each gets a row even without facts. Subclasses only in ``facts`` follow, sorted.

    Returns:
        The subclass indicators, the yearly counts and the window.

    Raises:
        ValueError: On missing columns, a subclass in two categories, a family whose attributes
            differ between rows, or a window without base years.
    """
    facts = _checked_facts(facts)
    keys = _subclass_keys(facts, subclasses)
    window = resolve_window(settings, facts["priority_year"].max())
    home = (pl.col("first_filing_country") == settings.home_country).fill_null(False)
    if window is None:
        counted = facts.clear().with_columns(period=pl.lit(None, pl.String))
    else:
        counted = facts.filter(pl.col("priority_year").is_between(window.first_year, window.last_year))
        counted = counted.with_columns(period=_period(window))
    totals = _taxonomy_totals(counted.unique(subset=["family_id"], keep="first"), home)
    per_category = dict(counted.group_by("category").agg(pl.col("family_id").n_unique()).iter_rows())
    aggregates = {row["subclass_key"]: row
                  for row in _subclass_aggregates(counted, home).iter_rows(named=True)}
    rows = [
        _subclass_row(key, category, aggregates.get(key), per_category.get(category, 0), totals)
        for key, category in keys.iter_rows()
    ]
    _add_importance(rows, totals["citations_available"])
    for row in rows:
        marks = mark(row["importance"], row["korea_competitiveness"], settings)
        row.update(is_core=marks.is_core, korea_strength=marks.korea_strength, is_focus=marks.is_focus)
        if window is not None:
            row.update(window_first_year=window.first_year, window_last_year=window.last_year,
                       recent_first_year=window.recent_first_year, recent_last_year=window.recent_last_year)
    table = pl.DataFrame(rows, schema=SUBCLASS_SCHEMA)
    return IndicatorTables(table, _yearly_counts(counted, keys, window, home), window)


def _period(window: Window) -> pl.Expr:
    """Window.period as an expression on priority_year."""
    year = pl.col("priority_year")
    return (pl.when(year < window.recent_first_year).then(pl.lit("base"))
            .when(year <= window.recent_last_year).then(pl.lit("recent"))
            .otherwise(pl.lit("incomplete")))


def _known(value: float | None) -> bool:
    return value is not None and not math.isnan(value)


def _checked_facts(facts: pl.DataFrame) -> pl.DataFrame:
    missing = [c for c in FACT_SCHEMA if c not in facts.columns]
    if missing:
        raise ValueError(f"facts lack columns: {', '.join(missing)}")
    facts = facts.select([pl.col(c).cast(t) for c, t in FACT_SCHEMA.items()])
    facts = facts.unique(subset=["subclass_key", "family_id"], keep="first", maintain_order=True)
    two_categories = facts.group_by("subclass_key").agg(pl.col("category").n_unique()).filter(
        pl.col("category") > 1)
    if two_categories.height:
        raise ValueError(f"subclasses in two categories: {sorted(two_categories['subclass_key'])}")
    varying = facts.group_by("family_id").agg(
        [pl.col(c).n_unique() for c in _FAMILY_ATTRIBUTES]
    ).filter(pl.any_horizontal([pl.col(c) > 1 for c in _FAMILY_ATTRIBUTES]))
    if varying.height:
        raise ValueError(f"families with differing attributes: {sorted(varying['family_id'])[:10]}")
    return facts


def _subclass_keys(facts: pl.DataFrame, subclasses: pl.DataFrame | None) -> pl.DataFrame:
    """(subclass_key, category) in output order: listed subclasses first, then the rest sorted."""
    from_facts = facts.select("subclass_key", "category").unique().sort("category", "subclass_key")
    if subclasses is None:
        return from_facts
    listed = subclasses.select(pl.col("subclass_key").cast(pl.String), pl.col("category").cast(pl.String))
    listed = listed.unique(subset=["subclass_key"], keep="first", maintain_order=True)
    conflicts = from_facts.join(listed, on="subclass_key").filter(
        pl.col("category") != pl.col("category_right"))
    if conflicts.height:
        raise ValueError(
            f"subclasses whose facts name another category: {sorted(conflicts['subclass_key'])}")
    return pl.concat([listed, from_facts.join(listed, on="subclass_key", how="anti")])


def _taxonomy_totals(families: pl.DataFrame, home: pl.Expr) -> dict:
    totals = families.select(
        n=pl.len(), kr=home.sum(),
        n_recent=(pl.col("period") == "recent").sum(), n_base=(pl.col("period") == "base").sum(),
        mean_citations=pl.col("forward_citations").mean(), mean_family_size=pl.col("family_size").mean(),
    ).row(0, named=True)
    totals["citations_available"] = bool(totals["mean_citations"])  # None or 0.0: no citation data
    return totals


def _subclass_aggregates(counted: pl.DataFrame, home: pl.Expr) -> pl.DataFrame:
    return counted.group_by("subclass_key").agg(
        n=pl.len(), kr=home.sum(),
        n_recent=(pl.col("period") == "recent").sum(), n_base=(pl.col("period") == "base").sum(),
        mean_citations=pl.col("forward_citations").mean(),
        mean_family_size=pl.col("family_size").mean(),
        kr_mean_citations=pl.col("forward_citations").filter(home).mean(),
        kr_mean_family_size=pl.col("family_size").filter(home).mean(),
    )


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    """numerator / denominator, None when either is unknown or the denominator is zero."""
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def _subclass_row(key: str, category: str, agg: dict | None, category_n: int, totals: dict) -> dict:
    """Counts, shares, growth and Korea competitiveness of one subclass (importance comes later)."""
    row = dict.fromkeys(SUBCLASS_SCHEMA)
    row.update(subclass_key=key, category=category, category_families=category_n,
               citations_available=totals["citations_available"])
    n = agg["n"] if agg else 0
    kr = agg["kr"] if agg else 0
    row.update(n_families=n, kr_families=kr, n_recent=agg["n_recent"] if agg else 0,
               n_base=agg["n_base"] if agg else 0, application_share=_ratio(n, category_n))
    if n == 0:
        return row
    citations = totals["citations_available"]
    rta = _ratio(kr / totals["kr"], n / totals["n"]) if totals["kr"] else 0.0
    pii_kr = _ratio(agg["kr_mean_citations"], agg["mean_citations"]) if citations and kr else None
    pfs_kr = _ratio(agg["kr_mean_family_size"], agg["mean_family_size"]) if kr else None
    row.update(
        korea_share=kr / n,
        growth=relative_growth(row["n_recent"], row["n_base"], totals["n_recent"], totals["n_base"]),
        mean_citations=agg["mean_citations"], mean_family_size=agg["mean_family_size"],
        log_n=math.log(n),
        pii=_ratio(agg["mean_citations"], totals["mean_citations"]) if citations else None,
        pfs=_ratio(agg["mean_family_size"], totals["mean_family_size"]),
        rta_kr=rta, rsca_kr=symmetric_index(rta),
        pii_kr=pii_kr, pii_kr_symmetric=symmetric_index(pii_kr),
        pfs_kr=pfs_kr, pfs_kr_symmetric=symmetric_index(pfs_kr),
    )
    parts = [row[c] for c in ("rsca_kr", "pii_kr_symmetric", "pfs_kr_symmetric") if row[c] is not None]
    row["korea_competitiveness"] = math.fsum(parts) / len(parts)
    return row


def _add_importance(rows: list[dict], citations_available: bool) -> None:
    """z-scores across the subclasses with families, and their mean as importance."""
    counted = [row for row in rows if row["n_families"]]
    components = {"z_log_n": "log_n", "z_growth": "growth", "z_pfs": "pfs"}
    if citations_available:
        components["z_pii"] = "pii"
    for z_column, column in components.items():
        for row, z in zip(counted, z_scores([row[column] for row in counted]), strict=True):
            row[z_column] = z
    for row in counted:
        parts = [row[c] for c in ("z_log_n", "z_growth", "z_pii", "z_pfs") if row[c] is not None]
        row["importance"] = math.fsum(parts) / len(parts)


def _yearly_counts(counted: pl.DataFrame, keys: pl.DataFrame, window: Window | None,
                   home: pl.Expr) -> pl.DataFrame:
    if window is None:
        return pl.DataFrame(schema=YEARLY_SCHEMA)
    years = pl.DataFrame({"priority_year": range(window.first_year, window.last_year + 1)},
                         schema={"priority_year": pl.Int64})
    counts = counted.group_by("subclass_key", "priority_year").agg(families=pl.len(), kr_families=home.sum())
    grid = keys.join(years, how="cross").join(counts, on=["subclass_key", "priority_year"], how="left")
    return grid.with_columns(
        pl.col("families", "kr_families").fill_null(0),
        period=_period(window),
    ).select([pl.col(c).cast(t) for c, t in YEARLY_SCHEMA.items()])
