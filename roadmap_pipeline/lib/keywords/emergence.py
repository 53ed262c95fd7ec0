"""Emergence score (EScore) of terms: Carley and Porter's indicator as pyGrams implements it.

Sources: Carley, Newman, Porter and Garner, "An indicator of technical emergence" (Scientometrics,
2018); Porter et al., "Emergence scoring to identify frontier R&D topics and key players"
(Technological Forecasting and Social Change, 2019); and its open implementation in pyGrams
(github.com/datasciencecampus/pyGrams, ``scripts/algorithms/emergence.py``, class ``Emergence``,
methods ``calculate_escore`` and ``is_emergence_candidate``), which this module follows.

Periods. Ten yearly periods ending at ``last_year``: 3 base periods B1..B3, then 7 active periods
A1..A7 (A7 = ``last_year``). Counts are documents: ``a_k`` documents containing the term in
A_k, ``N_k`` documents of any kind in A_k (the corpus, or the cluster when keyed by cluster).

Score (pyGrams ``calculate_escore``; a per-period count is divided by the square root of the
period's total, which damps the growth of the corpus itself):

    ActiveTrend = (a5 + a6 + a7) / (√N5 + √N6 + √N7) − (a1 + a2 + a3) / (√N1 + √N2 + √N3)
    RecentTrend = 10 · [ (a6 + a7) / (√N6 + √N7) − (a4 + a5) / (√N4 + √N5) ]
    Slope       = 10 · ( a7 / √N7 − a4 / √N4 ) / 3          (mid-year to last year)
    EScore      = 2 · ActiveTrend + RecentTrend + Slope

A later pyGrams revision first min-max scales a1..a7 to [0, 1] (``normalize_array(min_val=0)``);
``scale_term_counts=True`` reproduces it. The default keeps the counts, which is what pyGrams'
own test value (-4.04 for its planted declining term) was computed with. A quotient with a zero
denominator (a period without documents) counts as 0.

Eligibility (pyGrams ``is_emergence_candidate``), all required:
- at least 7 documents with the term in the ten periods (``MIN_DOCS_FOR_EMERGENCE``);
- base share: term documents in B1..B3 / all documents in B1..B3 < 0.15
  (``BASE_TERM2ALL_RATIO_THRESHOLD``), so that terms already common are not "emerging";
- active-to-base ratio: term documents in A1..A7 / term documents in B1..B3 > 2;
- at least one term document in the active period (pyGrams ``init_vars``);
- span: first and last periods with the term at least 3 years apart (the ``>= 3`` test of the
  earlier pyGrams revision, read in years).
pyGrams' later revision rejects a term absent from the base period (it guards the division by
zero of the ratio); the indicator's intent is the opposite (a new term is the most novel), so
here a term absent from the base passes the ratio test unless ``require_base_presence`` is set.
pyGrams' "multiple author sets" test is a stub that always passes; it is left out here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

BASE_PERIODS = 3
ACTIVE_PERIODS = 7
PERIODS = BASE_PERIODS + ACTIVE_PERIODS


@dataclass(frozen=True)
class EmergenceCriteria:
    """Thresholds of eligibility; the defaults are pyGrams' constants.

    Attributes:
        min_documents: Minimum term documents in the ten periods.
        max_base_share: Term documents / all documents in the base period must be below this.
        min_active_to_base: Active / base term documents must exceed this.
        min_span_years: Last minus first year with the term must be at least this.
        require_base_presence: Reject terms absent from the base period (pyGrams' later rule).
    """

    min_documents: int = 7
    max_base_share: float = 0.15
    min_active_to_base: float = 2.0
    min_span_years: int = 3
    require_base_presence: bool = False


def term_year_counts(
    documents: pl.DataFrame,
    keys: Sequence[str] = (),
    tokens: str = "tokens",
    year: str = "year",
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Documents per year containing each term, and all documents per year.

    Args:
        documents: One row per document with ``year``, a token-list column and the ``keys``.
        keys: Columns that split the corpus (e.g. ``("cluster_id",)``); empty for one corpus.
        tokens: Name of the token-list column.
        year: Name of the year column.

    Returns:
        ``(term_counts, totals)``: columns ``*keys, term, year, n_documents`` and
        ``*keys, year, n_documents``.
    """
    docs = documents.select(*keys, pl.col(year).cast(pl.Int64).alias("year"), pl.col(tokens))
    term_counts = (
        docs.select(*keys, "year", pl.col(tokens).list.unique().alias("term"))
        .explode("term")
        .drop_nulls("term")
        .group_by(*keys, "term", "year")
        .agg(pl.len().cast(pl.Int64).alias("n_documents"))
    )
    totals = docs.group_by(*keys, "year").agg(pl.len().cast(pl.Int64).alias("n_documents"))
    return term_counts, totals


def _per_period(frame: pl.DataFrame, group: Sequence[str], years: range, prefix: str) -> pl.LazyFrame:
    in_range = frame.lazy().filter(pl.col("year").is_between(years[0], years[-1]))
    columns = [
        pl.col("n_documents").filter(pl.col("year") == y).sum().cast(pl.Float64).alias(f"{prefix}{i}")
        for i, y in enumerate(years)
    ]
    return in_range.group_by(*group).agg(columns) if group else in_range.select(columns)


def _quotient(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    return pl.when(denominator > 0).then(numerator / denominator).otherwise(0.0)


def _escore_columns(scale_term_counts: bool) -> list[pl.Expr]:
    active = [pl.col(f"term_{BASE_PERIODS + k}") for k in range(ACTIVE_PERIODS)]
    if scale_term_counts:
        low, high = pl.min_horizontal(active), pl.max_horizontal(active)
        active = [_quotient(a - low, high - low) for a in active]
    root = [pl.col(f"all_{BASE_PERIODS + k}").sqrt() for k in range(ACTIVE_PERIODS)]
    a1, a2, a3, a4, a5, a6, a7 = active
    r1, r2, r3, r4, r5, r6, r7 = root
    active_trend = _quotient(a5 + a6 + a7, r5 + r6 + r7) - _quotient(a1 + a2 + a3, r1 + r2 + r3)
    recent_trend = 10 * (_quotient(a6 + a7, r6 + r7) - _quotient(a4 + a5, r4 + r5))
    slope = 10 * (_quotient(a7, r7) - _quotient(a4, r4)) / 3
    return [
        active_trend.alias("active_trend"),
        recent_trend.alias("recent_trend"),
        slope.alias("slope"),
        (2 * active_trend + recent_trend + slope).alias("escore"),
    ]


def _eligibility_columns(criteria: EmergenceCriteria) -> list[pl.Expr]:
    term = [pl.col(f"term_{i}") for i in range(PERIODS)]
    base = pl.sum_horizontal(term[:BASE_PERIODS])
    active = pl.sum_horizontal(term[BASE_PERIODS:])
    base_all = pl.sum_horizontal(pl.col(f"all_{i}") for i in range(BASE_PERIODS))
    present = [pl.when(t > 0).then(i) for i, t in enumerate(term)]
    span = pl.max_horizontal(present) - pl.min_horizontal(present)
    active_to_base = (
        pl.when(base > 0).then(active / base).otherwise(pl.when(active > 0).then(float("inf")))
    )
    base_share = _quotient(base, base_all)
    eligible = (
        (base + active >= criteria.min_documents)
        & (active > 0)
        & (base_share < criteria.max_base_share)
        & (active_to_base > criteria.min_active_to_base)
        & (span >= criteria.min_span_years)
    )
    if criteria.require_base_presence:
        eligible = eligible & (base > 0)
    return [
        (base + active).cast(pl.Int64).alias("n_documents"),
        base.cast(pl.Int64).alias("base_documents"),
        active.cast(pl.Int64).alias("active_documents"),
        base_share.alias("base_share"),
        active_to_base.alias("active_to_base"),
        eligible.fill_null(False).alias("eligible"),
    ]


def emergence_scores(
    term_counts: pl.DataFrame,
    totals: pl.DataFrame,
    last_year: int,
    keys: Sequence[str] = (),
    criteria: EmergenceCriteria = EmergenceCriteria(),
    scale_term_counts: bool = False,
) -> pl.DataFrame:
    """EScore, its components and eligibility of every term, per group of documents.

    Args:
        term_counts: Columns ``*keys, term, year, n_documents`` (documents containing the term).
        totals: Columns ``*keys, year, n_documents`` (all documents of the group that year).
        last_year: Last active period; the base is ``last_year - 9 .. last_year - 7``. Choose
            the last complete year (grants and publications of the current year are partial).
        keys: Columns that identify a group, e.g. ``("cluster_id",)``; empty for one corpus.
        criteria: Eligibility thresholds.
        scale_term_counts: Min-max scale the active counts first (pyGrams' later revision).

    Returns:
        One row per group and term present in the ten periods: ``*keys, term, n_documents,
        base_documents, active_documents, base_share, active_to_base, eligible, active_trend,
        recent_trend, slope, escore``; sorted by group, escore descending, term.
    """
    years = range(last_year - PERIODS + 1, last_year + 1)
    terms = _per_period(term_counts, (*keys, "term"), years, "term_")
    groups = _per_period(totals, keys, years, "all_")
    joined = terms.join(groups, on=list(keys), how="left") if keys else terms.join(groups, how="cross")
    return (
        joined.with_columns(pl.col(f"all_{i}").fill_null(0.0) for i in range(PERIODS))
        .select(*keys, "term", *_eligibility_columns(criteria), *_escore_columns(scale_term_counts))
        .sort(*keys, "escore", "term", descending=[False] * len(keys) + [True, False])
        .collect()
    )


def term_emergence(
    documents: pl.DataFrame,
    last_year: int,
    keys: Sequence[str] = (),
    criteria: EmergenceCriteria = EmergenceCriteria(),
    scale_term_counts: bool = False,
) -> pl.DataFrame:
    """:func:`emergence_scores` straight from documents with ``year`` and ``tokens`` columns."""
    in_periods = documents.filter(pl.col("year").is_between(last_year - PERIODS + 1, last_year))
    term_counts, totals = term_year_counts(in_periods, keys)
    return emergence_scores(term_counts, totals, last_year, keys, criteria, scale_term_counts)
